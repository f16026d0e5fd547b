# expect: gradient-with-a-not-z
from tutor_helpers import sigmoid


def sigmoid_gradient(z):
    return z * (1 - z)
