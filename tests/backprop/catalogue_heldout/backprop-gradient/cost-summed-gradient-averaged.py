# expect: missing-divide-by-m
import numpy as np
from tutor_helpers import sigmoid, sigmoid_gradient, reshape_params


def nn_cost_function(params, layer_sizes, X, y, lam):
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = X.shape[0]
    K = layer_sizes[-1]
    Delta1 = np.zeros_like(Theta1)
    Delta2 = np.zeros_like(Theta2)
    J = 0.0
    for t in range(m):
        a1 = np.concatenate([[1.0], X[t]])
        z2 = Theta1 @ a1
        a2 = np.concatenate([[1.0], sigmoid(z2)])
        h = sigmoid(Theta2 @ a2)
        yt = np.zeros(K)
        yt[y[t]] = 1
        J += np.sum(-yt * np.log(h) - (1 - yt) * np.log(1 - h))
        d3 = h - yt
        d2 = (Theta2.T @ d3)[1:] * sigmoid_gradient(z2)
        Delta1 += np.outer(d2, a1)
        Delta2 += np.outer(d3, a2)
    return J, np.concatenate([(Delta1 / m).ravel(), (Delta2 / m).ravel()])
