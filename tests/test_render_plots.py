"""CostCurve and DecisionBoundary: axes, numbers, shape of the line, regions, points."""

from __future__ import annotations

import numpy as np
import pytest
from test_render_support import assert_fits, show

from tutor.render import CostCurve, DecisionBoundary

COSTS = 3.0 * np.exp(-np.arange(51) / 8.0) + 0.3


@pytest.mark.parametrize("width", [40, 100])
def test_cost_curve_labels_and_summary(width):
    text = show(CostCurve(COSTS, height=8), width)
    assert_fits(text, width)
    assert "first 3.3" in text and f"last {COSTS[-1]:.6g}" in text
    assert f"min {COSTS.min():.6g} at iteration 50" in text and "50 iterations" in text
    plot = text.splitlines()[1:9]
    assert plot[0].split("│")[0].strip() == "3.3" and plot[-1].split("│")[0].strip() == f"{COSTS.min():.4g}"
    assert any("iteration" in l and l.strip().startswith("0") and l.strip().endswith("50") for l in text.splitlines())


def test_ascii_curve_falls_from_top_left_to_bottom_right():
    text = show(CostCurve(COSTS, height=6), 40, ascii=True)
    assert text.isascii()
    plot = [l.split("|", 1)[1] for l in text.splitlines()[1:7]]
    first_star = [row.find("*") for row in plot]
    assert first_star[0] == 0  # the start is high
    assert plot[-1].rstrip().endswith("*") and len(plot[0].rstrip()) < 10  # ends low, at the right
    assert all(a <= b for a, b in zip(first_star, first_star[1:]) if a >= 0 and b >= 0)  # monotone descent


def test_rising_curve_is_drawn_rising():
    text = show(CostCurve(np.linspace(0, 1, 30), height=4), 40, ascii=True)
    plot = [l.split("|", 1)[1] for l in text.splitlines()[1:5]]
    assert plot[0].rstrip().endswith("*") and plot[-1].startswith("*")


def test_divergence_is_reported_in_words():
    text = show(CostCurve([2.0, 5.0, float("inf")]), 60)
    assert "became inf at iteration 2" in " ".join(text.split())
    assert "2 iterations" in text


def test_flat_and_single_costs_do_not_break():
    assert "0 iterations" in show(CostCurve([0.7]), 40)
    assert "first 0.5" in show(CostCurve([0.5, 0.5, 0.5]), 40)
    assert "no finite cost" in show(CostCurve([float("nan")]), 40)


def _boundary_case():
    # Left half predicts class 0, right half class 1; one point of each, plus
    # a class-0 point on the wrong side.
    xs, ys = np.linspace(0, 1, 20), np.linspace(0, 1, 10)
    classes = (xs[None, :] > 0.5).astype(int).repeat(10, axis=0)
    X = np.array([[0.1, 0.5], [0.9, 0.5], [0.8, 0.1]])
    y = np.array([0, 1, 0])
    return DecisionBoundary(xs, ys, classes, X, y, height=6)


@pytest.mark.parametrize("width", [40, 100])
def test_decision_boundary_regions_points_and_legend(width):
    text = show(_boundary_case(), width)
    assert_fits(text, width)
    plot = [l.split("│", 1)[1] for l in text.splitlines()[1:7]]
    P = len(plot[0])
    assert all(len(r) == P for r in plot)
    left, right = plot[0][: P // 2 - 1], plot[0][P // 2 + 1:]
    assert set(left) == {" "} and set(right) == {"."}
    joined = "".join(plot)
    assert joined.count("o") == 2 and joined.count("x") == 1
    assert "o class 0" in text and "x class 1" in text
    assert "1 of 3 points fall in the other class's region" in " ".join(text.split())


def test_decision_boundary_colour_and_ascii():
    coloured = show(_boundary_case(), 60, color=True)
    assert "region blue" in coloured
    text = show(_boundary_case(), 40, ascii=True)
    assert text.isascii() and "|" in text


def test_decision_boundary_on_moons_fits_narrow_screen():
    from tutor.core import decision_grid, initialize_params, reshape_params, train_network
    from tutor.courses.backprop.datasets import make_moons

    ds = make_moons()
    sizes = (2, 5, 1)
    result = train_network(sizes, ds.X, ds.y, initialize_params(sizes, seed=0), lam=0.0, method="lbfgs",
                           iterations=100)
    xs, ys, classes = decision_grid(reshape_params(result.params, sizes), ds.X)
    for width in (40, 120):
        text = show(DecisionBoundary(xs, ys, classes, ds.X, ds.y), width)
        assert_fits(text, width)
        assert "o" in text and "x" in text and "." in text
