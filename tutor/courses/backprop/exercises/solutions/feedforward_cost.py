"""The feedforward-cost exercise's answer: the cost of one forward pass, lambda = 0."""

from __future__ import annotations

import numpy as np

from tutor.core import reshape_params, sigmoid


def nn_cost_function(params, layer_sizes, X, y, lam):
    """The cost J of a 3-layer network, and a zero gradient (it comes later).

    params: Theta1 then Theta2, unrolled row-major.  X: (m, s1).
    y: (m,) labels 0..K-1.
    lam is 0 in this exercise (the regularized-cost exercise adds it).
    """
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = X.shape[0]
    K = layer_sizes[-1]

    # forward pass, one example per row; a column of ones is the bias unit
    a1 = np.hstack([np.ones((m, 1)), X])            # (m, s1 + 1)
    a2 = np.hstack([np.ones((m, 1)), sigmoid(a1 @ Theta1.T)])  # (m, s2 + 1)
    h = sigmoid(a2 @ Theta2.T)                      # (m, K)

    # one-hot labels; every output's cost, summed, then averaged over examples
    Y = np.eye(K)[y]                                # (m, K)
    J = np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h)) / m
    return J, np.zeros_like(params)
