"""The backprop-gradient exercise's answer: the cost and its gradient by backpropagation, lambda = 0."""

from __future__ import annotations

import numpy as np

from tutor.core import reshape_params, sigmoid, sigmoid_gradient


def nn_cost_function(params, layer_sizes, X, y, lam):
    """The cost J of a 3-layer network and its gradient, unrolled like params.

    params: Theta1 then Theta2, unrolled row-major.  X: (m, s1).
    y: (m,) labels 0..K-1.
    lam is 0 in this exercise (the regularized-gradient exercise adds it).
    """
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = X.shape[0]
    K = layer_sizes[-1]

    # forward, keeping z2 and the activations for the way back
    a1 = np.hstack([np.ones((m, 1)), X])            # (m, s1 + 1)
    z2 = a1 @ Theta1.T                              # (m, s2)
    a2 = np.hstack([np.ones((m, 1)), sigmoid(z2)])  # (m, s2 + 1)
    h = sigmoid(a2 @ Theta2.T)                      # (m, K)
    Y = np.eye(K)[y]
    J = np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h)) / m

    # backward: the output error, then the hidden error (bias column dropped)
    delta3 = h - Y                                          # (m, K)
    delta2 = (delta3 @ Theta2)[:, 1:] * sigmoid_gradient(z2)  # (m, s2)

    # error times activation, summed over examples: each D is Theta's shape
    D1 = delta2.T @ a1 / m                          # like Theta1
    D2 = delta3.T @ a2 / m                          # like Theta2
    return J, np.concatenate([D1.ravel(), D2.ravel()])
