"""The checker for starting weights: random draws are graded by their properties.

rand_initialize_weights returns a fresh random matrix on every call, so it
cannot be compared cell by cell with a reference. It passes when it has the
right shape, stays in [-epsilon, epsilon], takes both signs, reaches near
both ends, averages near 0, and breaks the symmetry (no two units alike, no
unit with all-equal weights).
"""

from __future__ import annotations

import numpy as np

from tutor.courses.backprop.exercises.variants import init_signature, symmetric_rows
from tutor.exercises.compare import compare, explain_shape
from tutor.exercises.registry import checker


def same_kind(a, b, args) -> bool:
    """Compare starting weights by their kind (random draws differ run to run)."""
    L_in, L_out = int(args[0]), int(args[1])
    eps = float(args[2]) if len(args) > 2 else 0.12
    try:
        return init_signature(a, L_in, L_out, eps) == init_signature(b, L_in, L_out, eps)
    except (TypeError, ValueError):
        return False


@checker("init", matcher=same_kind)
def check_init(args, value) -> tuple[bool, str, list]:
    """(ok, message, comparisons) for W = rand_initialize_weights(*args)."""
    L_in, L_out = int(args[0]), int(args[1])
    eps = float(args[2]) if len(args) > 2 else 0.12
    expected_shape = (L_out, 1 + L_in)
    if not isinstance(value, np.ndarray):
        c = compare("W", value, np.zeros(expected_shape))
        return False, c.message, [c]
    if value.shape != expected_shape:
        return False, explain_shape("W", value.shape, expected_shape), []
    if value.dtype.kind not in "fiu" or not np.all(np.isfinite(value)):
        return False, "your weights contain NaN or inf.", []
    if np.ptp(value) == 0:
        return False, f"every weight is {value.flat[0]:.6g}: they must differ from each other (drawn at random).", []
    if symmetric_rows(value):
        rows = "two or more units (rows) have the same weights" if len(np.unique(value, axis=0)) < L_out \
            else "a unit (row) has all its weights equal"
        return False, f"{rows}: the units start alike and would stay alike (symmetry).", []
    if np.abs(value).max() > eps * (1 + 1e-9):
        return False, f"your weights reach {np.abs(value).max():.4g}; they must stay in [-{eps:g}, {eps:g}].", []
    # The thresholds below fail a correct uniform draw with odds under one in a million.
    if value.size >= 20 and value.min() >= 0:
        return False, (f"all your weights are >= 0 (from {value.min():.4g} to {value.max():.4g}); "
                       f"uniform in [-{eps:g}, {eps:g}] takes both signs."), []
    if value.size >= 50 and (value.min() > -eps / 2 or value.max() < eps / 2):
        return False, (f"your weights span [{value.min():.4g}, {value.max():.4g}]; uniform in [-{eps:g}, {eps:g}] "
                       "should reach close to both ends."), []
    if value.size >= 500 and abs(value.mean()) > eps / 5:
        return False, f"your weights average {value.mean():.4g}; uniform weights around 0 average close to 0.", []
    return True, f"right: {L_out} x {1 + L_in}, uniform in [-{eps:g}, {eps:g}].", []
