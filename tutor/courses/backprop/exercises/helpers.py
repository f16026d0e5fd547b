"""Functions a stub may import (`from tutor_helpers import sigmoid`).

Their source is copied into the checked code's private folder, so each one
needs nothing but numpy: no tutor import, no other helper (sigmoid_gradient
repeats the sigmoid's one line instead of calling it). Shapes as in the core.
"""

from __future__ import annotations

import numpy as np

from tutor.plugin import helper


@helper("sigmoid")
def sigmoid(z):
    """g(z) = 1 / (1 + e^-z), elementwise, any shape; no overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0.0, -z))


@helper("sigmoid_gradient")
def sigmoid_gradient(z):
    """g'(z) = g(z) (1 - g(z)), elementwise, any shape."""
    g = np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))
    return g * (1.0 - g)


@helper("reshape_params")
def reshape_params(params, layer_sizes):
    """Unrolled params -> [Theta1, Theta2, ...], Theta(l) of shape (s_{l+1}, s_l + 1), row-major."""
    params = np.asarray(params, dtype=float).ravel()
    sizes = [int(s) for s in layer_sizes]
    thetas, start = [], 0
    for s_in, s_out in zip(sizes[:-1], sizes[1:]):
        n = s_out * (s_in + 1)
        if start + n > params.size:
            raise ValueError(f"params has {params.size} numbers; layer sizes {sizes} need more")
        thetas.append(params[start:start + n].reshape(s_out, s_in + 1))
        start += n
    if start != params.size:
        raise ValueError(f"params has {params.size} numbers; layer sizes {sizes} need {start}")
    return thetas


@helper("network_cost")
def network_cost(theta, layer_sizes, X, y, lam=0.0):
    """The regularized cross-entropy cost J (a number) of a sigmoid network; theta unrolled row-major.

    Handed to compute_numerical_gradient as J; it returns the cost only.
    """
    theta = np.asarray(theta, dtype=float).ravel()
    sizes = [int(s) for s in layer_sizes]
    X = np.asarray(X, dtype=float)
    m, K = X.shape[0], sizes[-1]
    Y = np.zeros((m, K))
    Y[np.arange(m), np.asarray(y).astype(int).ravel()] = 1.0
    a, start, reg = X, 0, 0.0
    for s_in, s_out in zip(sizes[:-1], sizes[1:]):
        T = theta[start:start + s_out * (s_in + 1)].reshape(s_out, s_in + 1)
        start += T.size
        reg += float((T[:, 1:] ** 2).sum())
        z = np.hstack([np.ones((m, 1)), a]) @ T.T
        a = np.exp(-np.logaddexp(0.0, -z))
    # log h and log(1 - h) from z, so a saturated unit costs a large number, not inf
    J = float((np.logaddexp(0.0, z) - Y * z).sum()) / m
    return J + lam * reg / (2.0 * m)


@helper("cubic_cost")
def cubic_cost(theta):
    """J(t) = sum(t^3 / 3 + t^2): central differences are exact up to rounding, one-sided ones are not."""
    t = np.asarray(theta, dtype=float)
    return float(np.sum(t**3 / 3.0 + t**2))


@helper("cubic_cost_and_decoy")
def cubic_cost_and_decoy(theta):
    """(J, decoy): J as cubic_cost; the second item is NOT J's gradient (it is 1 - 3 dJ/dt), so code that
    returns it, or differences the whole tuple, fails: only the first item is the cost."""
    t = np.asarray(theta, dtype=float)
    return float(np.sum(t**3 / 3.0 + t**2)), 1.0 - 3.0 * (t**2 + 2.0 * t)
