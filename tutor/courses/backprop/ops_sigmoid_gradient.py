"""The sigmoid-gradient lesson's operations: g' at a few points, saturation, the initial epsilons and the symmetry problem.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values) for a lesson step to show
or check; nothing here prints. A parameter named `lam` is the lesson's
`lambda` (a Python keyword).
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    epsilon_init,
    initialize_params,
    reshape_params,
    sigmoid,
    sigmoid_gradient,
    train_network,
)
from tutor.courses.backprop.ops_common import as_sizes, text_table
from tutor.courses.backprop.resultcache import kept
from tutor.plugin import operation


@operation(
    "sigmoid_gradient_values",
    outputs=("z_values", "g_values", "g_prime_values", "g_prime_table", "g_times_one_minus_g", "g_prime_at_zero",
             "g_prime_at_one", "g_prime_at_ten"),
)
def sigmoid_gradient_values(z) -> dict:
    """g(z) and g'(z) = g(z)(1 - g(z)) at a few points z (a list).

    g_times_one_minus_g: the product rule written out from g_values, to check
    against sigmoid_gradient. g_prime_at_zero / _one / _ten: g'(0), g'(1), g'(10).
    g_prime_table columns: z, g(z), g'(z) (6 decimals).
    """
    z = np.asarray(z, dtype=float)
    g, gp = sigmoid(z), sigmoid_gradient(z)
    rows = [[f"{zi:g}", f"{gi:.6f}", f"{gpi:.6g}" if gpi < 1e-3 else f"{gpi:.6f}"] for zi, gi, gpi in zip(z, g, gp)]
    return {
        "z_values": z,
        "g_values": g,
        "g_prime_values": gp,
        "g_prime_table": text_table(rows),
        "g_times_one_minus_g": g * (1.0 - g),
        "g_prime_at_zero": float(sigmoid_gradient(0.0)),
        "g_prime_at_one": float(sigmoid_gradient(1.0)),
        "g_prime_at_ten": float(sigmoid_gradient(10.0)),
    }


@operation("saturation", outputs=("g_prime_z", "mean_g_prime", "saturated_percent"))
def saturation(z: np.ndarray, below: float = 0.01) -> dict:
    """How much gradient flows through units with pre-activations z.

    g_prime_z: g'(z), same shape as z. saturated_percent: share (in %) of
    entries whose g'(z) is below `below`, i.e. nearly switched off for learning.
    """
    gp = sigmoid_gradient(np.asarray(z, dtype=float))
    return {
        "g_prime_z": gp,
        "mean_g_prime": float(gp.mean()),
        "saturated_percent": 100.0 * float(np.mean(gp < below)),
    }


@operation("saturation_and_big_start",
           outputs=("g_prime_z", "mean_g_prime", "saturated_percent", "big_epsilon", "big_saturated_percent"))
def saturation_and_big_start(z: np.ndarray, X: np.ndarray, layer_sizes, big_epsilon: float = 5.0, seed: int = 0,
                             below: float = 0.01) -> dict:
    """`saturation` of z (m, s2), and the same share for a start with large weights, uniform in [-big_epsilon, big_epsilon].

    big_saturated_percent: the share (in %) of the hidden units' g'(z2) below
    `below` on X (m, n) when Theta1 is drawn that wide (seeded): what a large
    start does to the hidden layer before any training.
    """
    out = saturation(z, below)
    sizes = as_sizes(layer_sizes)
    Theta1 = reshape_params(initialize_params(sizes, "uniform", epsilon=float(big_epsilon), seed=int(seed)), sizes)[0]
    a1 = np.column_stack([np.ones(np.shape(X)[0]), np.asarray(X, dtype=float)])
    big = sigmoid_gradient(a1 @ Theta1.T)
    out["big_epsilon"] = float(big_epsilon)
    out["big_saturated_percent"] = 100.0 * float(np.mean(big < below))
    return out


@operation("init_epsilons", outputs=("epsilons", "epsilon_table", "Theta1_init"))
def init_epsilons(layer_sizes, seed: int = 0) -> dict:
    """The sqrt(6) rule eps = sqrt(6)/sqrt(L_in + L_out) for each layer, and a sample Theta1.

    Theta1_init: uniform in [-0.12, 0.12], shape (s2, s1 + 1).
    epsilon_table columns: matrix, L_in, L_out, eps.
    """
    sizes = as_sizes(layer_sizes)
    eps = [epsilon_init(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]
    rows = [[f"Theta{i + 1}", sizes[i], sizes[i + 1], f"{e:.4f}"] for i, e in enumerate(eps)]
    theta1 = reshape_params(initialize_params(sizes, "uniform", epsilon=0.12, seed=seed), sizes)[0]
    return {
        "epsilons": np.array(eps),
        "epsilon_table": text_table(rows),
        "Theta1_init": theta1,
    }


def _distinct_rows(A: np.ndarray, tol: float = 1e-12) -> int:
    """How many different rows A has (rows closer than tol count as one)."""
    distinct: list[np.ndarray] = []
    for row in A:
        if not any(np.max(np.abs(row - d)) <= tol for d in distinct):
            distinct.append(row)
    return len(distinct)


@operation(
    "symmetry_demo",
    outputs=(
        "Theta1_from_zeros",
        "Theta1_from_random",
        "distinct_from_zeros",
        "distinct_from_random",
        "spread_from_zeros",
        "cost_from_zeros",
        "cost_from_random",
    ),
)
@kept("symmetry_demo")
def symmetry_demo(
    layer_sizes, X: np.ndarray, y: np.ndarray, iterations: int = 30, learning_rate: float = 1.0, seed: int = 0
) -> dict:
    """Train twice by gradient descent, from all-zero weights and from random ones.

    From zeros every hidden unit computes the same value and receives the
    same gradient, so the rows of Theta1 (one per hidden unit) stay equal:
    distinct_from_zeros is 1 and spread_from_zeros (the largest difference
    between any row and the first) is 0. From random weights every row differs.
    """
    sizes = as_sizes(layer_sizes)
    out = {}
    for name, p0 in (
        ("zeros", initialize_params(sizes, "zeros")),
        ("random", initialize_params(sizes, "uniform", epsilon=0.12, seed=seed)),
    ):
        res = train_network(sizes, X, y, p0, 0.0, method="gd", iterations=int(iterations), learning_rate=float(learning_rate))
        Theta1 = reshape_params(res.params, sizes)[0].copy()
        out[f"Theta1_from_{name}"] = Theta1
        out[f"distinct_from_{name}"] = _distinct_rows(Theta1)
        out[f"cost_from_{name}"] = res.cost
    T0 = out["Theta1_from_zeros"]
    out["spread_from_zeros"] = float(np.max(np.abs(T0 - T0[0])))
    return out

