# expect: pass
import numpy as np
from tutor_helpers import sigmoid, sigmoid_gradient, reshape_params


def nn_cost_function(params, layer_sizes, X, y, lam):
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = X.shape[0]
    K = layer_sizes[-1]
    a1 = np.hstack([np.ones((m, 1)), X])
    z2 = a1 @ Theta1.T
    a2 = np.hstack([np.ones((m, 1)), sigmoid(z2)])
    z3 = a2 @ Theta2.T
    h = sigmoid(z3)
    Y = np.eye(K)[y]
    J = np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h)) / m
    J += lam / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    D1 = np.zeros_like(Theta1)
    D2 = np.zeros_like(Theta2)
    for t in range(m):
        d3 = h[t] - Y[t]
        d2 = (Theta2.T @ d3)[1:] * sigmoid_gradient(z2[t])
        D2 += np.outer(d3, a2[t])
        D1 += np.outer(d2, a1[t])
    D1 /= m
    D2 /= m
    D1[:, 1:] += lam / m * Theta1[:, 1:]
    D2[:, 1:] += lam / m * Theta2[:, 1:]
    return J, np.concatenate([D1.ravel(), D2.ravel()])
