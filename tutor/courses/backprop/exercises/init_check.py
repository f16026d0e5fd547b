"""The checker for starting weights: random draws are graded by their properties.

rand_initialize_weights returns a fresh random matrix on every call, so it
cannot be compared cell by cell with a reference. It passes when it has the
right shape, stays in [-epsilon, epsilon], takes both signs, reaches near
both ends, averages near 0, and breaks the symmetry (no two units alike, no
unit with all-equal weights); a large draw must also look random (spread
evenly over the range, no correlation between neighbouring weights along a
row or down a column). Across tests (`check_init.across`): two calls with
the same sizes and different seeds must not give the same weights, so a
fixed pattern that happens to pass the properties above still fails.
"""

from __future__ import annotations

import numpy as np

from tutor.courses.backprop.exercises.variants import init_signature, symmetric_rows
from tutor.plugin import checker, compare, explain_shape


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
    pattern = structure(value, eps)
    if pattern:
        return False, pattern, []
    return True, f"right: {L_out} x {1 + L_in}, uniform in [-{eps:g}, {eps:g}].", []


# A correct uniform draw fails these with odds under one in ten million.
_CORRELATION_Z = 5.5  # |r| above this many standard errors (1/sqrt(pairs))
_KS_C = 2.9  # Kolmogorov-Smirnov distance above this / sqrt(n)


def structure(W: np.ndarray, eps: float) -> str | None:
    """Why W (L_out x (1 + L_in)) does not look like independent uniform draws, or None.

    Neighbours along a row and down a column should be uncorrelated (lag-one
    correlation within 5.5 standard errors of 0), and the values spread
    evenly over [-eps, eps] (Kolmogorov-Smirnov distance). Only for draws
    large enough for the tests to mean something.
    """
    W = np.asarray(W, dtype=float)
    for axis, where in ((1, "along a row"), (0, "down a column")):
        if W.shape[axis] < 2:
            continue
        a = np.moveaxis(W, axis, 0)
        x, y = a[:-1].ravel(), a[1:].ravel()
        if x.size < 100 or np.std(x) == 0 or np.std(y) == 0:
            continue
        r = float(np.corrcoef(x, y)[0, 1])
        if abs(r) > _CORRELATION_Z / np.sqrt(x.size):
            return (f"neighbouring weights {where} are correlated (r = {r:.2f} over {x.size} pairs): the weights follow "
                    "a pattern; draw each one at random (np.random.default_rng(rng).uniform).")
    n = W.size
    if n >= 200:
        u = np.sort((W.ravel() + eps) / (2 * eps))
        grid = np.arange(1, n + 1) / n
        distance = float(max(np.max(grid - u), np.max(u - (grid - 1 / n))))
        if distance > _KS_C / np.sqrt(n):
            return (f"your weights are not spread evenly over [-{eps:g}, {eps:g}] (the share below a value differs from "
                    f"a uniform draw's by up to {distance:.2f}): draw them uniformly, not from a pattern or another "
                    "distribution.")
    return None


def across(cases_args: list, values: list) -> dict:
    """{test index: why it fails} for tests whose draws do not differ when the seed does.

    Tests with the same sizes and epsilon but different seeds must give
    different weights; one that gives exactly the weights of an earlier one
    with another seed fails (a fixed pattern, or weights that ignore the draw).
    """
    seen: dict = {}
    failed = {}
    for index, (args, value) in enumerate(zip(cases_args, values)):
        if not isinstance(value, np.ndarray):
            continue
        L_in, L_out = int(args[0]), int(args[1])
        eps = float(args[2]) if len(args) > 2 else 0.12
        seed = args[3] if len(args) > 3 else None
        for earlier, earlier_seed, W in seen.get((L_in, L_out, eps), []):
            if seed != earlier_seed and W.shape == value.shape and np.array_equal(W, value):
                failed[index] = (f"these weights are exactly those of test {earlier + 1}, drawn with another seed "
                                 f"(rng={earlier_seed!r} there, rng={seed!r} here): different seeds must give different "
                                 "draws. Draw with the rng you are given: np.random.default_rng(rng).uniform(...).")
                break
        seen.setdefault((L_in, L_out, eps), []).append((index, seed, value))
    return failed


check_init.across = across
