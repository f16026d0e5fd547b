"""The regularized-cost exercise's answer: the cost plus lambda / (2m) times the squared weights."""

from __future__ import annotations

import numpy as np

from tutor.core import reshape_params, sigmoid


def nn_cost_function(params, layer_sizes, X, y, lam):
    """The regularized cost J of a 3-layer network; the gradient comes later.

    params: Theta1 then Theta2, unrolled row-major.  X: (m, s1).
    y: (m,) labels 0..K-1.  lam: lambda >= 0.
    """
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = X.shape[0]
    K = layer_sizes[-1]

    a1 = np.hstack([np.ones((m, 1)), X])
    a2 = np.hstack([np.ones((m, 1)), sigmoid(a1 @ Theta1.T)])
    h = sigmoid(a2 @ Theta2.T)
    Y = np.eye(K)[y]
    J = np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h)) / m

    # the penalty leaves out column 0 of each Theta: the bias weights
    squares = np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2)
    J += lam / (2 * m) * squares
    return J, np.zeros_like(params)
