# expect: matrix-product-for-elementwise
import numpy as np
from tutor_helpers import sigmoid


def sigmoid_gradient(z):
    g = sigmoid(z)
    return np.dot(g, 1 - g)
