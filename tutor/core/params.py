"""Weight matrices and the unrolled parameter vector.

Theta(l) has shape (s_{l+1}, s_l + 1): column 0 multiplies the bias unit.
Unrolling is row-major, Theta1 first: for 400-25-10 that is 25*401 + 10*26 =
10285 numbers. `reshape_params` returns views into the vector, not copies, so
training can hand the optimizer one flat array and the maths sees matrices.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np


def theta_shapes(layer_sizes: Sequence[int]) -> list[tuple[int, int]]:
    """Shapes of Theta1..Theta(L-1): [(s2, s1 + 1), (s3, s2 + 1), ...]."""
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise ValueError(f"layer sizes must be at least two positive integers, got {list(layer_sizes)}")
    return list(_layout(tuple(sizes))[0])


@functools.lru_cache(maxsize=64)
def _layout(sizes: tuple[int, ...]) -> tuple[tuple[tuple[int, int], ...], int]:
    """(Theta shapes, total count) for checked layer sizes, computed once per
    network: an optimizer on a small network calls reshape_params thousands
    of times, and rebuilding the shapes was a fifth of each call."""
    shapes = tuple((sizes[i + 1], sizes[i] + 1) for i in range(len(sizes) - 1))
    return shapes, sum(r * c for r, c in shapes)


def n_params(layer_sizes: Sequence[int]) -> int:
    """How many numbers the unrolled vector holds."""
    theta_shapes(layer_sizes)  # checks the sizes
    return _layout(tuple(int(s) for s in layer_sizes))[1]


def unroll(thetas: Sequence[np.ndarray]) -> np.ndarray:
    """Theta1, Theta2, ... -> one float vector (row-major, in order)."""
    return np.concatenate([np.asarray(t, dtype=float).ravel() for t in thetas])


def reshape_params(params: np.ndarray, layer_sizes: Sequence[int]) -> list[np.ndarray]:
    """The unrolled vector -> [Theta1, Theta2, ...], as views where possible."""
    params = np.asarray(params, dtype=float)
    sizes = tuple(layer_sizes)
    if not all(type(s) is int for s in sizes):
        sizes = tuple(int(s) for s in sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        theta_shapes(sizes)  # raises the clear message
    shapes, expected = _layout(sizes)
    if params.ndim != 1 or params.size != expected:
        raise ValueError(
            f"a {'-'.join(map(str, layer_sizes))} network has {expected} parameters, got an array of shape {params.shape}"
        )
    thetas, start = [], 0
    for rows, cols in shapes:
        stop = start + rows * cols
        thetas.append(params[start:stop].reshape(rows, cols))
        start = stop
    return thetas


def layer_sizes_of(thetas: Sequence[np.ndarray]) -> list[int]:
    """Recover [s1, s2, ..., sL] from the Theta shapes (and check they chain)."""
    sizes = [thetas[0].shape[1] - 1]
    for i, t in enumerate(thetas):
        if t.ndim != 2 or t.shape[1] - 1 != sizes[-1]:
            raise ValueError(
                f"Theta{i + 1} has shape {t.shape}; it should have {sizes[-1] + 1} columns (the layer before it has {sizes[-1]} units plus the bias)"
            )
        sizes.append(t.shape[0])
    return sizes
