# expect: off-by-a-factor
import numpy as np
from tutor_helpers import sigmoid, sigmoid_gradient, reshape_params


def nn_cost_function(params, layer_sizes, X, y, lam):
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = X.shape[0]
    K = layer_sizes[-1]
    a1 = np.hstack([np.ones((m, 1)), X])
    z2 = a1 @ Theta1.T
    a2 = np.hstack([np.ones((m, 1)), sigmoid(z2)])
    h = sigmoid(a2 @ Theta2.T)
    Y = np.eye(K)[y]
    J = np.mean(-Y * np.log(h) - (1 - Y) * np.log(1 - h))
    delta3 = h - Y
    delta2 = (delta3 @ Theta2)[:, 1:] * sigmoid_gradient(z2)
    D1 = delta2.T @ a1 / m
    D2 = delta3.T @ a2 / m
    return J, np.concatenate([D1.ravel(), D2.ravel()])
