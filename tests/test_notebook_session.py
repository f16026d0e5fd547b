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
    assert lesson.quiz("bias-quiz", 3).right is False  # the lesson's feedback for that choice, then a hint
    assert "NOT YET" in shown[-1] and "every input to be 1" in shown[-1] and "2 tries left" in shown[-1]
    assert "Hint 1 of 2" in shown[-1]
    assert lesson.quiz("z2-quiz", (5000, 25)).right is True  # a tuple is read as a shape
    assert "RIGHT" in shown[-1] and "one column per hidden unit" in shown[-1]
    assert lesson.quiz("predict-quiz", "Class 1, the largest score, however unsure").right is True  # by its words
    for wrong in (1, 3, 1):
        lesson.quiz("bias-quiz", wrong)
    assert "The answer is: 2) Theta1[j, 0]" in shown[-1]
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
    monkeypatch.setattr("builtins.input", lambda prompt="": "2")
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
    from tutor.lessons.views import ViewSpec, render_view

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
    _params0, thetas0 = lesson.run("start")
    X, y = lesson.values("X", "y")
    assert lesson.run("start-cost", lam=0.0)[0] == pytest.approx(nn_cost(thetas0, X, y, 0.0), rel=1e-12)  # J_start
    assert lesson["lambda"] == 0.0
    with_reg = lesson.run("start-cost", lam=3.0)[0]
    assert with_reg == pytest.approx(nn_cost(thetas0, X, y, 3.0), rel=1e-12) and with_reg > nn_cost(thetas0, X, y, 0.0)


def test_a_type_along_step_grades_the_value_a_cell_computes(shown):
    """`answer = a1 @ Theta1.T` (a value, not a string) is graded against the step's expected value,
    with the step's named mistake and the generic ones; text still goes through the safe evaluator."""
    lesson = open_lesson("forward-pass", record=False)
    X, Theta1, Theta2 = lesson.values("X", "Theta1", "Theta2")
    a1 = np.hstack([np.ones((len(X), 1)), X])
    g2 = 1 / (1 + np.exp(-(a1 @ Theta1.T)))
    a2 = np.hstack([np.ones((len(X), 1)), g2])
    sigmoid = lesson.functions("sigmoid")

    assert lesson.answer("z2-typed", a1 @ Theta1.T).right is True
    assert f"✓ RIGHT your value ({len(X)} x 25)" in shown[-1] and "characters long" not in shown[-1]

    wrong = lesson.answer("z2-typed", (a1 @ Theta1.T).T)  # the generic diagnosis, read from the value
    assert wrong.right is False
    assert f"The right numbers, transposed: yours is 25 x {len(X)}" in shown[-1]

    # the step's own named mistake: the bias column of Theta2 dropped along with g2's
    assert lesson.answer("h-typed", sigmoid(g2 @ Theta2[:, 1:].T)).right is False
    declared = {m.expression: m.message for m, _ in
                    lesson.session.steps[lesson.index("h-typed")].mistakes}["sigmoid(g2 @ Theta2[:, 1:].T)"]
    assert " ".join(declared.split()[:6]) in " ".join(shown[-1].split())
    assert lesson.answer("h-typed", sigmoid(a2 @ Theta2.T)).right is True

    # a string is still an expression for the safe evaluator, which refuses what is not numpy
    assert lesson.answer("h-typed", "sigmoid(a2 @ Theta2.T)").right is True
    assert lesson.answer("h-typed", "__import__('os').getcwd()").right is None
    assert "_" in shown[-1] and "RIGHT" not in shown[-1]
    assert lesson.answer("h-typed", {"not": "an array"}).right is None  # no try spent on a value it cannot read
    assert "not a number or an array" in shown[-1]


def test_the_lessons_functions_are_the_ones_its_expressions_call():
    lesson = open_lesson("sigmoid-gradient", record=False)
    sigmoid, sigmoid_gradient = lesson.functions("sigmoid", "sigmoid_gradient")
    z = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    np.testing.assert_allclose(sigmoid_gradient(z), [0.196612, 0.235004, 0.25, 0.235004, 0.196612], atol=5e-7)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    from tutor.notebook.session import NotebookError

    with pytest.raises(NotebookError, match="no function 'sigmod'.*'sigmoid'"):
        lesson.functions("sigmod")


def test_a_compute_step_without_views_shows_its_value_as_the_terminal_draws_a_value(shown):
    lesson = open_lesson("forward-pass", record=False)
    z2 = lesson.run("z2")
    g2 = 1 / (1 + np.exp(-z2))
    lesson.show("a2", g2=g2)
    text = shown[-1]
    assert f"g2  {len(z2)} x 25  float64" in text  # the matrix view's header, not a one-line summary
    first = " ".join(f"{v:.4f}" for v in g2[0, :6])
    assert first in " ".join(text.split()), text
    assert f"showing 6 of {len(z2)} rows" in text


def _moved(text: str, delta: str) -> float:
    import re

    m = re.search(rf"Nudged by {re.escape(delta)}: J moves by ([-+0-9.]+)", " ".join(text.split()))
    assert m, text
    return float(m.group(1))


def test_an_explore_step_draws_a_setting_asked_for_and_its_fixed_settings_without_widgets(shown, monkeypatch):
    from tutor.core import nn_cost

    lesson = open_lesson("nudge", record=False)
    lesson.explore("nudge-lab", delta=1.0)  # one setting of the learner's choice, recomputed
    thetas, X, y, lam = lesson.values("thetas", "X", "y", "lambda")
    nudged = [T.copy() for T in thetas]
    nudged[1][3, 22] += 1.0
    J0, J1 = nn_cost(list(thetas), X, y, lam), nn_cost(nudged, X, y, lam)
    assert _moved(shown[-1], "1") == pytest.approx(J1 - J0, abs=6e-6)
    assert "With nudge = 1, row = 3, column = 22" in shown[-1]

    monkeypatch.setitem(__import__("sys").modules, "ipywidgets", None)  # no sliders: the lesson's settings
    assert lesson.explore("nudge-lab").widgets is False
    text = shown[-1]
    for delta in ("0.1", "1", "-2"):
        assert f"With nudge = {delta}, row = 3, column = 22" in text
    from tutor.notebook.session import NotebookError

    with pytest.raises(NotebookError, match="no control 'speed'"):
        lesson.explore("nudge-lab", speed=2)


def test_the_natural_answer_that_calls_the_stubs_helper_passes_its_check(shown, tutor_home):
    """The stub imports `sigmoid` from tutor_helpers; an answer that uses it is sent with that import."""
    from tutor.notebook import provide_helpers

    provide_helpers("sigmoid-gradient")  # as the exported notebook's setup cell does
    namespace: dict = {}
    exec("import numpy as np\nfrom tutor_helpers import sigmoid\n\n"  # the stub cell, its body written
         "def sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n", namespace)
    np.testing.assert_allclose(namespace["sigmoid_gradient"](0.0), 0.25)  # it runs in the kernel too
    result = check("sigmoid-gradient", "def sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n")
    assert result.passed and result.score == result.max_score == 6, shown[-1]
    assert "NameError" not in shown[-1]
