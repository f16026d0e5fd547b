"""The cross-entropy cost, with and without regularization.

J = (1/m) sum_i sum_k [-Y log h - (1 - Y) log(1 - h)]
    + lambda / (2m) * (sum of squares of every weight but the bias column).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.core.activations import get_activation
from tutor.core.forward import affine, as_float


def one_hot(y: np.ndarray, K: int) -> np.ndarray:
    """Class indices y (m,) in 0..K-1 -> Y (m, K) with a single 1 per row.

    With K = 1 (one sigmoid output, two classes) Y is y itself as a column.
    """
    y = np.asarray(y).ravel().astype(np.intp)
    if K == 1:
        return y.reshape(-1, 1).astype(float)
    Y = np.zeros((y.size, K))
    Y[np.arange(y.size), y] = 1.0
    return Y


def cross_entropy(h: np.ndarray, Y: np.ndarray) -> float:
    """Unregularized cost from the outputs h (m, K) and targets Y (m, K).

    Written exactly as the formula; `cross_entropy_from_z` is the form that
    cannot overflow, used in training.
    """
    m = h.shape[0]
    return float(-(Y * np.log(h) + (1.0 - Y) * np.log(1.0 - h)).sum() / m)


def cross_entropy_from_z(zL: np.ndarray, Y: np.ndarray) -> float:
    """The same cost from the last pre-activations zL (h = sigmoid(zL)).

    -Y log g(z) - (1-Y) log(1 - g(z)) = log(1 + e^z) - Y z, which stays finite
    even when h rounds to exactly 0 or 1.
    """
    m = zL.shape[0]
    return float((softplus_sum(zL) - (Y * zL).sum()) / m)


def softplus_sum(z: np.ndarray) -> float:
    """The sum of log(1 + e^z) over every entry of z (any shape).

    Written as max(z, 0) + log1p(e^-|z|): e^-|z| is at most 1, so nothing
    overflows for any z. The same numbers as np.logaddexp(0, z) to rounding,
    in about a third of its time (measured on a 1797 x 10 z: 54 against
    180 us), which matters because numerical gradients evaluate the cost
    twice per parameter.
    """
    t = np.abs(z)
    np.negative(t, out=t)
    np.exp(t, out=t)
    np.log1p(t, out=t)
    t += np.maximum(z, 0.0)
    return float(t.sum(dtype=np.float64))


def regularization(thetas: Sequence[np.ndarray], lam: float, m: int) -> float:
    """lambda / (2m) * sum of squared weights, the bias column (column 0) excluded."""
    if lam == 0:
        return 0.0
    squares = sum(float(np.einsum("ij,ij->", T[:, 1:], T[:, 1:])) for T in thetas)
    return lam / (2.0 * m) * squares


def nn_cost(
    thetas: Sequence[np.ndarray], X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid"
) -> float:
    """J for the weights `thetas` on X (m, n), 0-based labels y (m,).

    The same numbers as `feedforward` followed by the cost, without building
    [1, X] (a copy of all of X) on every call: the bias column is added after
    the product. Numerical gradients call this twice per parameter.
    """
    g = get_activation(activation)[0]
    a = as_float(X)
    m = a.shape[0]
    last = len(thetas) - 1
    for l, Theta in enumerate(thetas):
        z = affine(a, Theta)
        if l < last:
            a = g(z)
    Y = one_hot(y, thetas[-1].shape[0])
    return cross_entropy_from_z(z, Y) + regularization(thetas, lam, m)
