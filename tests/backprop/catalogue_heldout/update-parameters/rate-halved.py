# expect: input-off-by-a-factor
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    step = learning_rate / 2
    return {name: value - step * grads["d" + name] for name, value in parameters.items()}
