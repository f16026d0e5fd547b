# expect: sign-flipped
import numpy as np
from tutor_helpers import sigmoid


def sigmoid_gradient(z):
    s = sigmoid(z)
    return s * (s - 1)
