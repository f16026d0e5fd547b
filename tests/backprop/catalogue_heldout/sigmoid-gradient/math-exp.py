# expect: none
import math


def sigmoid_gradient(z):
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)
