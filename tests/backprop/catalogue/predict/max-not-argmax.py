# expect: none
import numpy as np
from tutor_helpers import sigmoid


def predict(thetas, X):
    a = X
    for T in thetas:
        a = sigmoid(np.hstack([np.ones((a.shape[0], 1)), a]) @ T.T)
    return np.max(a, axis=1)
