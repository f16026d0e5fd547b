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
    nn_cost,
    nn_cost_function,
    relative_difference,
    reshape_params,
    spot_check,
    unroll,
    verdict,
)
from tutor.core.gradcheck import DEBUG_LAYER_SIZES, compute_numerical_gradient
from tutor.courses.backprop.ops_common import as_sizes
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


@operation("network_spot_check", outputs=("spot_columns", "spot_indices", "spot_rel_diff", "spot_verdict", "spot_seconds"))
def network_spot_check(
    params: np.ndarray, layer_sizes, X: np.ndarray, y: np.ndarray, lam: float = 0.0, k: int = 20, seed: int = 0,
    activation: str = "sigmoid",
) -> dict:
    """Central differences on k randomly chosen parameters of the full network.

    spot_columns: (k, 2) numerical | analytical; spot_indices: (k,) positions
    in the unrolled vector. 2k cost evaluations instead of 2 per parameter.
    """
    sizes = as_sizes(layer_sizes)
    X = np.ascontiguousarray(X, dtype=float)

    calls = []

    def J(p):
        # spot_check asks once for (cost, grad) at params; every later call is a
        # nudged cost for the central differences, which needs no backprop (a
        # full backprop there made the 40 evaluations look dearer than the
        # full-check estimate the lesson had just shown)
        if not calls:
            calls.append(1)
            return nn_cost_function(p, sizes, X, y, float(lam), activation)
        return (nn_cost(reshape_params(p, sizes), X, y, float(lam), activation),)

    from tutor.courses.backprop.timing import timed

    sc, seconds = timed(lambda: spot_check(J, np.asarray(params, dtype=float), int(k), rng=int(seed)))
    return {
        "spot_columns": _columns(sc.numerical, sc.analytical),
        "spot_indices": sc.indices,
        "spot_rel_diff": sc.relative_difference,
        "spot_verdict": sc.verdict,
        "spot_seconds": seconds,
    }

