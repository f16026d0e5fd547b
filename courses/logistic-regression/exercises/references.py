"""Reference solutions of this course's exercises (loaded by the checker, by path)."""

import numpy as np


def logistic_gradient(w, X, y):
    """(1/m) Xᵀ (g(X w) - y): the gradient of the logistic cost. w (n+1,), X (m, n+1), y (m,) -> (n+1,)."""
    w = np.asarray(w, dtype=float)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    h = 1.0 / (1.0 + np.exp(-(X @ w)))
    return X.T @ (h - y) / y.size
