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
    feedforward,
    initialize_params,
    nn_cost,
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



@operation("start_cost", outputs=("J_start", "mean_h_start", "start_lean", "start_lean_effect", "J_chance_start",
                                  "seed_costs", "seeds_above_chance", "seed_cost_max", "seed_cost_max_seed"))
def start_cost(layer_sizes, thetas0, X: np.ndarray, y: np.ndarray, lam: float = 0.0, epsilon: float = 0.12,
               seeds: int = 10, activation: str = "sigmoid") -> dict:
    """The cost at a random start, and how it compares with other random starts.

    J_start: the cost of thetas0 (lambda included). mean_h_start: the mean of
    its outputs h (m, K), which says which way this draw leans: start_lean is
    "low" or "high", and start_lean_effect what that does to the cost when
    most targets are 0 ("costs less" / "costs more"). J_chance_start:
    K log 2, the cost when every output is 0.5. seed_costs: (seeds,) the same
    cost from uniform [-epsilon, epsilon] starts drawn with seeds 0, 1, ...;
    seeds_above_chance: how many of them start above K log 2; seed_cost_max
    and seed_cost_max_seed: the highest and its seed.
    """
    sizes = as_sizes(layer_sizes)
    lam = float(lam)
    costs = []
    for s in range(int(seeds)):
        p = initialize_params(sizes, "uniform", epsilon=float(epsilon), seed=s)
        costs.append(nn_cost(reshape_params(p, sizes), X, y, lam, activation))
    costs = np.array(costs)
    chance = sizes[-1] * float(np.log(2.0))
    worst = int(np.argmax(costs))
    mean_h = float(np.mean(feedforward(thetas0, X, activation).h))
    return {
        "J_start": nn_cost(thetas0, X, y, lam, activation),
        "mean_h_start": mean_h,
        "start_lean": "low" if mean_h < 0.5 else "high",
        "start_lean_effect": "costs less" if mean_h < 0.5 else "costs more",
        "J_chance_start": chance,
        "seed_costs": costs,
        "seeds_above_chance": int(np.sum(costs > chance)),
        "seed_cost_max": float(costs[worst]),
        "seed_cost_max_seed": worst,
    }
