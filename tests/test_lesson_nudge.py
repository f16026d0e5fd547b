"""The nudge lesson: its operations against independent computations, and the lesson as a learner turns its dials."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from tutor.core import initialize_params, nn_cost, nn_cost_function, reshape_params
from tutor.course import bundled_course
from tutor.courses.backprop import ops_nudge
from tutor.courses.backprop.datasets import load_digits
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import find_lesson
from tutor.lessons.runner import Session, play, render_lesson
from tutor.lessons.ui import RecordingUI

SIZES = (64, 25, 10)


@pytest.fixture(scope="module")
def net():
    ds = load_digits()
    params = initialize_params(SIZES, "uniform", seed=0)
    return params, reshape_params(params, SIZES), ds.X, ds.y


def _index(thetas, row, col):
    return thetas[0].size + row * thetas[1].shape[1] + col


def test_nudge_is_the_change_of_J_recomputed(net):
    params, thetas, X, y = net
    r = ops_nudge.nudge_weight(thetas, X, y, 1.0, 3, 22, 0.7)
    moved = [thetas[0], thetas[1].copy()]
    moved[1][3, 22] += 0.7
    J0 = nn_cost(thetas, X, y, 1.0)
    assert r["dJ_actual"] == pytest.approx(nn_cost(moved, X, y, 1.0) - J0, abs=1e-12)
    g = nn_cost_function(params, SIZES, X, y, 1.0)[1][_index(thetas, 3, 22)]
    assert r["dJ_linear"] == pytest.approx(0.7 * g, abs=1e-12)
    assert r["nudge_table"][3, 1] == f"{0.7 * g:+.6f}"


def test_the_gap_grows_like_the_square_of_the_nudge(net):
    _, thetas, X, y = net
    r = ops_nudge.nudge_gap_ratio(thetas, X, y, 1.0, 3, 22, 0.05)
    assert 3.8 < r["gap_ratio"] < 4.2


def test_the_slice_agrees_with_the_whole_network(net):
    params, thetas, X, y = net
    s = ops_nudge.cost_slice(thetas, X, y, 1.0, 3, 0, 22, 2.0)
    J, g = nn_cost_function(params, SIZES, X, y, 1.0)
    assert s["slice_J_here"] == pytest.approx(J, abs=1e-10)
    assert s["slice_ga"] == pytest.approx(g[_index(thetas, 3, 0)], abs=1e-12)
    assert s["slice_gb"] == pytest.approx(g[_index(thetas, 3, 22)], abs=1e-12)
    plot = s["slice_plot"]
    # one corner of the grid, recomputed through the whole network
    corner = [thetas[0], thetas[1].copy()]
    corner[1][3, 0], corner[1][3, 22] = plot["xs"][-1], plot["ys"][0]
    assert plot["Z"][0, -1] == pytest.approx(nn_cost(corner, X, y, 1.0), abs=1e-10)
    # an arrow is the gradient at its own point
    x, yy, gx, gy = plot["arrows"][5]
    at = [thetas[0], thetas[1].copy()]
    at[1][3, 0], at[1][3, 22] = x, yy
    from tutor.core import unroll
    g_at = nn_cost_function(unroll(at), SIZES, X, y, 1.0)[1]
    assert (gx, gy) == pytest.approx((g_at[_index(thetas, 3, 0)], g_at[_index(thetas, 3, 22)]), abs=1e-12)


def test_the_rate_threshold_is_where_one_step_stops_helping(net):
    params, _, X, y = net
    r = ops_nudge.rate_threshold(params, SIZES, X, y, 1.0)
    J0, g = nn_cost_function(params, SIZES, X, y, 1.0)
    a = r["alpha_up_actual"]
    assert nn_cost_function(params - (a - 0.01) * g, SIZES, X, y, 1.0)[0] < J0
    assert nn_cost_function(params - (a + 0.01) * g, SIZES, X, y, 1.0)[0] > J0
    # gᵀHg against a second, independent estimate: the second difference of J along g
    e = 1e-3
    u = g / np.linalg.norm(g)
    second = (nn_cost_function(params + e * u, SIZES, X, y, 1.0)[0] - 2 * J0
              + nn_cost_function(params - e * u, SIZES, X, y, 1.0)[0]) / e ** 2
    assert r["gHg"] == pytest.approx(second * (g @ g), rel=1e-4)
    d = ops_nudge.descent_with_rate(params, SIZES, X, y, 1.0, 3.0, 5)
    assert d["rate_costs"][0] == pytest.approx(J0) and d["rate_first"] > J0
    assert "it rose" in d["rate_outcome"] and "should rise" in d["rate_forecast"]


def _page_text(page) -> str:
    c = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    for r in page:
        c.print(r)
    return " ".join(c.export_text().split())


def test_the_lesson_validates_and_its_rate_lab_turns():
    lesson = find_lesson("nudge", bundled_course())
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    session = render_lesson(lesson, console)
    assert session.problems == {}
    out = " ".join(console.export_text().split())
    assert "With learning rate = 10" in out and "With half-width of the square = 0.5" in out
    rate = next(i for i, s in enumerate(session.steps) if s.id == "rate-lab")
    keys = ["n"] * rate + ["s", "3", "-", "q"]
    ui = RecordingUI(keys=keys, width=80)
    s2 = Session(lesson, build_environment(lesson), ui, mode="learn")
    s2.quizzes.update({st.id: {"right": True} for st in s2.steps if st.interactive})  # answered before
    play(s2)
    pages = [_page_text(p) for i, p in ui.pages if i == rate]
    assert "learning rate = 0.5" in pages[0]
    assert "learning rate = 3 " in pages[1] and "it rose" in pages[1]
    assert "learning rate = 2.9" in pages[2]


def test_the_forecast_is_typed_and_the_best_step_is_named():
    lesson = find_lesson("nudge", bundled_course())
    env = build_environment(lesson)
    probe = Session(lesson, env, None, mode="render")
    k = next(i for i, s in enumerate(probe.steps) if s.id == "forecast-typed")
    ui = RecordingUI(keys=["n"] * k + ["g_norm2 / gHg", "2*g_norm2/gHg", "q"], width=80)
    s2 = Session(lesson, build_environment(lesson), ui, mode="learn")
    s2.quizzes.update({st.id: {"right": True} for st in s2.steps[:k] if st.interactive})
    play(s2)
    text = " ".join(ui.text().split())
    assert "That is the best step, the bottom of the parabola." in text
    assert s2.quizzes["forecast-typed"]["right"] is True
    assert s2.ctx.values["alpha_forecast"] == pytest.approx(2 * s2.ctx.values["g_norm2"] / s2.ctx.values["gHg"])
