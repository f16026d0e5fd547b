"""The deep lesson: its operations against the course's own backprop, and its typed steps' named mistakes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from tutor.core import backprop, initialize_params, reshape_params
from tutor.course import bundled_course
from tutor.courses.backprop import ops_deep
from tutor.courses.backprop.datasets import load_digits
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import find_lesson
from tutor.lessons.runner import Session, play, render_lesson
from tutor.lessons.ui import RecordingUI

SIZES = (64, 30, 20, 10)


@pytest.fixture(scope="module")
def net():
    ds = load_digits()
    return reshape_params(initialize_params(SIZES, "uniform", seed=0), SIZES), ds.X, ds.y


def test_the_pass_matches_the_course_backprop(net):
    thetas, X, y = net
    r = ops_deep.deep_pass(thetas, X, y, 1.0)
    ref = backprop(thetas, X, y, 1.0)  # the optimised implementation, written separately
    for name, D in zip(("D1", "D2", "D3"), ref.grads):
        assert np.allclose(r[name], D, atol=1e-13)
    for name, d in zip(("delta2", "delta3", "delta4"), ref.deltas):
        assert np.allclose(r[name], d, atol=1e-13)
    assert r["J_deep"] == pytest.approx(ref.J, abs=1e-12)
    m = X.shape[0]
    assert np.allclose(r["D3_data"], r["D3"] - np.hstack([np.zeros((10, 1)), thetas[2][:, 1:]]) / m, atol=1e-14)


def test_central_difference_parts(net):
    thetas, X, y = net
    r = ops_deep.central_difference_parts(thetas, X, y, 1.0, 2, 3, 5, 1e-4)
    assert (r["J_plus"] - r["J_minus"]) / 2e-4 == pytest.approx(r["g_backprop"], abs=1e-9)
    assert r["weight_name"] == "Theta2[3, 5]"
    with pytest.raises(ValueError, match="Theta4"):
        ops_deep.central_difference_parts(thetas, X, y, 1.0, 4, 0, 0)


@pytest.mark.parametrize("ratio,choice", [(0.6, 0), (2.9, 0), (15, 1), (76, 1), (281, 2), (886, 2), (96998, 3)])
def test_ratio_choice_is_the_nearest_power(ratio, choice):
    assert ops_deep.ratio_choice(ratio) == choice


def test_layer_norms_vanish_for_sigmoid_and_not_for_he_relu(net):
    _, X, y = net
    s = ops_deep.layer_norms(X, y, "sigmoid", "uniform", 0.12, 0)
    h = ops_deep.layer_norms(X, y, "relu", "he", 0.12, 0)
    assert s["norm_ratio"] > 1e4 and s["norm_choice"] == 3
    assert h["norm_ratio"] < 5 and h["norm_choice"] == 0
    assert s["norm_bars"]["labels"] == ["D1", "D2", "D3", "D4", "D5", "D6"] and s["norm_bars"]["log"]


def test_softmax_delta_is_p_minus_y_by_central_differences(net):
    thetas, X, y = net
    r = ops_deep.softmax_pass(thetas, X, y)
    assert np.allclose(r["softmax_row_sums"], 1.0)
    assert np.allclose(r["dJ_dz_numeric"], r["dJ_dz_backprop"], atol=1e-7)
    Y = np.eye(10)[y]
    assert np.allclose(r["delta_out"], r["p"] - Y)


def _text(pages, step) -> str:
    c = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    for i, page in pages:
        if i == step:
            for r in page:
                c.print(r)
    return " ".join(c.export_text().split())


def test_the_lesson_renders_without_problems_and_names_the_g_of_a_mistake():
    lesson = find_lesson("deep", bundled_course())
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    session = render_lesson(lesson, console)
    assert session.problems == {}
    out = " ".join(console.export_text().split())
    assert "sigmoid │ 96,998 │ 886 │ 281" in out  # the table of last / first norms
    k = next(i for i, s in enumerate(session.steps) if s.id == "bp2-delta3")
    typed = "(delta4 @ Theta3)[:, 1:] * sigmoid_gradient(a3[:, 1:])"
    ui = RecordingUI(keys=["n"] * k + [typed, "(delta4 @ Theta3)[:, 1:] * sigmoid_gradient(z3)", "q"], width=80)
    s2 = Session(lesson, build_environment(lesson), ui, mode="learn")
    s2.quizzes.update({st.id: {"right": True} for st in s2.steps[:k] if st.interactive})
    play(s2)
    text = " ".join(ui.text().split())
    assert "g' of the activations a3 instead of z3" in text
    assert s2.quizzes["bp2-delta3"]["right"] is True
