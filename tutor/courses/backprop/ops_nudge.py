"""The nudge lesson's operations: one weight nudged, a 2-D slice of J with its gradient, a learning rate tried.

Every weight the lesson turns is in Theta2, whose row r only feeds output
unit r: moving it changes column r of z3 and nothing before it, so the
forward pass up to a2 is done once and each new value of J costs one column
(that is what makes a 33 x 17 grid of costs quick enough to redraw on a key).
Nothing here prints; each function returns named values for a lesson step.
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    feedforward,
    nn_cost,
    nn_cost_function,
    one_hot,
    reshape_params,
    unroll,
)
from tutor.core.optim import first_nonfinite
from tutor.courses.backprop.ops_common import as_sizes, text_table
from tutor.plugin import operation, view


def _output_row(thetas, X, y, lam: float, row: int):
    """What J needs when only Theta2's row `row` moves: (a2 (m, s2+1), z_row (m,), y_row (m,), rest, m).

    rest: the cost of every other output unit plus the penalty on every
    weight outside the row (a constant on the slice).
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    if len(thetas) != 2:
        raise ValueError("the nudge lesson's slices need a network with one hidden layer")
    fwd = feedforward(thetas, X)
    a2, h = fwd.a[1], fwd.h
    m, K = h.shape
    if not 0 <= row < K:
        raise ValueError(f"row {row} is not an output unit (0 to {K - 1})")
    Y = one_hot(y, K)
    with np.errstate(divide="ignore"):
        per_unit = -(Y * np.log(h) + (1 - Y) * np.log(1 - h)).sum(axis=0) / m
    T2 = thetas[1]
    penalty_rest = (float((thetas[0][:, 1:] ** 2).sum()) + float((T2[:, 1:] ** 2).sum())
                    - float((T2[row, 1:] ** 2).sum())) * lam / (2 * m)
    rest = float(per_unit.sum() - per_unit[row]) + penalty_rest
    return a2, fwd.z[-1][:, row], Y[:, row], rest, m


def _row_cost(z, y_row, m):
    """(1/m) sum of the cross-entropy of one output unit; z (..., m) -> (...)."""
    # log(1 + e^z) - y z, written so that no e^z overflows
    return (np.logaddexp(0.0, z) - y_row * z).sum(axis=-1) / m


@operation("nudge_weight", outputs=("J_before", "J_after", "dJ_actual", "dJ_linear", "dJ_gap", "weight_g",
                                    "weight_value", "nudge_table"))
def nudge_weight(thetas, X, y, lam: float = 0.0, row: int = 0, col: int = 1, delta: float = 0.1) -> dict:
    """J before and after adding `delta` to Theta2[row, col], against the gradient's prediction g * delta.

    nudge_table rows: J before, J after, actual change, g x nudge, difference (columns: what, value).
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    row, col = int(row), int(col)
    T2 = thetas[1]
    if not (0 <= row < T2.shape[0] and 0 <= col < T2.shape[1]):
        raise ValueError(f"Theta2 is {T2.shape[0]} x {T2.shape[1]}; it has no entry [{row}, {col}]")
    J0, grad = nn_cost_function(unroll(thetas), [thetas[0].shape[1] - 1, thetas[0].shape[0], T2.shape[0]],
                                X, y, lam)
    g = float(grad[thetas[0].size + row * T2.shape[1] + col])
    moved = [thetas[0], T2.copy()]
    moved[1][row, col] += delta
    J1 = nn_cost(moved, X, y, lam)
    actual, linear = J1 - J0, g * delta
    table = text_table([
        ["J before", f"{J0:.6f}"], ["J after", f"{J1:.6f}"], ["actual change", f"{actual:+.6f}"],
        ["g × nudge", f"{linear:+.6f}"], ["difference", f"{actual - linear:+.2e}"],
    ])
    return {"J_before": float(J0), "J_after": float(J1), "dJ_actual": float(actual), "dJ_linear": float(linear),
            "dJ_gap": float(actual - linear), "weight_g": g, "weight_value": float(T2[row, col]),
            "nudge_table": table}


@operation("nudge_gap_ratio", outputs=("gap_small", "gap_double", "gap_ratio"))
def nudge_gap_ratio(thetas, X, y, lam: float = 0.0, row: int = 0, col: int = 1, delta: float = 0.1) -> dict:
    """How the gap between the actual change of J and g * delta grows when the nudge doubles."""
    small = nudge_weight(thetas, X, y, lam, row, col, delta)["dJ_gap"]
    double = nudge_weight(thetas, X, y, lam, row, col, 2 * delta)["dJ_gap"]
    return {"gap_small": small, "gap_double": double, "gap_ratio": double / small if small else float("nan")}


@operation("cost_slice", outputs=("slice_plot", "slice_ga", "slice_gb", "slice_min_J", "slice_J_here"))
def cost_slice(thetas, X, y, lam: float = 0.0, row: int = 0, col_a: int = 0, col_b: int = 1,
               radius: float = 3.0) -> dict:
    """J over a square of side 2 * radius around (Theta2[row, col_a], Theta2[row, col_b]), every other weight fixed.

    slice_plot: {Z (17, 33), xs, ys, arrows (k, 4): the gradient on a lattice, marks, labels} for the
    `contour` view; slice_ga, slice_gb: the gradient at the current weights; slice_min_J: the lowest J on the grid.
    """
    row, col_a, col_b = int(row), int(col_a), int(col_b)
    if col_a == col_b:
        raise ValueError("the slice needs two different weights")
    a2, z_row, y_row, rest, m = _output_row(thetas, X, y, lam, row)
    T2 = np.asarray(thetas[1], dtype=float)
    wa, wb = float(T2[row, col_a]), float(T2[row, col_b])
    xa, xb = a2[:, col_a], a2[:, col_b]
    z_base = z_row - wa * xa - wb * xb  # column `row` of z3 without the two weights' share

    def J(A, B):
        """J at weights A, B (same shape): the row's cross-entropy, its penalty, the rest."""
        z = z_base + A[..., None] * xa + B[..., None] * xb
        pen = sum(w ** 2 for w, c in ((A, col_a), (B, col_b)) if c > 0) * lam / (2 * m)
        other = float((T2[row, 1:] ** 2).sum() - sum(T2[row, c] ** 2 for c in (col_a, col_b) if c > 0))
        return _row_cost(z, y_row, m) + pen + other * lam / (2 * m) + rest

    def grad(A, B):
        z = z_base + A[..., None] * xa + B[..., None] * xb
        err = 1.0 / (1.0 + np.exp(-z)) - y_row
        ga = (err * xa).sum(axis=-1) / m + (lam / m * A if col_a > 0 else 0.0)
        gb = (err * xb).sum(axis=-1) / m + (lam / m * B if col_b > 0 else 0.0)
        return ga, gb

    r = float(radius)
    xs = np.linspace(wa - r, wa + r, 33)
    ys = np.linspace(wb - r, wb + r, 17)
    A, B = np.meshgrid(xs, ys)  # row 0 is the lowest B
    Z = J(A, B)
    la, lb = np.meshgrid(np.linspace(wa - r, wa + r, 9)[1:-1], np.linspace(wb - r, wb + r, 5)[1:-1])
    ga, gb = grad(la, lb)
    arrows = np.column_stack([la.ravel(), lb.ravel(), ga.ravel(), gb.ravel()])
    g_here = np.array(grad(np.array(wa), np.array(wb)), dtype=float)
    plot = {"Z": Z, "xs": xs, "ys": ys, "arrows": arrows, "marks": [(wa, wb, "●")],
            "x_label": f"Theta2[{row},{col_a}]", "y_label": f"Theta2[{row},{col_b}]",
            "title": f"J around the current weights, Theta2[{row},{col_a}] across, Theta2[{row},{col_b}] up"}
    return {"slice_plot": plot, "slice_ga": float(g_here[0]), "slice_gb": float(g_here[1]), "slice_min_J": float(Z.min()),
            "slice_J_here": float(J(np.array(wa), np.array(wb)))}


@view("contour")
def contour(value, ctx, spec):
    """A 2-D slice of a function: {Z, xs, ys, arrows, marks, x_label, y_label, title} (as cost_slice gives)."""
    from tutor.render.contour import ContourPlot

    if not isinstance(value, dict) or not {"Z", "xs", "ys"} <= set(value):
        raise ValueError("a contour view needs {Z, xs, ys} (and optionally arrows and marks)")
    return ContourPlot(value["Z"], value["xs"], value["ys"], arrows=value.get("arrows"), marks=value.get("marks", ()),
                       title=spec.label or value.get("title"), x_label=value.get("x_label", "x"),
                       y_label=value.get("y_label", "y"))


def _curvature_along(params, sizes, X, y, lam, g, e: float = 1e-4) -> float:
    """gᵀ H g for the Hessian H of J at params, by a central difference of gradients along g."""
    u = g / np.linalg.norm(g)
    plus = nn_cost_function(params + e * u, sizes, X, y, lam)[1]
    minus = nn_cost_function(params - e * u, sizes, X, y, lam)[1]
    return float(u @ (plus - minus) / (2 * e)) * float(g @ g)


@operation("rate_threshold", outputs=("g_norm2", "gHg", "alpha_best", "alpha_up", "alpha_up_actual"), ahead=True)
def rate_threshold(params, layer_sizes, X, y, lam: float = 0.0) -> dict:
    """Where one gradient step stops lowering J: predicted from the curvature along g, then found on J itself.

    Along the gradient J(params - alpha g) ≈ J - alpha |g|² + alpha² gᵀHg / 2, lowest at
    alpha_best = |g|² / gᵀHg and back above J at alpha_up = 2 |g|² / gᵀHg.
    alpha_up_actual: where, on the real J, a step first ends above where it started (searched on
    (0.05, 20], to 1e-6).
    """
    sizes = as_sizes(layer_sizes)
    params = np.asarray(params, dtype=float)
    J0, g = nn_cost_function(params, sizes, X, y, lam)
    gg = float(g @ g)
    gHg = _curvature_along(params, sizes, X, y, lam, g)
    alphas = np.geomspace(0.05, 20, 60)  # about 10% apart, then narrowed down by bisection
    above = next((k for k, a in enumerate(alphas) if nn_cost(reshape_params(params - a * g, sizes), X, y, lam) > J0),
                 None)
    actual = float("nan")
    if above is not None:  # between the last alpha below and the first above
        a, b = (alphas[above - 1] if above > 0 else 0.0), alphas[above]
        for _ in range(30):
            mid = (a + b) / 2
            if nn_cost(reshape_params(params - mid * g, sizes), X, y, lam) > J0:
                b = mid
            else:
                a = mid
        actual = b
    return {"g_norm2": gg, "gHg": gHg, "alpha_best": gg / gHg, "alpha_up": 2 * gg / gHg, "alpha_up_actual": actual}


@operation("descent_with_rate", outputs=("rate_costs", "rate_first", "rate_predicted_first", "rate_last",
                                         "rate_forecast", "rate_outcome"))
def descent_with_rate(params, layer_sizes, X, y, lam: float = 0.0, alpha: float = 1.0, steps: int = 25) -> dict:
    """`steps` of gradient descent at learning rate alpha, with the first step's change forecast before it is taken.

    rate_costs: J before and after each step (steps + 1,). rate_predicted_first: the quadratic
    forecast of J after one step; rate_forecast / rate_outcome: sentences for the lesson.
    """
    sizes = as_sizes(layer_sizes)
    p = np.asarray(params, dtype=float).copy()
    alpha = float(alpha)
    J0, g = nn_cost_function(p, sizes, X, y, lam)
    gg = float(g @ g)
    gHg = _curvature_along(p, sizes, X, y, lam, g)
    predicted = J0 - alpha * gg + alpha ** 2 * gHg / 2
    up = 2 * gg / gHg
    if alpha > up:
        forecast = (f"Forecast, before any step: alpha = {alpha:g} is above 2|g|²/gᵀHg = {up:.2f}, so the first "
                    f"step overshoots the bottom of the valley along g so far that J should rise: from {J0:.2f} to "
                    f"about {predicted:.2f}, if the valley were a parabola.")
    elif alpha > up / 2:
        forecast = (f"Forecast, before any step: alpha = {alpha:g} is past the best step |g|²/gᵀHg = {up / 2:.2f} "
                    f"but below {up:.2f}: the step overshoots the bottom yet lands lower, J about {predicted:.2f}.")
    else:
        forecast = (f"Forecast, before any step: alpha = {alpha:g} is below the best step |g|²/gᵀHg = "
                    f"{up / 2:.2f}: J should fall, to about {predicted:.2f}.")
    costs = [J0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(int(steps)):
            p = p - alpha * g
            J, g = nn_cost_function(p, sizes, X, y, lam)
            costs.append(float(J))
            if not np.isfinite(J):
                break
    costs = np.array(costs)
    bad = first_nonfinite(costs)
    if bad is not None:
        outcome = f"Step {bad} gave a cost that is not a number ({costs[bad]}): the weights blew up."
    else:
        worse = int(np.sum(np.diff(costs) > 0))
        said_rise, rose = predicted > J0, costs[1] > J0
        verdict = "right" if said_rise == rose else "wrong"
        outcome = (f"Actual: the first step took J from {J0:.2f} to {costs[1]:.2f} (it {'rose' if rose else 'fell'}: "
                   f"the forecast was {verdict} about the direction); after {len(costs) - 1} steps J is "
                   f"{costs[-1]:.3f}, and {worse} of the {len(costs) - 1} steps raised it.")
    return {"rate_costs": costs, "rate_first": float(costs[1]), "rate_predicted_first": float(predicted),
            "rate_last": float(costs[-1]), "rate_forecast": forecast, "rate_outcome": outcome}
