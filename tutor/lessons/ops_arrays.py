"""The engine's array operations: enough to write a model's maths in a lesson's YAML.

Arithmetic broadcasts like numpy (a number may stand for an array). Each op
is a small function of named inputs returning one value, or a dict of named
values (its `outputs`). `tutor ops` lists them from this registry.
"""

from __future__ import annotations

import numpy as np

from tutor import core
from tutor.lessons.registry import operation


def _f(A) -> np.ndarray:
    return np.asarray(A, dtype=float)


def _axis(axis):
    """None (every entry), or 0 / 1 / -1 given as a number in the YAML."""
    return None if axis is None else int(axis)


def _keep(keepdims) -> bool:
    """keepdims as written in the YAML: true / false (or 1 / 0)."""
    if isinstance(keepdims, str):
        if keepdims.lower() not in ("true", "false", "yes", "no"):
            raise ValueError(f"keepdims is true or false, not {keepdims!r}")
        return keepdims.lower() in ("true", "yes")
    return bool(keepdims)


# -- arithmetic ---------------------------------------------------------------------------


@operation("add")
def add(A, B):
    """A + B, elementwise (numbers and shapes broadcast)."""
    return _f(A) + _f(B)


@operation("subtract")
def subtract(A, B):
    """A - B, elementwise (numbers and shapes broadcast)."""
    return _f(A) - _f(B)


@operation("multiply")
def multiply(A, B):
    """A * B, elementwise (a number scales an array)."""
    return _f(A) * _f(B)


@operation("divide")
def divide(A, B):
    """A / B, elementwise (divide by a number to scale)."""
    B = _f(B)
    if np.any(B == 0):
        raise ValueError("division by zero")
    return _f(A) / B


@operation("power")
def power(A, p):
    """A ** p, elementwise."""
    return _f(A) ** _f(p)


@operation("negate")
def negate(A):
    """-A."""
    return -_f(A)


# -- products and shapes -------------------------------------------------------------------


@operation("matmul")
def matmul(A, B):
    """The matrix product A B (write `W.T` for a transpose)."""
    A, B = _f(A), _f(B)
    if A.shape[-1] != B.shape[0]:
        raise ValueError(f"cannot multiply {A.shape} by {B.shape}: the inner sizes {A.shape[-1]} and {B.shape[0]} differ")
    return A @ B


@operation("transpose")
def transpose(A):
    """Aᵀ."""
    return np.asarray(A).T


@operation("reshape")
def reshape(A, shape):
    """A with a new shape (a list such as [3, 1]; -1 means whatever fits)."""
    return np.reshape(np.asarray(A), [int(s) for s in np.atleast_1d(shape)])


@operation("shape")
def shape(A):
    """The shape of A as a list, e.g. [100, 3]."""
    return list(np.shape(A))


@operation("size")
def size(A, axis=None):
    """How many entries A has (along `axis` when given): m = size(X, axis=0)."""
    return int(np.size(A) if axis is None else np.shape(A)[int(axis)])


@operation("add_bias")
def add_bias(A):
    """[1, A]: a column of ones in front. (m, n) -> (m, n + 1); a vector gets a leading 1."""
    A = _f(A)
    if A.ndim == 1:
        return np.concatenate(([1.0], A))
    return core.add_bias(A)


@operation("row")
def row(A, index=0):
    """Row `index` of A, as a vector."""
    A = np.asarray(A)
    index = int(index)
    if not -A.shape[0] <= index < A.shape[0]:
        raise ValueError(f"row {index} does not exist; there are {A.shape[0]}")
    return A[index]


@operation("rows")
def rows(A, start=0, count=5):
    """Rows start .. start+count-1 of A."""
    A = np.asarray(A)
    return A[int(start): int(start) + int(count)]


@operation("column")
def column(A, index=0):
    """Column `index` of A, as a vector."""
    return np.asarray(A)[:, int(index)]


# -- reductions ----------------------------------------------------------------------------


@operation("sum")
def total(A, axis=None, keepdims=False):
    """The sum of A's entries: all of them, or along `axis` (0: down columns, 1: along rows); keepdims: keep that axis.

    keepdims=true keeps the summed axis with size 1, so (m, K) summed along
    axis 1 is (m, 1) and divides every row of A back: A / sum(A, 1, keepdims).
    """
    return _f(A).sum(axis=_axis(axis), keepdims=_keep(keepdims))


@operation("sum_rows")
def sum_rows(A):
    """The sum of each row: (m, K) -> (m,)."""
    return _f(A).sum(axis=1)


@operation("mean")
def mean(A, axis=None, keepdims=False):
    """The mean of A's entries: all of them, or along `axis` (0: down columns, 1: along rows); keepdims: keep that axis."""
    return _f(A).mean(axis=_axis(axis), keepdims=_keep(keepdims))


@operation("max")
def maximum(A, axis=None, keepdims=False):
    """The largest entry of A (along `axis` when given; keepdims: keep that axis with size 1)."""
    return _f(A).max(axis=_axis(axis), keepdims=_keep(keepdims))


@operation("min")
def minimum(A, axis=None, keepdims=False):
    """The smallest entry of A (along `axis` when given; keepdims: keep that axis with size 1)."""
    return _f(A).min(axis=_axis(axis), keepdims=_keep(keepdims))


@operation("logsumexp")
def logsumexp(A, axis=None, keepdims=False):
    """log(sum(exp(A))) computed without overflow: all entries, or along `axis`; keepdims: keep that axis.

    Shifted by the largest entry m first: log sum e^A = m + log sum e^(A - m),
    so entries of 1000 give 1000.69..., not inf. A slice of only -inf gives -inf.
    """
    A = _f(A)
    ax, keep = _axis(axis), _keep(keepdims)
    if A.size == 0:
        raise ValueError("logsumexp of an empty array")
    with np.errstate(all="ignore"):
        m = A.max(axis=ax, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        out = np.log(np.sum(np.exp(A - m), axis=ax, keepdims=True)) + m
    return out if keep else (out.reshape(()) if ax is None else np.squeeze(out, axis=ax))


@operation("softmax")
def softmax(A, axis=-1):
    """e^A / sum(e^A) along `axis` (default: the last, each row of an (m, K) matrix): probabilities that sum to 1.

    Computed stably, as e^(A - logsumexp(A)): large entries do not overflow.
    Each row of an (m, K) matrix of scores gives a row of K probabilities.
    """
    A = _f(A)
    with np.errstate(all="ignore"):
        return np.exp(A - logsumexp(A, axis=axis, keepdims=True))


@operation("norm")
def norm(A):
    """The Euclidean length of A: the square root of the sum of its squared entries."""
    return float(np.sqrt(np.sum(_f(A) ** 2)))


@operation("max_abs")
def max_abs(A):
    """The largest absolute entry of A."""
    return float(np.max(np.abs(_f(A))))


@operation("relative_difference")
def relative_difference(a, b):
    """|a - b| / |a + b| (Euclidean lengths): about 1e-9 when two gradients agree."""
    a, b = _f(a), _f(b)
    return float(core.relative_difference(a.ravel(), b.ravel()))


# -- elementwise functions -------------------------------------------------------------------


@operation("exp")
def exp(A):
    """e ** A, elementwise."""
    return np.exp(_f(A))


@operation("log")
def log(A):
    """The natural logarithm, elementwise (entries must be positive)."""
    A = _f(A)
    if np.any(A <= 0):
        raise ValueError("log needs positive entries")
    return np.log(A)


@operation("sigmoid")
def sigmoid(z):
    """g(z) = 1 / (1 + e^-z), elementwise."""
    return core.sigmoid(_f(z))


@operation("tanh")
def tanh(z):
    """tanh(z), elementwise."""
    return np.tanh(_f(z))


@operation("log_loss")
def log_loss(h, y):
    """-mean(y log h + (1 - y) log(1 - h)): the cross-entropy of probabilities h (m,) for labels y (m,) in {0, 1}."""
    h, y = _f(h).ravel(), _f(y).ravel()
    if h.shape != y.shape:
        raise ValueError(f"{h.size} probabilities against {y.size} labels")
    if np.any((h <= 0) | (h >= 1)):
        raise ValueError("probabilities must be strictly between 0 and 1")
    return float(-np.mean(y * np.log(h) + (1.0 - y) * np.log(1.0 - h)))


# -- labels and comparisons ---------------------------------------------------------------------


@operation("one_hot")
def one_hot(y, K):
    """Labels y (m,) -> Y (m, K) with a single 1 per row."""
    return core.one_hot(np.asarray(y, dtype=np.intp).ravel(), int(K))


@operation("argmax")
def argmax(h):
    """For each row, the index of the largest value: (m, K) -> (m,)."""
    return np.argmax(np.asarray(h), axis=-1)


@operation("at_least")
def at_least(A, threshold):
    """1 where A >= threshold, else 0 (e.g. a probability of 0.5 or more -> class 1)."""
    return (_f(A) >= float(threshold)).astype(float)


@operation("equal")
def equal(A, B):
    """1 where A equals B, else 0, elementwise."""
    return (np.asarray(A) == np.asarray(B)).astype(float)


@operation("accuracy")
def accuracy(p, y):
    """The fraction of predictions p that equal the labels y, in [0, 1]."""
    p, y = np.asarray(p).ravel(), np.asarray(y).ravel()
    if p.shape != y.shape:
        raise ValueError(f"{p.size} predictions against {y.size} labels")
    return float(np.mean(p == y)) if p.size else 0.0


@operation("confusion_matrix")
def confusion_matrix(y, p, K):
    """C (K, K): C[i, j] counts examples of class i predicted as j."""
    return core.confusion_matrix(np.asarray(y, dtype=np.intp).ravel(), np.asarray(p), max(int(K), 2))


# -- the plane ------------------------------------------------------------------------------------


@operation("grid", outputs=("grid_points", "grid_xs", "grid_ys"))
def grid(X, rows=40, cols=80, margin=0.5):
    """Points on a regular grid over two features of X, for the `regions` view.

    grid_points (rows * cols, 2), row by row from the lowest y; grid_xs
    (cols,), grid_ys (rows,).
    """
    X = _f(X)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"a grid in the plane needs two features, X has shape {X.shape}")
    (x0, y0), (x1, y1) = X.min(axis=0) - float(margin), X.max(axis=0) + float(margin)
    xs, ys = np.linspace(x0, x1, int(cols)), np.linspace(y0, y1, int(rows))
    gx, gy = np.meshgrid(xs, ys)
    return {"grid_points": np.column_stack([gx.ravel(), gy.ravel()]), "grid_xs": xs, "grid_ys": ys}
