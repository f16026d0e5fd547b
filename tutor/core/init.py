"""Starting weights: the debug pattern, uniform [-eps, eps], and normal * scale.

Why random: if every weight starts equal, every hidden unit computes the same
thing and receives the same gradient, so they stay identical for ever (the
symmetry problem). Small random values break the tie.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.core.params import theta_shapes, unroll


def debug_initialize_weights(fan_out: int, fan_in: int) -> np.ndarray:
    """Deterministic weights for gradient checks, shape (fan_out, 1 + fan_in).

    The entries are sin(0), sin(1), ..., sin(n - 1), divided by 10 and filled
    row-major: varied, repeatable and free of randomness.
    """
    n = fan_out * (1 + fan_in)
    return (np.sin(np.arange(n, dtype=float)) / 10.0).reshape(fan_out, 1 + fan_in)


def epsilon_init(L_in: int, L_out: int) -> float:
    """The sqrt(6) rule: eps = sqrt(6) / sqrt(L_in + L_out)."""
    return float(np.sqrt(6.0) / np.sqrt(L_in + L_out))


def _generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def rand_initialize_weights(L_in: int, L_out: int, epsilon: float = 0.12, rng=None) -> np.ndarray:
    """Uniform weights in [-epsilon, epsilon], shape (L_out, 1 + L_in).

    `rng` is a numpy Generator or a seed (None: fresh entropy).
    """
    g = _generator(rng)
    return g.uniform(-epsilon, epsilon, size=(L_out, 1 + L_in))


def normal_initialize_weights(
    layer_sizes: Sequence[int], scale: float = 0.01, seed: int | None = 2
) -> list[np.ndarray]:
    """The from-scratch style: W ~ N(0, 1) * scale, biases b = 0.

    Draws W1, then W2, ... from `np.random.RandomState(seed).randn(s_{l+1}, s_l)`
    (the legacy generator), so a run can be matched number for number with the
    original write-up. Returned as Thetas [b | W].
    """
    state = np.random.RandomState(seed)
    thetas = []
    for rows, cols in theta_shapes(layer_sizes):
        W = state.randn(rows, cols - 1) * scale
        thetas.append(np.hstack([np.zeros((rows, 1)), W]))
    return thetas


def initialize_params(
    layer_sizes: Sequence[int],
    method: str = "uniform",
    *,
    epsilon: float | str = 0.12,
    scale: float = 0.01,
    seed: int | None = None,
) -> np.ndarray:
    """An unrolled starting vector for a network of `layer_sizes`.

    method "uniform": each Theta uniform in [-eps, eps]; `epsilon` is a number
    or "sqrt6" for the per-layer sqrt(6) rule. method "normal": see
    `normal_initialize_weights`. method "zeros": all zero (to show symmetry).
    """
    if method == "uniform":
        g = _generator(seed)
        sizes = list(layer_sizes)
        thetas = []
        for i in range(len(sizes) - 1):
            eps = epsilon_init(sizes[i], sizes[i + 1]) if epsilon == "sqrt6" else float(epsilon)
            thetas.append(rand_initialize_weights(sizes[i], sizes[i + 1], eps, g))
        return unroll(thetas)
    if method == "normal":
        return unroll(normal_initialize_weights(layer_sizes, scale, seed))
    if method == "zeros":
        return unroll([np.zeros(s) for s in theta_shapes(layer_sizes)])
    raise ValueError(f"unknown init method {method!r}; known: uniform, normal, zeros")
