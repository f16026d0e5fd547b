"""The training lesson's operations: a fresh start, the score, how far the cost fell.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values) for a lesson step to show
or check; nothing here prints. A parameter named `lam` is the lesson's
`lambda` (a Python keyword).
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    accuracy,
    initialize_params,
    predict,
    reshape_params,
)
from tutor.courses.backprop.ops_common import as_sizes
from tutor.plugin import operation


@operation("percent_correct", outputs=("predictions", "accuracy_percent", "n_correct", "n_wrong"))
def percent_correct(thetas, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> dict:
    """Predict every example and score it: accuracy in percent and the counts."""
    p = predict(thetas, X, activation)
    acc = accuracy(p, y)
    right = int(np.sum(p == np.asarray(y)))
    return {"predictions": p, "accuracy_percent": 100.0 * acc, "n_correct": right, "n_wrong": int(p.size - right)}


@operation("cost_change", outputs=("cost_start", "cost_end", "cost_fell_by", "cost_ratio"))
def cost_change(history) -> dict:
    """First and last cost of a training history, and how far it fell."""
    h = np.asarray(history, dtype=float)
    if hasattr(history, "costs"):
        h = np.asarray(history.costs, dtype=float)
    start, end = float(h[0]), float(h[-1])
    return {"cost_start": start, "cost_end": end, "cost_fell_by": start - end, "cost_ratio": end / start if start else 0.0}


@operation("random_start", outputs=("params0", "thetas0"))
def random_start(layer_sizes, seed: int = 0, epsilon: float = 0.12) -> dict:
    """Fresh starting weights, uniform in [-epsilon, epsilon]: params0 unrolled, thetas0 as matrices."""
    sizes = as_sizes(layer_sizes)
    p0 = initialize_params(sizes, "uniform", epsilon=float(epsilon), seed=int(seed))
    return {"params0": p0, "thetas0": [t.copy() for t in reshape_params(p0, sizes)]}


@operation("reshape_trained", outputs=("thetas_out", "Theta1_out", "Theta2_out"))
def reshape_trained(params: np.ndarray, layer_sizes) -> dict:
    """An unrolled vector (e.g. after training) back into Theta1, Theta2."""
    th = reshape_params(np.asarray(params, dtype=float), as_sizes(layer_sizes))
    return {"thetas_out": th, "Theta1_out": th[0], "Theta2_out": th[1]}

