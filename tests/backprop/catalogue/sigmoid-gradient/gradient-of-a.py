# expect: gradient-with-a-not-z
from tutor_helpers import sigmoid


def sigmoid_gradient(z):
    a = sigmoid(z)
    return sigmoid(a) * (1 - sigmoid(a))
