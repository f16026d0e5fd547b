"""Each step kind, run through the recording UI at widths 40 and 100, asserting on what it shows."""

from __future__ import annotations

import io
import textwrap

import numpy as np
import pytest
from rich.console import Console

from tutor import core
from tutor.course import bundled_course
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
    return load_lesson(p, bundled_course())


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
    from tutor.base.errors import LessonError

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
    # Title and signature as the catalog has them (read from the cached exercise headers).
    from tutor.exercises.catalog import load_catalog

    ex = load_catalog(bundled_course())["sigmoid-gradient"]
    assert " ".join(ex.title.split()) in flat and " ".join(ex.signature.split()) in flat


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

    lesson = find_lesson("forward-pass", bundled_course())
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
    session, out = run(find_lesson("forward-pass", bundled_course()), 100, data=data, weights=ex4_weights_path)
    v = session.ctx.values
    assert v["course"] is True and v["dataset"] == "course"
    n = len(session.steps)  # 2 course-only steps more than on the digits
    assert f"Step {n} of {n}" in out and "The course's checkpoint" in out
    thetas = load_weights(ex4_weights_path)
    X_loaded = v["X"]
    assert v["J"] == pytest.approx(core.nn_cost(thetas, X_loaded, v["y"], 0.0), abs=1e-12)
    # on made-up pixels the published 0.287629 cannot hold: the check says so
    assert [session.steps[j].id for j in session.problems] == ["course-cost-check"]


# -- type-along expressions (kind: expression) and the quiz conversation --------------------------------

TYPED = """\
    - id: fw
      kind: compute
      op: forward
      bind: {a1: a1, z2: z2}
    - id: typed
      kind: expression
      question: Type z2 for every example.
      expected: a1 @ Theta1.T
      names: [a1, Theta1, X]
      mistakes:
        - expression: Theta1 @ a1
          message: That is the one-example column form.
        - expression: X @ Theta1[:, 1:].T
          message: The bias was left out.
      hints: [Start from a1.]
      explain: z2 has one row per example.
      bind: z2_typed
    - id: after
      kind: check
      value: z2_typed
      against: z2
      tol: 1e-12
"""


def typed_session(tmp_path, keys, mode="learn", steps=TYPED):
    lesson = lesson_file(tmp_path, steps, dataset="grader")  # 2-4-4, m = 16: no square matrices
    ui = RecordingUI(keys=keys, width=100)
    return Session(lesson, build_environment(lesson), ui, mode=mode), ui


def test_expression_wrong_shape_named_mistake_refused_then_right(tmp_path):
    session, ui = typed_session(tmp_path, ["n", "Theta1 @ a1", "X @ Theta1[:, 1:].T", "np.ones((10**5, 10**5))",
                                           "(Theta1 @ a1.T).T", "n", "n"])
    assert play(session) == "completed"
    assert session.quizzes["typed"] == {"right": True, "tries": 3, "revealed": False, "skipped": False}
    text = " ".join(ui.text().split())
    # a declared mistake whose shapes do not fit: named, with both shapes
    assert "one-example column form" in text and "4 x 3" in text and "16 x 3" in text
    # a declared mistake with the right shape: named, and its result shown with its shape
    assert "The bias was left out." in text and "X @ Theta1[:, 1:].T 16 x 4" in text
    # refused before allocating, and it cost no try
    assert any("limited to" in m for m in ui.messages)
    assert "RIGHT (Theta1 @ a1.T).T z2 has" in text and "z2 has one row per example." in text
    assert "PASS" in text  # the bound value is the expected one


def test_expression_offers_the_answer_after_three_tries(tmp_path):
    session, ui = typed_session(tmp_path, ["n", "X", "a1", "Theta1", "", "-Theta1", "y", "q"])
    play(session)
    assert session.quizzes["typed"]["revealed"] and session.quizzes["typed"]["tries"] == 4
    assert ui.asked.count("Show the answer? (y: show it; Enter: try again)") == 2
    text = " ".join(ui.text().split())
    assert "The answer is: a1 @ Theta1.T" in text and "a1 @ Theta1.T 16 x 4" in text


def test_b_goes_back_from_a_question_and_is_never_an_answer(tmp_path):
    session, ui = typed_session(tmp_path, ["n", "back", "q"])  # an expression step takes letters: `back` is the word
    play(session)
    assert [i for i, _ in ui.pages] == [0, 1, 0] and "typed" not in session.quizzes
    quiz = """\
        - id: q
          kind: quiz
          question: Which one?
          answer_type: choice
          choices: [first, second]
          answer: 1
          hints: [The second.]
    """
    lesson = lesson_file(tmp_path, quiz)
    ui = RecordingUI(keys=["a", "", "", "", "2", "q"], width=80)
    session = Session(lesson, build_environment(lesson), ui)
    play(session)
    assert session.quizzes["q"] == {"right": True, "tries": 1, "revealed": False, "skipped": False}
    assert ui.messages.count("Type the number of a choice, 1 to 2.") == 1  # the letter a
    assert sum("Type your answer" in m for m in ui.messages) == 1  # three empty Enters, one message


def test_quiz_feedback_names_a_foreseen_wrong_answer(tmp_path):
    quiz = """\
        - id: q
          kind: quiz
          question: Shape of Theta2?
          answer_type: shape
          answer: "{K}x{hidden}"
          feedback:
            - answer: "{K}x2"
              message: Named for the debug network.
          hints: [Rows, then columns.]
    """
    lesson = lesson_file(tmp_path, quiz)
    ui = RecordingUI(keys=["3x2", "3x7", "3 x 5", "q"], width=80)
    session = Session(lesson, build_environment(lesson), ui)
    play(session)
    text = ui.text()
    assert "Named for the debug network." in text and "3x7: Not that shape." in text
    assert session.quizzes["q"]["right"] and session.quizzes["q"]["tries"] == 3


def test_demo_poses_then_types_and_reveals_on_the_next_key(tmp_path):
    session, ui = typed_session(tmp_path, ["n", "n", "n", "q"], mode="demo")
    play(session)
    assert [i for i, _ in ui.pages] == [0, 1, 2]
    posed = page_text(ui.pages[1][1])
    assert "Type z2 for every example." in posed and "Answer" not in posed
    full = page_text(session.outputs[1])
    assert "Your answer: a1 @ Theta1.T" in full and "Answer: a1 @ Theta1.T" in full and "16 x 4" in full


def page_text(renderables) -> str:
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    for r in renderables:
        console.print(r)
    return " ".join(console.export_text().split())


def test_export_shows_the_expression_and_its_result_only_with_answers(tmp_path):
    lesson = lesson_file(tmp_path, TYPED, dataset="grader")
    _, with_answers = run(lesson, answers=True)
    flat = " ".join(with_answers.split())
    assert "Answer: a1 @ Theta1.T" in flat and "a1 @ Theta1.T 16 x 4" in flat
    _, without = run(lesson)
    assert "a1 @ Theta1.T" not in without and "Type z2 for every example." in without


def test_pipe_reads_answers_line_by_line_then_shows_the_rest(tmp_path, monkeypatch):
    from tutor.lessons.ui import PlainUI

    lesson = lesson_file(tmp_path, TYPED + """\
    - id: q
      kind: quiz
      question: How many examples?
      answer_type: number
      answer: m
      hints: [Rows of X.]
""", dataset="grader")
    monkeypatch.setattr("sys.stdin", io.StringIO("Theta1 @ a1\na1 @ Theta1.T\n"))
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    ui = PlainUI(console, interactive=False, reads_answers=True)
    session = Session(lesson, build_environment(lesson), ui)
    assert play(session) == "completed"
    text = " ".join(console.export_text().split())
    assert "NOT YET Theta1 @ a1: That is the one-example column form." in text
    assert "RIGHT a1 @ Theta1.T" in text and ": right." not in text
    assert "The answer is: 16" in text  # input ended: the number quiz shows its answer


def test_validate_reports_mistakes_that_cannot_be_told_apart(tmp_path):
    from tutor.lessons.validate import validate_lesson

    bad = TYPED.replace("expression: X @ Theta1[:, 1:].T", "expression: (Theta1 @ a1.T).T")
    lesson = lesson_file(tmp_path, bad, dataset="grader")
    problems, _ = validate_lesson(tmp_path / "kinds.yaml", bundled_course())
    assert len(problems) == 1, problems
    p = problems[0]
    assert str(tmp_path / "kinds.yaml") in p and "line 22" in p and "steps[1].mistakes[1].expression" in p
    assert "same value as the answer" in p
    assert lesson.steps[1].kind == "expression"


@pytest.mark.parametrize("expected, words", [
    ("X.__class__", "never reachable"),
    ("[x for x in X]", "list comprehension"),
    ("Theta9 @ X", "'Theta9' is not bound"),
    ("a1 @", "not a Python expression"),
])
def test_a_bad_expected_expression_is_a_load_error_with_file_line_and_key(tmp_path, expected, words):
    from tutor.base.errors import LessonError

    with pytest.raises(LessonError) as info:
        lesson_file(tmp_path, TYPED.replace("expected: a1 @ Theta1.T", f"expected: '{expected}'"), dataset="grader")
    msg = str(info.value)
    assert "kinds.yaml:17:" in msg and "steps[1].expected" in msg and words in msg


def test_exercise_step_writes_the_stub_and_checks_it_there(tmp_path, monkeypatch, tutor_home):
    monkeypatch.chdir(tmp_path)
    lesson = lesson_file(tmp_path, """\
        - id: ex
          kind: exercise
          exercise: sigmoid-gradient
    """)
    ui = RecordingUI(keys=["c", "w", "w", "c", "q"], width=100)
    session = Session(lesson, build_environment(lesson), ui)
    play(session)
    stub = tmp_path / "tutor-exercises" / "sigmoid-gradient.py"
    assert stub.is_file() and "def sigmoid_gradient" in stub.read_text()
    text = " ".join(ui.text().split())
    assert "There is no tutor-exercises/sigmoid-gradient.py yet" in text
    assert "already exists and holds your work" in text  # the second w keeps it
    assert "sigmoid-gradient" in text and "FAIL" in text  # the untouched stub fails its check
    assert any("w writes tutor-exercises/sigmoid-gradient.py" in m for m in ui.messages)
