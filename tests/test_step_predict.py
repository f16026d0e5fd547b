"""The predict step: commit to a guess, then see it beside the real value, in every face of the runner."""

from __future__ import annotations

import io
import textwrap

import pytest
from rich.console import Console

from tutor import core
from tutor.base.errors import LessonError
from tutor.course import bundled_course
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import load_lesson
from tutor.lessons.runner import Session, play, render_lesson
from tutor.lessons.steps.predict import closeness, read_number
from tutor.lessons.ui import PlainUI, RecordingUI

HEAD = """\
id: guesses
title: Guesses
summary: Predict, then see.
setup:
  dataset: debug
  weights: debug
steps:
"""

STEPS = """\
- id: c
  kind: compute
  op: cost
  inputs: {thetas: thetas, X: X, y: y}
  bind: J
- id: guess-j
  kind: predict
  question: What is the cost J of the debug network?
  actual: J
  label: J
  explain: "J = {J:.4f}: close to log 3 per example, the cost of guessing one third."
- id: guess-way
  kind: predict
  question: Which way does it go?
  answer_type: choice
  choices: [up, down, it stays]
  actual: 1
  explain: It goes down.
- id: end
  kind: text
  text: The end.
"""


def lesson_file(tmp_path, steps: str = STEPS):
    p = tmp_path / "guesses.yaml"
    p.write_text(HEAD + textwrap.indent(steps, "  "), encoding="utf-8")
    return load_lesson(p, bundled_course())


def J_debug() -> float:
    thetas, X, y = core.debug_problem()
    return float(core.nn_cost(thetas, X, y))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_number_prediction_is_set_beside_the_actual_value_with_how_far_it_landed(tmp_path):
    lesson = lesson_file(tmp_path)
    ui = RecordingUI(keys=["n", "abc", "1/2", "n", "2", "n", "n"], width=80)
    session = Session(lesson, build_environment(lesson), ui)
    assert play(session) == "completed"
    J = J_debug()
    text = flat(ui.text())
    assert ui.asked[0].startswith("Your prediction (")
    assert "Type a number, such as 0.25 or 1/4." in ui.messages  # unreadable: said how, asked again
    assert "You predicted Actual J" in text and f"0.5 {J:.6g}" in text
    assert f"{J - 0.5:.4g} too low" in text and f"({0.5 / J:.3g} times the actual value)" in text
    assert f"J = {J:.4f}: close to log 3" in text
    assert "RIGHT" not in text and "NOT YET" not in text  # a prediction is never marked
    assert session.quizzes["guess-j"]["predicted"] == "1/2"
    # the choice: the pick and what happens, side by side
    assert "You predicted What happens 2) down 2) down" in text and "Your intuition was right." in text
    assert session.quizzes["guess-way"]["predicted"] == "2"


def test_a_wrong_choice_says_what_happens_instead(tmp_path):
    lesson = lesson_file(tmp_path)
    ui = RecordingUI(keys=["n", "s", "n", "it stays", "n", "n"], width=80)
    session = Session(lesson, build_environment(lesson), ui)
    play(session)
    text = flat(ui.text())
    assert "Skipped." in text and f"The answer is: J = {J_debug():.6g}" in text  # skipping shows the value alone
    assert "3) it stays 2) down" in text and "Not what happens" in text


def test_the_export_shows_the_question_then_the_actual_value_even_without_answers(tmp_path):
    lesson = lesson_file(tmp_path)
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    render_lesson(lesson, console)
    text = flat(console.export_text())
    assert text.index("What is the cost J") < text.index(f"Answer: J = {J_debug():.6g}")
    assert "close to log 3" in text and "Answer: 2) down It goes down." in text


def test_a_pipe_reads_the_prediction_and_shows_the_rest_when_input_ends(tmp_path, monkeypatch):
    lesson = lesson_file(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("-1\n"))
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    ui = PlainUI(console, interactive=False, reads_answers=True)
    assert play(Session(lesson, build_environment(lesson), ui)) == "completed"
    text = flat(console.export_text())
    assert "the opposite sign" in text
    assert "The answer is: 2) down" in text


def test_demo_poses_the_question_then_reveals_the_value(tmp_path):
    lesson = lesson_file(tmp_path)
    ui = RecordingUI(keys=["n", "n", "n", "q"], width=80)
    session = Session(lesson, build_environment(lesson), ui, mode="demo")
    play(session)
    posed = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    for r in ui.pages[1][1]:
        posed.print(r)
    assert "What is the cost" in posed.export_text() and "Answer" not in posed.export_text()  # posed first
    page = session.outputs[1]
    c = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    for r in page:
        c.print(r)
    shown = flat(c.export_text())
    assert f"Answer: J = {J_debug():.6g}" in shown


@pytest.mark.parametrize("yaml, words", [
    ("  actual: nope\n", "'nope' is not bound"),
    ("  answer_type: choice\n  choices: [a, b]\n  actual: 2\n", "0-based index"),
    ("  choices: [a, b]\n  actual: 1\n", "choices are only for answer_type: choice"),
    ("  actual: 1\n  tol: 0.1\n", "tol"),
])
def test_bad_predict_steps_are_load_errors_with_file_line_and_key(tmp_path, yaml, words):
    steps = "- id: p\n  kind: predict\n  question: Guess.\n" + yaml
    with pytest.raises(LessonError) as info:
        lesson_file(tmp_path, steps)
    msg = str(info.value)
    assert "guesses.yaml:" in msg and words in msg


def test_numbers_and_closeness_in_words():
    assert read_number("1/4") == 0.25 and read_number(" -2e-1 ") == -0.2 and read_number("x") is None
    assert read_number("1/0") is None and read_number("nan") is None
    assert closeness(0.25, 0.25) == "spot on." and closeness(3.25071, 3.2507121) == "spot on."
    assert closeness(0.5, 0.25) == "0.25 too high (2 times the actual value)."
    assert closeness(0.2, 0.25) == "0.05 too low (0.8 times the actual value)."
    assert closeness(0.24, 0.25) == "0.01 too low (within 4% of it)."
    assert closeness(-1.0, 2.0).startswith("the opposite sign: 3 below")


def test_a_notebook_has_a_cell_for_the_prediction_then_sets_it_beside_the_value(tmp_path, monkeypatch):
    from tutor.notebook.build import lesson_notebook
    from tutor.notebook.display import Rich
    from tutor.notebook.session import NotebookLesson

    lesson = lesson_file(tmp_path)
    nb, problems = lesson_notebook(lesson)
    assert problems == []
    sources = [c.source for c in nb.cells]
    k = next(i for i, s in enumerate(sources) if "What is the cost J" in s)
    assert "the real value comes only after it" in sources[k]
    assert sources[k + 1] == "prediction = ...  # your prediction: a number\nlesson.predict('guess-j', prediction)"
    assert f"{J_debug():.4f}" not in "".join(sources[: k + 2])  # nothing gives the value away before the guess

    shown: list[str] = []
    monkeypatch.setattr("tutor.notebook.session.show", lambda *r: shown.append(Rich(*r).text()))
    nl = NotebookLesson(lesson, record=False)
    nl.predict("guess-j", 3)
    text = flat(shown[-1])
    assert f"You predicted Actual J 3 {J_debug():.6g}" in text and "close to log 3" in text and "right" not in text
    assert nl.done["guess-j"]["predicted"] == "3"


def test_a_prediction_can_compute_its_own_actual_value_and_a_bad_op_is_a_load_error(tmp_path):
    steps = """\
- id: guess
  kind: predict
  question: What is the sum of every entry of X?
  compute: {op: sum, inputs: {A: X}, bind: total}
  actual: total
  explain: "The sum is {total:.4f}."
"""
    lesson = lesson_file(tmp_path, steps)
    ui = RecordingUI(keys=["0", "q"], width=80)
    play(Session(lesson, build_environment(lesson), ui))
    _, X, _ = core.debug_problem()
    assert f"The sum is {X.sum():.4f}." in flat(ui.text()) and f"{X.sum():.6g}" in ui.text()
    with pytest.raises(LessonError) as info:
        lesson_file(tmp_path, steps.replace("op: sum", "op: summ"))
    assert "guesses.yaml:" in str(info.value) and "unknown operation 'summ'" in str(info.value)


def test_in_a_real_terminal_the_prediction_is_typed_then_set_beside_what_happens(tmp_path):
    import json
    import shutil

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (the CI script installs it)")
    import sys

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from test_e2e_learner import Pane, _env, _tutor

    home = tmp_path / "home"
    env = {**_env(home), "COLUMNS": "80", "LINES": "24"}
    pane = Pane(_tutor("learn", "graph", "--from", "sum-predict"), env, tmp_path, width=80, height=24)
    try:
        pane.wait_for(r"What does the sum pass back to p1\?[\s\S]*Your prediction")
        pane.type("2")
        pane.keys("Enter")
        screen = pane.wait_for(r"What happens[\s\S]*q quit")
        flat_screen = " ".join(screen.split())
        assert "You predicted" in flat_screen and "Your intuition was right." in flat_screen
        assert "RIGHT" not in screen and "NOT YET" not in screen
        pane.keys("q")
        pane.wait_for(r"EXITED=0")
        record = json.loads((home / "progress.json").read_text())["lessons"]["graph"]["quizzes"]["sum-predict"]
        assert record["predicted"] == "2"
    finally:
        pane.close()
