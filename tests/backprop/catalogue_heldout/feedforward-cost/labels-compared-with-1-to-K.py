# expect: labels-off-by-one
import numpy as np
from tutor_helpers import sigmoid, reshape_params


def nn_cost_function(params, layer_sizes, X, y, lam):
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = len(y)
    K = layer_sizes[2]
    a1 = np.c_[np.ones(m), X]
    a2 = np.c_[np.ones(m), sigmoid(a1.dot(Theta1.T))]
    h = sigmoid(a2.dot(Theta2.T))
    J = 0.0
    for k in range(1, K + 1):
        yk = (y == k).astype(float)
        J += np.sum(-yk * np.log(h[:, k - 1]) - (1 - yk) * np.log(1 - h[:, k - 1]))
    return J / m, np.zeros_like(params)
