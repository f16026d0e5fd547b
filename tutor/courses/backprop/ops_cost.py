"""The cost lesson's operations: the cost before summing, the regularization term, the cost at chance, the course's checkpoints.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values) for a lesson step to show
or check; nothing here prints. A parameter named `lam` is the lesson's
`lambda` (a Python keyword).
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    cross_entropy,
    nn_cost,
    one_hot,
    regularization,
)
from tutor.plugin import operation


@operation("cost_terms", outputs=("cost_terms", "J_unreg", "cost_per_example"))
def cost_terms(h: np.ndarray, Y: np.ndarray) -> dict:
    """The cost before summing: -Y log h - (1 - Y) log(1 - h), one entry per output.

    cost_terms: (m, K). cost_per_example: (m,), row sums. J_unreg: their mean.
    """
    h = np.clip(np.asarray(h, dtype=float), 1e-300, 1 - 1e-16)  # log(0) guard for a saturated output
    terms = -(Y * np.log(h) + (1.0 - Y) * np.log(1.0 - h))
    per_example = terms.sum(axis=1)
    return {"cost_terms": terms, "J_unreg": float(per_example.mean()), "cost_per_example": per_example}


@operation("regularization_parts", outputs=("reg_term", "reg_with_bias", "squared_weights", "J_reg"))
def regularization_parts(thetas, lam: float, m: int, J_unreg: float) -> dict:
    """The regularization term lambda/(2m) * sum of squared weights, bias column left out.

    reg_with_bias is the same sum wrongly including column 0, to show the
    difference; J_reg = J_unreg + reg_term.
    """
    lam, m = float(lam), int(m)
    squares = sum(float(np.sum(T[:, 1:] ** 2)) for T in thetas)
    with_bias = sum(float(np.sum(T**2)) for T in thetas)
    reg = regularization(thetas, lam, m)
    return {
        "reg_term": reg,
        "reg_with_bias": lam / (2.0 * m) * with_bias,
        "squared_weights": squares,
        "J_reg": float(J_unreg) + reg,
    }


@operation("chance_cost", outputs=("h_chance", "J_chance", "K_log2"))
def chance_cost(m: int, K: int) -> dict:
    """The cost of a network that outputs 0.5 everywhere (it knows nothing).

    Every one of the K outputs costs -log(0.5) = log 2 whatever the label, so
    J = K log 2. h_chance: (m, K) of 0.5.
    """
    h = np.full((int(m), int(K)), 0.5)
    Y = one_hot(np.zeros(int(m), dtype=np.intp), int(K))  # any labels give the same value
    return {"h_chance": h, "J_chance": cross_entropy(h, Y), "K_log2": int(K) * float(np.log(2.0))}


@operation("cost_at_lambdas", outputs=("J_lambda0", "J_lambda1", "J_lambda3", "reg_per_lambda"))
def cost_at_lambdas(thetas, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> dict:
    """The cost of the given weights at lambda = 0, 1 and 3 (the course's checkpoints).

    reg_per_lambda: what one unit of lambda adds, (sum of squares) / (2m).
    """
    J = {lam: nn_cost(thetas, X, y, lam, activation) for lam in (0.0, 1.0, 3.0)}
    return {
        "J_lambda0": J[0.0],
        "J_lambda1": J[1.0],
        "J_lambda3": J[3.0],
        "reg_per_lambda": regularization(thetas, 1.0, X.shape[0]),
    }


@operation("network_cost")
def network_cost(thetas, X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid") -> float:
    """J for the given weights, straight from tutor.core.nn_cost (an independent route)."""
    return nn_cost(thetas, X, y, float(lam), activation)

