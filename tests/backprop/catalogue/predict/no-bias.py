# expect: missing-bias-column
import numpy as np
from tutor_helpers import sigmoid


def predict(thetas, X):
    a = X
    for T in thetas:
        a = sigmoid(a @ T.T)
    return np.argmax(a, axis=1)
