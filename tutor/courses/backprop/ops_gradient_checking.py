"""The gradient-checking lesson's operations: the debug network's check, a broken gradient, the check's cost, a spot check on the full network.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values) for a lesson step to show
or check; nothing here prints. A parameter named `lam` is the lesson's
`lambda` (a Python keyword).
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    check_nn_gradients,
    debug_problem,
    initialize_params,
    nn_cost,
    nn_cost_function,
    relative_difference,
    reshape_params,
    theta_shapes,
    unroll,
    verdict,
)
from tutor.core.gradcheck import DEBUG_LAYER_SIZES, compute_numerical_gradient
from tutor.courses.backprop.ops_common import as_sizes, text_table
from tutor.plugin import operation


def _columns(num: np.ndarray, ana: np.ndarray) -> np.ndarray:
    """Numerical and analytical side by side: (n, 2)."""
    return np.column_stack([num, ana])


@operation("debug_network", outputs=("debug_Theta1", "debug_Theta2", "debug_X", "debug_y", "debug_sizes"))
def debug_network() -> dict:
    """The small deterministic 3-5-3 network (m = 5) used to check gradients."""
    thetas, X, y = debug_problem()
    return {
        "debug_Theta1": thetas[0],
        "debug_Theta2": thetas[1],
        "debug_X": X,
        "debug_y": y,
        "debug_sizes": list(DEBUG_LAYER_SIZES),
    }


@operation(
    "debug_gradient_check",
    outputs=("grad_columns", "numerical", "analytical", "rel_diff", "check_verdict", "debug_n_params"),
)
def debug_gradient_check(lam: float = 0.0) -> dict:
    """Central differences against backpropagation on the debug network.

    grad_columns: (38, 2), numerical | analytical. rel_diff:
    ||num - ana|| / ||num + ana||; check_verdict: pass / warn / fail.
    """
    gc = check_nn_gradients(float(lam))
    return {
        "grad_columns": _columns(gc.numerical, gc.analytical),
        "numerical": gc.numerical,
        "analytical": gc.analytical,
        "rel_diff": gc.relative_difference,
        "check_verdict": gc.verdict,
        "debug_n_params": int(gc.numerical.size),
    }


@operation("broken_gradient_check", outputs=("broken_columns", "broken_rel_diff", "broken_verdict"))
def broken_gradient_check(lam: float = 3.0) -> dict:
    """The same check against a gradient with a classic bug: regularization left out.

    The cost includes lambda/(2m) * sum Theta², but the buggy gradient forgets
    its derivative (lambda/m) Theta, so the two columns disagree and the
    relative difference is far above the pass band.
    """
    thetas, X, y = debug_problem()
    sizes = DEBUG_LAYER_SIZES
    params = unroll(thetas)
    lam = float(lam)

    def J(p):
        return nn_cost(reshape_params(p, sizes), X, y, lam)  # the cost alone: no backward pass needed

    _, buggy = nn_cost_function(params, sizes, X, y, 0.0)  # the gradient without its lambda part
    num = compute_numerical_gradient(J, params)
    rel = relative_difference(num, buggy)
    return {"broken_columns": _columns(num, buggy), "broken_rel_diff": rel, "broken_verdict": verdict(rel)}


@operation(
    "time_gradient_check",
    outputs=("seconds_per_cost", "seconds_backprop", "full_check_evaluations", "full_check_seconds",
             "full_check_minutes", "two_p", "numeric_over_backprop"),
)
def time_gradient_check(
    params: np.ndarray, layer_sizes, X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid",
    samples: int = 10,
) -> dict:
    """Time one cost evaluation and one backprop pass now, and extrapolate to a full numerical gradient.

    A full check needs two_p = 2 evaluations per parameter; backprop gets
    every partial derivative from one forward and one backward pass.
    numeric_over_backprop: the full check's time in backprop passes. Each
    timing is the fastest of `samples` runs (timing.py).
    """
    from tutor.courses.backprop.timing import cost_and_backprop_seconds

    per_cost, per_backprop = cost_and_backprop_seconds(params, as_sizes(layer_sizes), X, y, lam, activation, samples)
    evals = 2 * np.size(params)
    return {
        "seconds_per_cost": per_cost,
        "seconds_backprop": per_backprop,
        "full_check_evaluations": evals,
        "full_check_seconds": evals * per_cost,
        "full_check_minutes": evals * per_cost / 60.0,
        "two_p": evals,
        "numeric_over_backprop": evals * per_cost / per_backprop,
    }


def bias_positions(layer_sizes) -> np.ndarray:
    """Where the bias weights sit in the unrolled vector: column 0 of each Theta, read row-major.

    Theta_l (s_{l+1}, s_l + 1) starts where the matrices before it end; its
    row i's bias weight is at start + i (s_l + 1). (sum of s_{l+1},) ints.
    """
    sizes = as_sizes(layer_sizes)
    out, start = [], 0
    for rows, cols in theta_shapes(sizes):
        out.extend(start + i * cols for i in range(rows))
        start += rows * cols
    return np.array(out, dtype=np.intp)


def _median(values: np.ndarray) -> float:
    """The median of a 1-D array (np.median's NaN check imports numpy.ma, a cost every handout would pay)."""
    s = np.sort(np.ravel(values))
    n = s.size
    return float((s[n // 2] + s[(n - 1) // 2]) / 2)


def spot_indices(layer_sizes, k: int, n_bias: int, seed: int = 0) -> np.ndarray:
    """k distinct positions in the unrolled vector, n_bias of them bias weights, the rest other weights; sorted.

    A blind pick of k among all the weights misses every bias weight most of
    the time (they are a few percent of the weights), and a bug in the bias
    column touches nothing else, so the bias weights get picks of their own.
    """
    sizes = as_sizes(layer_sizes)
    total = int(sum(r * c for r, c in theta_shapes(sizes)))
    bias = bias_positions(sizes)
    is_bias = np.zeros(total, dtype=bool)
    is_bias[bias] = True
    others = np.flatnonzero(~is_bias)  # (np.setdiff1d would pull in numpy.ma for a handout)
    g = np.random.default_rng(int(seed))
    n_bias = max(0, min(int(n_bias), bias.size, int(k)))
    n_other = max(0, min(int(k) - n_bias, others.size))
    picked = np.concatenate([g.choice(bias, size=n_bias, replace=False), g.choice(others, size=n_other, replace=False)])
    return np.sort(picked)


def weight_name(position: int, layer_sizes) -> str:
    """Which weight sits at `position` of the unrolled vector: "Theta2[3, 0]" (row-major, Theta1 first)."""
    start = 0
    for l, (rows, cols) in enumerate(theta_shapes(as_sizes(layer_sizes)), start=1):
        if position < start + rows * cols:
            i, j = divmod(int(position) - start, cols)
            return f"Theta{l}[{i}, {j}]"
        start += rows * cols
    raise ValueError(f"position {position} is past the last weight ({start - 1})")


def blind_miss_probability(n_total: int, n_bias: int, k: int) -> float:
    """The chance that k distinct positions drawn at random from n_total miss all n_bias bias weights."""
    from math import comb

    return comb(n_total - n_bias, k) / comb(n_total, k) if k <= n_total - n_bias else 0.0


@operation("network_spot_check", outputs=("spot_columns", "spot_indices", "spot_table", "spot_rel_diff", "spot_verdict",
                                          "spot_seconds",
                                          "spot_bias_picked", "n_bias_weights", "blind_miss_percent",
                                          "spot_median_gradient", "start_median_gradient", "start_spot_rel_diff"))
def network_spot_check(
    params: np.ndarray, layer_sizes, X: np.ndarray, y: np.ndarray, lam: float = 0.0, k: int = 20, seed: int = 0,
    activation: str = "sigmoid", bias_picks: int = 5,
) -> dict:
    """Central differences on k parameters of the full network, bias_picks of them bias weights.

    spot_columns: (k, 2) numerical | analytical; spot_indices: (k,) positions
    in the unrolled vector. 2k cost evaluations instead of 2 per parameter.
    spot_table columns: position, weight (e.g. Theta2[3, 0], marked "bias"
    in column 0), numerical, analytical (10 significant figures).
    spot_bias_picked: how many picks are bias weights; n_bias_weights: how
    many the network has; blind_miss_percent: the chance (%) that k picks
    made blindly among all the weights would include none of them.

    Why a trained network's check lands higher than the debug network's:
    spot_median_gradient is the median |gradient| at params,
    start_median_gradient the same at a fresh uniform [-0.12, 0.12] start
    (drawn with `seed`), and start_spot_rel_diff the same spot check there,
    on the same examples.
    """
    sizes = as_sizes(layer_sizes)
    X = np.ascontiguousarray(X, dtype=float)
    lam = float(lam)
    params = np.asarray(params, dtype=float)

    def cost(p):
        return nn_cost(reshape_params(p, sizes), X, y, lam, activation)

    def check(p, idx):
        # one backprop for the analytical gradient; every nudged evaluation is a
        # cost alone (a full backprop there made the 2k evaluations look dearer
        # than the full-check estimate the lesson had just shown)
        _, analytical = nn_cost_function(p, sizes, X, y, lam, activation)
        num = compute_numerical_gradient(cost, p, indices=idx)[idx]
        return num, np.asarray(analytical)[idx], analytical

    from tutor.courses.backprop.timing import timed

    idx = spot_indices(sizes, int(k), int(bias_picks), int(seed))
    (num, ana, grad), seconds = timed(lambda: check(params, idx))
    start = initialize_params(sizes, "uniform", epsilon=0.12, seed=int(seed))
    num0, ana0, grad0 = check(start, idx)
    n_bias = int(bias_positions(sizes).size)
    rel = relative_difference(num, ana)
    bias = set(bias_positions(sizes).tolist())
    rows = [[int(i), weight_name(i, sizes) + (" bias" if int(i) in bias else ""), f"{a:.10g}", f"{b:.10g}"]
            for i, a, b in zip(idx, num, ana)]
    return {
        "spot_columns": _columns(num, ana),
        "spot_indices": idx,
        "spot_table": text_table(rows),
        "spot_rel_diff": rel,
        "spot_verdict": verdict(rel),
        "spot_seconds": seconds,
        "spot_bias_picked": len(set(np.asarray(idx).tolist()) & set(np.asarray(bias_positions(sizes)).tolist())),
        "n_bias_weights": n_bias,
        "blind_miss_percent": 100.0 * blind_miss_probability(params.size, n_bias, int(k)),
        "spot_median_gradient": _median(np.abs(grad)),
        "start_median_gradient": _median(np.abs(grad0)),
        "start_spot_rel_diff": relative_difference(num0, ana0),
    }

