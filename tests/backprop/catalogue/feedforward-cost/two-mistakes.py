# expect: off-by-a-factor + index-off-by-one
import numpy as np
from tutor_helpers import sigmoid, reshape_params


def nn_cost_function(params, layer_sizes, X, y, lam):
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = X.shape[0]
    K = layer_sizes[-1]
    a1 = np.hstack([np.ones((m, 1)), X])
    z2 = a1 @ Theta1.T
    a2 = np.hstack([np.ones((m, 1)), sigmoid(z2)])
    z3 = a2 @ Theta2.T
    h = sigmoid(z3)
    Y = np.eye(K)[y - 1]
    J = np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h))
    J += lam / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    return J, np.zeros_like(params)
