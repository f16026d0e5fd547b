"""Reference answers of the from-scratch lesson (two moons), in W/b notation.

Rows are examples, as everywhere in the tutor: X is (m, n_x), Y is (m, 1).
parameters = {"W1": (n_h, n_x), "b1": (n_h,), "W2": (n_y, n_h), "b2": (n_y,)},
which is Theta(l) = [b | W] split in two. The hidden layer uses tanh, the
output the sigmoid.
"""

from __future__ import annotations

import numpy as np

from tutor.core.activations import sigmoid


def forward_propagation(X, parameters):
    """X (m, n_x) -> (A2 (m, n_y), cache {"Z1", "A1", "Z2", "A2"}).

    Z1 = X W1^T + b1 (m, n_h); A1 = tanh(Z1); Z2 = A1 W2^T + b2 (m, n_y);
    A2 = sigmoid(Z2).
    """
    Z1 = X @ parameters["W1"].T + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = A1 @ parameters["W2"].T + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def backward_propagation(parameters, cache, X, Y):
    """Gradients of the mean cross-entropy: {"dW1", "db1", "dW2", "db2"}.

    dZ2 = A2 - Y (m, n_y); dW2 = dZ2^T A1 / m (n_y, n_h); db2 = mean of dZ2
    over examples (n_y,); dZ1 = dZ2 W2 * (1 - A1^2) (m, n_h);
    dW1 = dZ1^T X / m (n_h, n_x); db1 = mean of dZ1 (n_h,).
    """
    m = X.shape[0]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = dZ2.T @ A1 / m
    db2 = dZ2.mean(axis=0)
    dZ1 = (dZ2 @ parameters["W2"]) * (1.0 - A1**2)
    dW1 = dZ1.T @ X / m
    db1 = dZ1.mean(axis=0)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate=1.2):
    """One gradient-descent step: each P becomes P - learning_rate * dP (new arrays)."""
    return {name: value - learning_rate * grads["d" + name] for name, value in parameters.items()}
