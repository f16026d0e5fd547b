"""The regularized-gradient exercise's answer: the regularized cost and its gradient."""

from __future__ import annotations

import numpy as np

from tutor.core import reshape_params, sigmoid, sigmoid_gradient


def nn_cost_function(params, layer_sizes, X, y, lam):
    """The regularized cost J of a 3-layer network and its gradient.

    params: Theta1 then Theta2, unrolled row-major.  X: (m, s1).
    y: (m,) labels 0..K-1.  lam: lambda >= 0.
    """
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = X.shape[0]
    K = layer_sizes[-1]

    a1 = np.hstack([np.ones((m, 1)), X])
    z2 = a1 @ Theta1.T
    a2 = np.hstack([np.ones((m, 1)), sigmoid(z2)])
    h = sigmoid(a2 @ Theta2.T)
    Y = np.eye(K)[y]
    J = np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h)) / m
    squares = np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2)
    J += lam / (2 * m) * squares

    delta3 = h - Y
    delta2 = (delta3 @ Theta2)[:, 1:] * sigmoid_gradient(z2)
    D1 = delta2.T @ a1 / m
    D2 = delta3.T @ a2 / m

    # the penalty's slope, (lambda / m) Theta, on every column but the bias's
    D1[:, 1:] += lam / m * Theta1[:, 1:]
    D2[:, 1:] += lam / m * Theta2[:, 1:]
    return J, np.concatenate([D1.ravel(), D2.ravel()])
