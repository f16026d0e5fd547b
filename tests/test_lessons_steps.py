"""Each step kind, run through the recording UI at widths 40 and 100, asserting on what it shows."""

from __future__ import annotations

import io
import textwrap

import numpy as np
import pytest
from rich.console import Console

from tutor import core
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import load_lesson
from tutor.lessons.runner import Session, play, render_lesson
from tutor.lessons.ui import RecordingUI

HEAD = """\
id: kinds
title: Every kind
summary: One of each step kind.
setup:
  dataset: {dataset}
  weights: debug
  params:
    lambda: {{type: float, default: 0.0, min: 0}}
steps:
"""


def lesson_file(tmp_path, steps: str, dataset: str = "debug"):
    p = tmp_path / "kinds.yaml"
    p.write_text(HEAD.format(dataset=dataset) + textwrap.indent(textwrap.dedent(steps), "  "), encoding="utf-8")
    return load_lesson(p)


def run(lesson, width=100, **kw):
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    session = render_lesson(lesson, console, **kw)
    return session, console.export_text()


@pytest.fixture(params=[40, 100])
def width(request):
    return request.param


def test_text_fills_placeholders(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: t
          kind: text
          title: Sizes
          text: "m = {m}, X is {X.shape}, Theta1ᵀ is {Theta1.T.shape}, m again = {m:.3f}, braces {{ok}}"
        """)
    session, out = run(lesson, width)
    flat = " ".join(out.split())
    assert "Step 1 of 1" in out and "Sizes" in out
    assert "m = 5, X is 5 x 3, Theta1ᵀ is 4 x 5, m again = 5.000" in flat
    assert "braces {ok}" in flat
    assert session.problems == {}


def test_text_format_spec_on_numbers(tmp_path):
    lesson = lesson_file(tmp_path, """\
        - id: c
          kind: compute
          op: cost
          inputs: {thetas: thetas, X: X, y: y}
          bind: J
          text: "J = {J:.6f}"
        """)
    _, out = run(lesson)
    thetas, X, y = core.debug_problem()
    assert f"J = {core.nn_cost(thetas, X, y):.6f}" in out


def test_compute_binds_and_shows_matrix(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: f
          kind: compute
          op: forward
          bind: {a1: a1, h: h}
          show: [{value: a1, view: matrix, highlight_cols: [0]}, h]
        """)
    session, out = run(lesson, width)
    thetas, X, _ = core.debug_problem()
    np.testing.assert_allclose(session.ctx.values["h"], core.feedforward(thetas, X).h)
    assert "a1" in out and "5 x 4" in out and "h" in out and "5 x 3" in out


def test_compute_with_transpose_and_literals(tmp_path):
    lesson = lesson_file(tmp_path, """\
        - id: p
          kind: compute
          op: matmul
          inputs: {A: X, B: X.T}
          bind: prod
        - id: r
          kind: compute
          op: row
          inputs: {A: prod, index: 2}
          bind: r2
        """)
    session, _ = run(lesson)
    thetas, X, _ = core.debug_problem()
    assert session.problems == {}
    np.testing.assert_allclose(session.ctx.values["prod"], X @ X.T)
    np.testing.assert_allclose(session.ctx.values["r2"], (X @ X.T)[2])


def test_show_scalar_and_vector(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: s
          kind: show
          value: m
          label: examples
        - id: v
          kind: show
          value: y
          view: vector
        """)
    _, out = run(lesson, width)
    assert "examples = 5" in out
    assert "Step 2 of 2" in out and "y" in out


def test_shapes_pass_and_mismatch(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: good
          kind: compute
          op: add_bias
          inputs: {A: X}
          bind: a1
        - id: fits
          kind: shapes
          operands: [a1, Theta1.T]
        - id: wrong
          kind: shapes
          operands: [a1, Theta1]
        """)
    session, out = run(lesson, width)
    flat = " ".join(out.split())
    assert "a1 (5 x 4)" in flat and "(4 x 5)" in flat
    assert list(session.problems) == [2]  # only the transposes-forgotten product fails
    assert "do not fit" in session.problems[2][0]


def test_check_pass_and_fail(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: c
          kind: compute
          op: cost
          bind: J
        - id: ok
          kind: check
          value: J
          against: J
          label: J equals itself
        - id: bad
          kind: check
          value: J
          expect: 0.5
          tol: 1e-6
          label: J is one half
          source: made up for the test
        """)
    session, out = run(lesson, width)
    assert "PASS" in out and "FAIL" in out and "made up for the test" in " ".join(out.split())
    assert list(session.problems) == [2] and "J is one half" in session.problems[2][0]


def test_check_with_bounds_passes_and_fails_by_the_bound(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: c
          kind: compute
          op: cost
          bind: J
        - id: low
          kind: check
          value: J
          at_least: 0
          at_most: 100
          label: J is between 0 and 100
        - id: high
          kind: check
          value: J
          at_least: 100
          label: J is at least 100
        """)
    session, out = run(lesson, width)
    J = core.nn_cost(session.env.values["thetas"], session.env.values["X"], session.env.values["y"], 0.0)
    flat = " ".join(out.split())
    assert "PASS" in out and "FAIL" in out and "at least 0 and at most 100" in flat
    assert list(session.problems) == [2] and "is not at least 100" in session.problems[2][0]
    assert f"{100 - J:.3g}"[:4] in flat.replace(" short", "")  # the margin by which it falls short


def test_check_needs_exactly_one_kind_of_target(tmp_path):
    from tutor.lessons.errors import LessonError

    with pytest.raises(LessonError, match="exactly one of"):
        lesson_file(tmp_path, """\
            - id: c
              kind: check
              value: m
              expect: 5
              at_least: 1
            """)


def test_quiz_answer_hidden_unless_asked(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: q
          kind: quiz
          question: What is the shape of X?
          answer_type: shape
          answer: "{m}x{n}"
          explain: One row per example.
        """)
    _, hidden = run(lesson, width)
    _, shown = run(lesson, width, answers=True)
    assert "What is the shape of X?" in hidden and "5 x 3" not in hidden
    assert "Answer: 5 x 3" in shown and "One row per example." in shown


def test_train_binds_results_and_lowers_cost(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: fit
          kind: train
          method: gd
          iterations: 30
          learning_rate: 2.0
          bind: fit
        """)
    session, out = run(lesson, width)
    costs = session.ctx.values["fit_history"]
    assert len(costs) == 31 and costs[-1] < costs[0]
    thetas, X, y = core.debug_problem()
    assert costs[0] == pytest.approx(core.nn_cost(thetas, X, y))
    assert session.ctx.values["fit_cost"] == pytest.approx(costs[-1])
    assert "gradient descent" in out


def test_figure_digits_and_confusion(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: grid
          kind: figure
          figure: digits
          value: X
          labels: y
          count: 3
        - id: p
          kind: compute
          op: predict
          bind: p
        - id: c
          kind: compute
          op: confusion_matrix
          inputs: {y: y, p: p, K: K}
          bind: C
        - id: conf
          kind: figure
          figure: confusion
          value: C
        """, dataset="digits")
    session, out = run(lesson, width)
    assert session.problems == {}
    C = session.ctx.values["C"]
    assert C.sum() == 1797 and C.shape == (10, 10)


def test_exercise_step_points_to_commands(tmp_path, width):
    lesson = lesson_file(tmp_path, """\
        - id: ex
          kind: exercise
          exercise: sigmoid-gradient
          text: Now write it yourself.
        """)
    _, out = run(lesson, width)
    flat = " ".join(out.split())
    assert "tutor exercise start sigmoid-gradient" in flat.replace(" -", "-") or "tutor exercise start" in flat
    assert "tutor check sigmoid-gradient" in flat or "sigmoid-gradient" in flat


def test_when_steps_only_run_on_their_data(tmp_path):
    lesson = lesson_file(tmp_path, """\
        - id: always
          kind: text
          text: always
        - id: course-only
          kind: text
          when: {dataset: course}
          text: only on the course files
        """)
    _, out = run(lesson)
    assert "Step 1 of 1" in out and "only on the course files" not in out


def test_set_changes_the_value_and_the_header(tmp_path):
    lesson = lesson_file(tmp_path, """\
        - id: c
          kind: compute
          op: cost
          bind: J
          text: "J = {J:.6f} at lambda {lambda}"
        """)
    _, out = run(lesson, settings=["lambda=3"])
    thetas, X, y = core.debug_problem()
    assert f"J = {core.nn_cost(thetas, X, y, 3.0):.6f} at lambda 3" in out
    assert "with lambda = 3" in out


def test_failed_step_shows_reason_and_later_steps_still_render(tmp_path):
    lesson = lesson_file(tmp_path, """\
        - id: bad
          kind: compute
          op: row
          inputs: {A: X, index: 99}
          bind: r
        - id: after
          kind: text
          text: still here
        """)
    session, out = run(lesson)
    assert "This step could not run" in out and "row 99 does not exist" in " ".join(out.split())
    assert "still here" in out and list(session.problems) == [0]


def test_plain_ascii_console_gets_no_unicode(tmp_path):
    from tutor.commands._common import PlainConsole

    lesson = lesson_file(tmp_path, """\
        - id: a
          kind: compute
          op: add_bias
          inputs: {A: X}
          bind: a1
        - id: s
          kind: shapes
          operands: [a1, Theta1.T]
          text: "Theta1ᵀ has λ-free shape {Theta1.T.shape}"
        """)
    buf = io.StringIO()
    console = PlainConsole(file=buf, width=40, no_color=True, color_system=None, record=False)
    render_lesson(lesson, console)
    text = buf.getvalue()
    assert text.isascii(), [c for c in text if not c.isascii()][:5]
    assert "Step 2 of 2" in text and "Theta1^T" in text


def test_forward_pass_lesson_figures_are_the_maths(width):
    from tutor.courses.backprop.datasets import load_digits
    from tutor.lessons.loader import find_lesson

    lesson = find_lesson("forward-pass")
    session, out = run(lesson, width, answers=True)
    assert session.problems == {}
    v = session.ctx.values
    ds = load_digits()
    thetas = v["thetas"]
    np.testing.assert_allclose(v["h"], core.feedforward(thetas, ds.X).h, atol=1e-12)
    assert v["z2"].shape == (1797, 25) and v["a2"].shape == (1797, 26) and v["h"].shape == (1797, 10)
    assert v["acc"] == pytest.approx(core.accuracy(core.predict(thetas, ds.X), ds.y))
    assert v["acc"] > 0.9  # the trained weights really are trained
    flat = " ".join(out.split())
    n = len(session.steps)  # the curriculum may add steps; the last one must be reached
    assert f"Step {n} of {n}" in flat and "a1 (1797 x 65)" in flat


def test_course_files_switch_on_the_course_steps(tmp_path, ex4_weights_path):
    """With a 5000 x 400 data file and the course's weights, the course-only steps run."""
    import scipy.io

    from tutor.courses.backprop.datasets import load_weights
    from tutor.lessons.loader import find_lesson

    rng = np.random.default_rng(1)
    X = rng.random((5000, 400)) * 0.5
    y = np.arange(5000) // 500 + 1  # the course's labels: 1..10, 10 meaning the digit 0
    data = tmp_path / "ex4data1.mat"
    scipy.io.savemat(data, {"X": X, "y": y.reshape(-1, 1).astype(float)})
    session, out = run(find_lesson("forward-pass"), 100, data=data, weights=ex4_weights_path)
    v = session.ctx.values
    assert v["course"] is True and v["dataset"] == "course"
    n = len(session.steps)  # 2 course-only steps more than on the digits
    assert f"Step {n} of {n}" in out and "The course's checkpoint" in out
    thetas = load_weights(ex4_weights_path)
    X_loaded = v["X"]
    assert v["J"] == pytest.approx(core.nn_cost(thetas, X_loaded, v["y"], 0.0), abs=1e-12)
    # on made-up pixels the published 0.287629 cannot hold: the check says so
    assert [session.steps[j].id for j in session.problems] == ["course-cost-check"]
