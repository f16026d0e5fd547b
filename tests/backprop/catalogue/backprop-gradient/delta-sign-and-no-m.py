# expect: sign-flipped + off-by-a-factor
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
    d3 = Y - h
    d2 = (d3 @ Theta2)[:, 1:] * sigmoid_gradient(z2)
    D1 = d2.T @ a1
    D2 = d3.T @ a2
    D1[:, 1:] += lam / m * Theta1[:, 1:]
    D2[:, 1:] += lam / m * Theta2[:, 1:]
    return J, np.concatenate([D1.ravel(), D2.ravel()])
