# expect: none
import numpy as np
from tutor_helpers import sigmoid


def sigmoid_gradient(z):
    out = []
    for v in np.ravel(z):
        s = sigmoid(v)
        out.append(s * (1 - s))
    return np.array(out)
