"""The graph lesson: every value it shows is the debug network's, and typed answers meet named mistakes.

Driven through the recording UI as a learner types; the numbers are checked against tutor.core.
"""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console

from tutor import core
from tutor.course import bundled_course
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import find_lesson
from tutor.lessons.runner import Session, play, render_lesson
from tutor.lessons.ui import RecordingUI


def lesson():
    return find_lesson("graph", bundled_course())


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_lesson_renders_without_problems_and_its_numbers_are_the_debug_networks():
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    session = render_lesson(lesson(), console, answers=True)
    assert session.problems == {}, session.describe_problems()
    v = session.ctx.values
    thetas, X, y = core.debug_problem()
    # the unit: hidden unit 3 on example 2 (0-based 2 and 1), target 1 for class 0
    x, theta = X[1], thetas[0][2]
    z = theta[0] + theta[1:] @ x
    a = 1 / (1 + np.exp(-z))
    t = float(y[1] == 0)
    assert abs(v["z"] - z) < 1e-15 and abs(v["a"] - a) < 1e-15 and v["t"] == t
    assert abs(v["dJ1_dz"] - (a - t)) < 1e-12  # the chain through the log loss and the sigmoid is a - t
    assert abs(v["dJ1_dw1"] - (a - t) * x[0]) < 1e-12
    # the fork: hidden unit 1 of example 1 sums delta3[0, k] Theta2[k, 1] over the outputs
    g = core.backprop(thetas, X, y, 0.0)
    delta3 = g.deltas[-1]
    assert abs(v["dJo_dh"] - (delta3 @ thetas[1])[0, 1]) < 1e-12
    np.testing.assert_allclose(v["dB_typed"], g.grads[1].T * X.shape[0], atol=1e-12)
    np.testing.assert_allclose(v["dA_typed"], delta3 @ thetas[1], atol=1e-12)
    text = console.export_text()
    assert text.isascii() is False and "J1 = logloss(a, t)" in text and "∂J1/∂w1 = 0.007455" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_lesson_in_plain_ascii_keeps_its_graphs_readable():
    buf = io.BytesIO()
    stream = io.TextIOWrapper(buf, encoding="ascii", errors="strict", newline="\n")
    console = Console(file=stream, width=80, color_system=None)
    render_lesson(lesson(), console)
    stream.flush()
    text = buf.getvalue().decode("ascii")
    assert "|- a = sigmoid(z)" in text and "dJ1/dw1 = 0.007455" in text
    assert "|- Jo1 = logloss_of_sigmoid(zo1, Y1)" in text


def test_a_learner_types_the_chain_meets_named_mistakes_and_predicts():
    ids = [s.id for s in lesson().steps]
    keys = ["n"] * ids.index("loss-local")
    keys += ["t/a - (1-t)/(1-a)", "(1-t)/(1-a) - t/a", "n",  # sign flipped, then right
             "z * (1 - z)", "a * (1 - a)", "n",  # z for a, then right
             "a * (1 - a)", "dJ1_da * a * (1 - a)", "n",  # local only, then upstream x local
             "1", "n",  # the sum's prediction: shared out (the usual guess)
             "dJ1_dz / 4", "dJ1_dz", "n",
             "dJ1_dp1 * w1", "dJ1_dp1 * x1", "q"]
    ui = RecordingUI(keys=keys, width=80)
    session = Session(lesson(), build_environment(lesson()), ui)
    play(session)
    text = flat(ui.text())
    for said in ["The sign is flipped.", "That puts z where the output belongs.", "That is only the local gradient.",
                 "A sum does not share its gradient out.", "That is what x1 receives."]:
        assert said in text, said
    assert "1) ∂J1/∂z divided by 4: the sum has four inputs to share it among 2) ∂J1/∂z itself, unchanged" in text
    assert "Not what happens" in text
    q = session.quizzes
    assert q["loss-local"]["right"] and q["loss-local"]["tries"] == 2
    assert q["sum-predict"]["predicted"] == "1"
    assert q["mul-typed"]["right"] and q["mul-typed"]["tries"] == 2
