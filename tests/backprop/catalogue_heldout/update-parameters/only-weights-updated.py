# expect: none
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new = dict(parameters)
    new["W1"] = parameters["W1"] - learning_rate * grads["dW1"]
    new["W2"] = parameters["W2"] - learning_rate * grads["dW2"]
    return new
