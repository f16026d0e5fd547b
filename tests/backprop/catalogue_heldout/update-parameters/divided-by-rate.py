# expect: none
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    return {k: parameters[k] - grads["d" + k] / learning_rate for k in parameters}
