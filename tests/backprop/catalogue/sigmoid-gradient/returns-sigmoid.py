# expect: sigmoid-instead-of-gradient
from tutor_helpers import sigmoid


def sigmoid_gradient(z):
    return sigmoid(z)
