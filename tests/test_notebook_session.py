"""tutor.notebook in-process: a lesson stepped by step id, quizzes, checks and shared progress."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.notebook import check, open_lesson, quiz
from tutor.notebook.display import Rich


@pytest.fixture
def shown(monkeypatch):
    """Everything tutor.notebook displays, as plain text (one string per display call)."""
    out: list[str] = []
    monkeypatch.setattr("tutor.notebook.display.show", lambda *r: out.append(Rich(*r).text()))
    for module in ("tutor.notebook.session", "tutor.notebook.checks"):
        monkeypatch.setattr(f"{module}.show", lambda *r: out.append(Rich(*r).text()))
    return out


RIGHT_SIGMOID_GRADIENT = '''
def sigmoid_gradient(z):
    g = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    return g * (1.0 - g)
'''


def test_show_binds_the_notebooks_value_and_says_when_it_differs(shown):
    lesson = open_lesson("forward-pass", record=False)
    X = lesson["X"]
    a1 = np.hstack([np.ones((X.shape[0], 1)), X])
    lesson.show("add-bias", a1=a1)
    assert f"a1  {X.shape[0]} x {X.shape[1] + 1}" in shown[-1]
    assert "differs" not in shown[-1]
    lesson.show("add-bias", a1=a1 * 2)
    assert "Your a1 differs from the lesson's (largest difference 1)" in shown[-1]
    # later steps use the notebook's value: z2 from the doubled a1 is twice the true one
    z2 = lesson.run("z2")
    np.testing.assert_allclose(z2, (a1 * 2) @ lesson["Theta1"].T)


def test_run_returns_what_the_step_binds_in_order():
    lesson = open_lesson("forward-pass", record=False)
    got = lesson.run("follow")
    thetas, X = lesson["thetas"], lesson["X"]
    a = X[0]
    for T in thetas:  # an independent forward pass of example 0
        a = 1 / (1 + np.exp(-(T @ np.concatenate(([1.0], a)))))
    h_i = got[6]
    np.testing.assert_allclose(h_i, a, rtol=1e-12)
    assert int(got[8]) == int(np.argmax(a))  # digit: the largest output


def test_quiz_verdicts_hints_and_the_reveal(shown, tutor_home):
    lesson = open_lesson("forward-pass")
    assert lesson.quiz("bias-quiz", 2).right is False
    assert "NOT YET" in shown[-1] and "Too high" in shown[-1] and "2 tries left" in shown[-1]
    assert "Hint 1 of 2" in shown[-1]
    assert lesson.quiz("z2-quiz", (5000, 25)).right is True  # a tuple is read as a shape
    assert "RIGHT" in shown[-1] and "one column per hidden unit" in shown[-1]
    assert lesson.quiz("predict-quiz", "Take the column with the largest value").right is True
    for wrong in (2, 3, 2):
        lesson.quiz("bias-quiz", wrong)
    assert "The answer is: 1" in shown[-1]
    record = json.loads((tutor_home / "progress.json").read_text())["lessons"]["forward-pass"]["quizzes"]
    assert record["z2-quiz"]["right"] is True
    assert record["bias-quiz"] == {"right": False, "tries": 4, "revealed": True, "skipped": False}


def test_quiz_by_lesson_id_and_bad_ids_are_one_line(shown):
    assert quiz("network", "no-such-step", answer=1).right is None
    assert shown[-1].startswith("error: the lesson 'network' has no step 'no-such-step'")
    assert quiz("no-such-lesson", "x", answer=1).right is None
    assert shown[-1].startswith("error:") and "no-such-lesson" in shown[-1]
    assert quiz("forward-pass", "intro", answer=1).right is None
    assert "is not a question" in shown[-1]


def test_quiz_without_an_answer_and_without_stdin_says_what_to_do(shown, monkeypatch):
    def no_stdin(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_stdin)
    lesson = open_lesson("forward-pass", record=False)
    assert lesson.quiz("bias-quiz").right is None
    assert "in place of the ..." in shown[-1]
    monkeypatch.setattr("builtins.input", lambda prompt="": "1")
    assert lesson.quiz("bias-quiz").right is True


def test_check_passes_a_right_function_and_records_it_for_the_terminal(shown, tutor_home):
    namespace: dict = {"np": np}
    exec(RIGHT_SIGMOID_GRADIENT, namespace)
    result = check("sigmoid-gradient", RIGHT_SIGMOID_GRADIENT)
    assert result.passed and result.score == result.max_score == 6
    assert "All tests passed: 6/6" in shown[-1]
    assert "(hidden test)" in shown[-1]
    doc = json.loads((tutor_home / "progress.json").read_text())
    assert doc["exercises"]["sigmoid-gradient"]["passed"] is True
    listing = CliRunner().invoke(app, ["exercises"], env={"TUTOR_HOME": str(tutor_home), "COLUMNS": "200"})
    row = next(line for line in listing.output.splitlines() if "sigmoid-gradient" in line)
    assert "passed" in row and "6/6" in row


def test_check_names_the_mistake_and_hides_hidden_tests(shown):
    wrong = '''
def predict(thetas, X):
    a = X
    for T in thetas:
        a = 1 / (1 + np.exp(-(np.hstack([np.ones((a.shape[0], 1)), a]) @ T.T)))
    return np.argmax(a, axis=0)
'''
    result = check("predict", wrong)
    assert not result.passed
    text = shown[-1]
    assert "Likely mistake: argmax over the wrong axis" in text
    assert "A hidden test" in text
    hidden_line = next(line for line in text.splitlines() if "(hidden test)" in line)
    assert "vector of" not in hidden_line  # a hidden test shows its name and result only


def test_check_reads_a_functions_source_and_renames_it(shown, tmp_path):
    import importlib.util

    path = tmp_path / "cell.py"
    path.write_text("import numpy as np\n" + RIGHT_SIGMOID_GRADIENT.replace("def sigmoid_gradient", "def my_gradient"))
    spec = importlib.util.spec_from_file_location("cell", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert check("sigmoid-gradient", module.my_gradient, record=False).passed


def test_check_refuses_what_it_cannot_grade_in_one_line(shown):
    assert check("sigmoid-gradient", 42).passed is False
    assert shown[-1].startswith("error: check takes your function")
    assert check("no-such-exercise", "def f(): pass").passed is False
    assert shown[-1].startswith("error: there is no exercise 'no-such-exercise'")
    assert check("sigmoid-gradient", eval("lambda z: z")).passed is False  # no source to read
    assert "cannot read the source of" in shown[-1] and "pass the cell's text instead" in shown[-1]


def test_rich_output_carries_html_for_jupyter():
    from tutor.lessons.views import render_view
    from tutor.lessons.views import ViewSpec

    lesson = open_lesson("forward-pass", record=False)
    view = render_view(ViewSpec("X", view="matrix", label="X"), lesson["X"], lesson.ctx)
    bundle = Rich(view)._repr_mimebundle_()
    assert bundle["text/html"].lstrip().startswith("<pre") or "<pre" in bundle["text/html"]
    assert "1797 x 64" in bundle["text/plain"]
    assert "1797 x 64" in bundle["text/html"]


def test_importing_tutor_and_the_notebook_package_stays_cheap():
    import subprocess
    import sys

    code = ("import sys, tutor, tutor.notebook; "
            "print(sorted(m for m in ('numpy', 'rich', 'IPython', 'nbformat') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lam_in_a_call_is_the_lessons_lambda():
    from tutor.core import nn_cost

    lesson = open_lesson("training", record=False)
    params0, thetas0 = lesson.run("start")
    X, y = lesson.values("X", "y")
    assert lesson.run("start-cost", lam=0.0) == pytest.approx(nn_cost(thetas0, X, y, 0.0), rel=1e-12)
    assert lesson["lambda"] == 0.0
    with_reg = lesson.run("start-cost", lam=3.0)
    assert with_reg == pytest.approx(nn_cost(thetas0, X, y, 3.0), rel=1e-12) and with_reg > nn_cost(thetas0, X, y, 0.0)
