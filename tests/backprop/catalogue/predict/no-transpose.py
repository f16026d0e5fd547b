# expect: forward-missing-transpose
import numpy as np
from tutor_helpers import sigmoid


def predict(thetas, X):
    a = X
    for T in thetas:
        a = sigmoid(np.hstack([np.ones((a.shape[0], 1)), a]) @ T)
    return np.argmax(a, axis=1)
