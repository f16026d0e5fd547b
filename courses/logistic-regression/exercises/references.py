"""The reference solution of this course's exercise, and the wrong versions its named mistakes compare against.

Loaded by the checker, by path, in the parent process only: a learner's code
never sees this file. The exercise file (logistic-gradient.yaml) names each
wrong version under `diagnoses:` with its words; a mistake is named only when
its wrong version reproduces what the learner's function returned (or the
error it raised) on every test.
"""

import numpy as np


def _arrays(w, X, y):
    return np.asarray(w, dtype=float), np.asarray(X, dtype=float), np.asarray(y, dtype=float)


def logistic_gradient(w, X, y):
    """The logistic cost's gradient, (1/m) Xᵀ (h - y) with h = g(X w).

    w (n+1,), X (m, n+1), y (m,) -> grad (n+1,).
    """
    h = 1.0 / (1.0 + np.exp(-(X @ w)))  # the chances, one per row
    return X.T @ (h - y) / len(y)  # per weight: mean of error x feature


def squared_error_gradient(w, X, y):
    """The factor h (1 - h) kept: the gradient of the squared error, not of the log loss."""
    w, X, y = _arrays(w, X, y)
    h = 1.0 / (1.0 + np.exp(-(X @ w)))
    return X.T @ ((h - y) * h * (1.0 - h)) / y.size


def scores_for_chances(w, X, y):
    """The scores z = X w used where the chances h = g(z) belong."""
    w, X, y = _arrays(w, X, y)
    return X.T @ (X @ w - y) / y.size


def transpose_missing(w, X, y):
    """X @ (h - y): the product without the transpose (numpy refuses it when m differs from n + 1)."""
    w, X, y = _arrays(w, X, y)
    h = 1.0 / (1.0 + np.exp(-(X @ w)))
    return X @ (h - y) / y.size
