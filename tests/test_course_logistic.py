"""The second course, courses/logistic-regression: every step headless, every typed formula,
number and figure against an independent numpy computation, every answer a quiz or a
prediction states, no empty screen, and the commands with --course."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

from tutor.cli import app
from tutor.course import resolve_course
from tutor.lessons.loader import find_lesson
from tutor.lessons.runner import render_lesson

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "courses" / "logistic-regression"
LESSONS = ("data-and-model", "cost", "cost-and-gradient", "gradient-descent", "accuracy-and-boundary")
runner = CliRunner()


def _data():
    rows = np.loadtxt(COURSE / "data" / "students.csv", delimiter=",", skiprows=1)
    return rows[:, :2], rows[:, 2]


def _X(features):
    return np.column_stack([np.ones(len(features)), features])


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _cost(X, y, w):
    h = _sigmoid(X @ w)
    return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))


def _descend(X, y, w, alpha, iterations):
    """Plain numpy gradient descent: the weights after the last step and the cost before each step and after the last."""
    costs = []
    for k in range(iterations + 1):
        h = _sigmoid(X @ w)
        costs.append(-np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)))
        if k == iterations:
            break
        w = w - alpha * X.T @ (h - y) / y.size
    return w, np.array(costs)


def _run(lesson_id, width=100, **kw):
    course = resolve_course(str(COURSE))
    lesson = find_lesson(lesson_id, course)
    console = Console(file=io.StringIO(), width=width, color_system=None)
    session = render_lesson(lesson, console, answers=True, **kw)
    return session, console.file.getvalue()


def _of_type(session, name):
    return [r for out in session.outputs for r in out if type(r).__name__ == name]


def _step(session, step_id):
    return next(s for s in session.steps if s.id == step_id)


GUESS = np.array([-3.0, 0.5, 0.5])  # the rule-of-thumb weights of the first three lessons


def test_the_course_is_found_by_folder_and_lists_its_lessons_in_order():
    course = resolve_course(str(COURSE))
    assert course.id == "logistic-regression" and not course.bundled and course.plugin is None
    assert course.lessons == LESSONS
    assert course.exercises == ("logistic-gradient",)
    # plugin-free: YAML, data and the exercise's reference file, nothing else in Python
    python = sorted(str(p.relative_to(COURSE)) for p in COURSE.rglob("*.py"))
    assert python == ["data/make_data.py", "exercises/references.py"]


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_every_step_runs_headless_without_a_problem(lesson_id):
    session, text = _run(lesson_id)
    assert session.problems == {}, session.describe_problems()
    assert f"Step {session.N} of {session.N}" in text
    assert "could not run" not in text
    assert "engine" not in text.lower()  # the learner is never told about the machinery


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_every_lesson_has_a_type_along_and_a_prediction(lesson_id):
    session, _ = _run(lesson_id)
    kinds = [s.kind for s in session.steps]
    assert "expression" in kinds and "predict" in kinds, kinds


# Every type-along step binds its answer under a name; the tests below check each
# of these values against numpy. A new typed step must be added here (and checked).
TYPED = {
    "data-and-model": {"pass_rate", "z", "h"},
    "cost": {"h", "loss", "J"},
    "cost-and-gradient": {"dL_dh", "dh_dz", "dL_dz", "grad"},
    "gradient-descent": {"w_one_step"},
    "accuracy-and-boundary": {"h", "acc", "hours_needed", "grid_p"},
}


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_every_typed_formula_binds_a_value_the_numpy_tests_check(lesson_id):
    session, _ = _run(lesson_id)
    typed = [s for s in session.steps if s.kind == "expression"]
    assert {s.bind for s in typed} == TYPED[lesson_id]
    for s in typed:  # and the bound value is the expected expression's, on this lesson's data
        assert s.bind in session.ctx.values


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_no_step_renders_empty(lesson_id):
    # Each step, as printed at 80 columns: beyond its "Step k of N" line and its
    # title there are sentences, or a drawn view with its words, never a lone "m = 100 students."
    session, text = _run(lesson_id, width=80)
    pages = re.split(r"\n─{80}\n", text)[1:]
    assert len(pages) == session.N
    for k, (page, step) in enumerate(zip(pages, session.steps), start=1):
        lines = [ln for ln in page.splitlines() if ln.strip()]
        assert lines[0].startswith(f"Step {k} of {session.N}")
        body = [ln for ln in lines[1:] if ln.strip() != (step.title or "").strip()]
        words = re.findall(r"[A-Za-z]{2,}", " ".join(body))
        drawn = any("│" in ln for ln in body)  # a matrix, a vector, a badge, a plot
        assert len(words) >= 12 or (drawn and len(words) >= 4), \
            f"{lesson_id} step {k} ({step.id}) is nearly empty: {body}"


def test_data_and_model_typed_formulas_match_numpy():
    features, y = _data()
    X = _X(features)
    session, _text = _run("data-and-model")
    v = session.ctx.values
    assert np.array_equal(v["features"], features) and np.array_equal(v["y"], y)
    assert np.array_equal(v["X"], X) and np.array_equal(v["w"], GUESS)
    assert v["pass_rate"] == pytest.approx(y.mean(), abs=1e-15)
    assert np.allclose(v["z"], X @ GUESS, rtol=0, atol=1e-14)
    assert np.allclose(v["h"], _sigmoid(X @ GUESS), rtol=0, atol=1e-15)
    assert np.allclose(v["g_tour"], _sigmoid(np.array([-4.0, -2, 0, 2, 4])), atol=1e-15)
    # the answers the quizzes and the prediction state
    lazy = _step(session, "lazy-quiz")
    assert lazy.answer == pytest.approx(1 - y.mean(), abs=lazy.tol)
    assert _step(session, "score-quiz").answer == pytest.approx(np.array([1, 6, 2]) @ GUESS)
    assert _step(session, "double-predict").actual == pytest.approx(_sigmoid(2.0), abs=1e-15)
    assert _sigmoid(_step(session, "inverse-quiz").answer) == pytest.approx(0.9, abs=1e-3)


def test_cost_typed_formulas_match_numpy():
    features, y = _data()
    X = _X(features)
    h = _sigmoid(X @ GUESS)
    loss = -(y * np.log(h) + (1 - y) * np.log(1 - h))
    session, _text = _run("cost")
    v = session.ctx.values
    assert np.allclose(v["h"], h, rtol=0, atol=1e-15)
    assert np.allclose(v["loss"], loss, rtol=1e-13) and np.all(v["loss"] > 0)  # the cost, not its negative
    assert v["J"] == pytest.approx(loss.mean(), abs=1e-14) and v["J_op"] == pytest.approx(loss.mean(), abs=1e-14)
    assert v["worst"] == pytest.approx(loss.max())
    worst = int(np.argmax(loss))
    assert y[worst] == 0 and h[worst] > 0.5  # "a student who failed although ... a good chance of passing"
    assert np.allclose(v["log_tour"], np.log([0.99, 0.9, 0.5, 0.1, 0.01]))
    assert _step(session, "failed-quiz").answer == pytest.approx(-np.log(0.1), abs=1e-3)
    assert _step(session, "nothing-quiz").answer == pytest.approx(np.log(2), abs=1e-4)
    assert v["J"] < np.log(2)  # "the rule of thumb's J is lower"
    # the prediction: ten students at 0.4 cost more than one at 0.01
    many = _step(session, "many-or-one-predict")
    assert many.actual == 1 and 10 * -np.log(0.4) > -np.log(0.01)


def test_the_gradient_is_derived_link_by_link_and_matches_numpy():
    features, y = _data()
    X = _X(features)
    w = GUESS
    z = X @ w
    h = _sigmoid(z)
    J = _cost(X, y, w)
    session, text = _run("cost-and-gradient")
    v = session.ctx.values
    assert v["J"] == pytest.approx(J, abs=1e-14)
    dL_dh = -y / h + (1 - y) / (1 - h)
    dh_dz = np.exp(-z) / (1 + np.exp(-z)) ** 2  # the sigmoid's slope, from its own formula
    assert np.allclose(v["dL_dh"], dL_dh, rtol=1e-13)
    assert np.allclose(v["dh_dz"], dh_dz, rtol=1e-12)
    assert np.allclose(v["dL_dz"], h - y, rtol=0, atol=1e-15)  # the cancellation
    assert np.allclose(v["err"], h - y, rtol=0, atol=0)
    # the gradient, written out term by term
    grad = np.array([np.mean((h - y) * X[:, j]) for j in range(3)])
    assert np.allclose(v["grad"], grad, rtol=1e-13)
    # the numerical gradient, by central differences of the numpy cost
    eps = 1e-5
    num = np.array([(_cost(X, y, w + eps * e) - _cost(X, y, w - eps * e)) / (2 * eps) for e in np.eye(3)])
    assert np.allclose(v["numerical_gradient"], num, rtol=1e-9, atol=1e-13)
    assert v["numerical_gradient_difference"] < 1e-9
    assert np.array_equal(v["w"], w)  # the nudged weights did not leak into the steps after the check
    table = _of_type(session, "GradientComparison")[0]
    assert np.allclose(table.analytical, grad) and table.verdict == "pass"
    # one threshold on every screen: the check's own band, said in the text
    assert "below 1e-9" in text and "1e-7" not in text and "1e-07" not in text
    # the prediction: the confidently wrong student pulls harder (0.99 against 0.5)
    pull = _step(session, "pull-predict")
    P, Q = 0.99, 0.5
    assert pull.actual == 1 and (1 / (1 - P)) * P * (1 - P) > (1 / (1 - Q)) * Q * (1 - Q)


def test_gradient_descent_matches_numpy_step_for_step():
    features, y = _data()
    X = _X(features)
    w, costs = _descend(X, y, np.zeros(3), 0.2, 1000)
    session, text = _run("gradient-descent")
    v = session.ctx.values
    grad0 = X.T @ (0.5 - y) / y.size
    assert np.allclose(v["w_one_step"], -0.2 * grad0, rtol=1e-14)  # the typed update at w = 0
    assert grad0[1] < 0 and v["w_one_step"][1] > 0  # quiz-direction: the practice weight grows
    # "w0 went down (fewer than half passed) and both hour weights went up"
    assert grad0[0] > 0 and grad0[2] < 0 and y.mean() < 0.5
    trace = v["J_trace"]
    assert trace.size == 1001 and trace[0] == pytest.approx(np.log(2))
    assert np.allclose(trace, costs, rtol=1e-12)
    assert f"{costs[-1]:.6g} after 1000 rounds" in text
    curve = _of_type(session, "CostCurve")[0]
    assert np.allclose(curve.costs, costs)
    # the hour quiz: the practice weight ends larger than the lecture weight
    assert w[1] > w[2] > 0 and w[0] < 0
    # alpha = 1, five times the default, from w = 0 again: it ends higher (the prediction's answer)
    w_big, big = _descend(X, y, np.zeros(3), 1.0, 1000)
    assert np.allclose(v["J_big_trace"], big, rtol=1e-10)
    assert np.allclose(v["w"], w_big, rtol=1e-9)
    assert _step(session, "bigger-predict").actual == 1 and big[-1] > costs[-1]
    assert big[1:10].max() > np.log(2)  # "far above where it began"
    with np.errstate(divide="ignore", invalid="ignore"):  # some rounds' chances round to exactly 1
        huge = _descend(X, y, np.zeros(3), 5.0, 1000)[1][-1]
    assert np.isfinite(huge) and huge > np.log(2)  # "with even bigger steps it climbs"


def test_the_claims_about_where_the_weights_are_heading_hold():
    # "With --set iterations=5000 they get within a hundredth of the best weights", and the
    # best weights are near the rule the data were drawn from, -6 + 1.2 practice + 0.8 lectures.
    features, y = _data()
    X = _X(features)
    best = np.zeros(3)
    for _ in range(30):  # Newton's method, independent of gradient descent
        h = _sigmoid(X @ best)
        best = best - np.linalg.solve((X.T * (h * (1 - h))) @ X, X.T @ (h - y))
    assert np.allclose(X.T @ (_sigmoid(X @ best) - y), 0, atol=1e-10)
    w5000, _ = _descend(X, y, np.zeros(3), 0.2, 5000)
    assert np.max(np.abs(w5000 - best)) < 0.01
    assert np.max(np.abs(best - [-6, 1.2, 0.8])) < 0.1


def test_set_changes_the_learning_rate_and_the_run_follows():
    features, y = _data()
    X = _X(features)
    _w, costs = _descend(X, y, np.zeros(3), 0.05, 30)
    session, _text = _run("gradient-descent", settings={"alpha": "0.05", "iterations": "30"})
    assert np.allclose(session.ctx.values["J_trace"], costs)
    w_big, _ = _descend(X, y, np.zeros(3), 1.0, 30)  # the second run's learning rate is always 1
    assert np.allclose(session.ctx.values["w"], w_big, rtol=1e-10)


def test_the_last_lesson_starts_from_the_trained_weights():
    features, y = _data()
    X = _X(features)
    w, costs = _descend(X, y, np.zeros(3), 0.2, 1000)
    kept = np.loadtxt(COURSE / "data" / "trained-weights.csv", skiprows=1)
    assert np.allclose(kept, w, rtol=1e-12, atol=0)  # what the gradient-descent lesson finds
    session, text = _run("accuracy-and-boundary")
    v = session.ctx.values
    assert np.array_equal(v["w"], kept)
    assert v["J"] == pytest.approx(costs[-1], abs=1e-12)  # where the last lesson ended, not log 2
    assert "0.6931" not in text and "0.693147" not in text


def test_accuracy_and_the_decision_regions_match_numpy():
    features, y = _data()
    X = _X(features)
    w = np.loadtxt(COURSE / "data" / "trained-weights.csv", skiprows=1)
    h = _sigmoid(X @ w)
    p = (h >= 0.5).astype(float)
    session, _text = _run("accuracy-and-boundary")
    v = session.ctx.values
    assert np.allclose(v["h"], h, rtol=0, atol=1e-15)
    assert np.array_equal(v["p"], p)
    assert v["acc"] == pytest.approx(np.mean(p == y)) and v["acc"] >= 0.8
    assert v["lazy_acc"] == pytest.approx(np.mean(y == 0))
    strict = (h >= 0.8).astype(float)
    assert np.array_equal(v["p_strict"], strict)
    assert v["acc_strict"] == pytest.approx(np.mean(strict == y))
    assert _step(session, "strict-predict").actual == 1 and v["acc_strict"] < v["acc"]  # it goes down
    # on the fence: 4 hours of practice and the typed lecture hours give a chance of exactly 0.5
    assert v["hours_needed"] == pytest.approx(-(w[0] + 4 * w[1]) / w[2])
    assert _sigmoid(np.array([1, 4, v["hours_needed"]]) @ w) == pytest.approx(0.5, abs=1e-12)
    # the regions figure: the model's answer on a 40 x 80 grid around the data
    lo, hi = features.min(axis=0) - 0.5, features.max(axis=0) + 0.5
    xs, ys = np.linspace(lo[0], hi[0], 80), np.linspace(lo[1], hi[1], 40)
    gx, gy = np.meshgrid(xs, ys)
    expected = (_sigmoid(w[0] + w[1] * gx + w[2] * gy) >= 0.5).astype(int)
    assert np.array_equal(np.asarray(v["grid_p"], dtype=int).reshape(40, 80), expected)
    figure = _of_type(session, "DecisionBoundary")[0]
    assert np.allclose(figure.xs, xs) and np.allclose(figure.ys, ys)
    assert np.array_equal(figure.classes, expected)
    assert np.array_equal(figure.X, features) and np.array_equal(figure.y, y.astype(int))
    assert 0 < expected.mean() < 1  # the boundary crosses the picture


def _invoke(*args, env=None, input=None):
    return runner.invoke(app, list(args), catch_exceptions=False, env=env, input=input)


def test_a_learner_typing_a_named_mistake_is_told_what_it_is(tutor_home):
    # As a person answers through a pipe: the chances right, the quiz, the prediction,
    # then each cost with a known slip first.
    answers = ["1 / (1 + np.exp(-(X @ w)))", "2.3", "1",
               "y * np.log(h) + (1 - y) * np.log(1 - h)", "-(y * np.log(h) + (1 - y) * np.log(1 - h))",
               "np.sum(loss)", "np.mean(loss)", "0.6931"]
    res = _invoke("learn", "cost", "--course", str(COURSE), input="\n".join(answers) + "\n")
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "these numbers are minus the costs" in out  # the sign of the per-student cost
    assert "That is the total. J is the average" in out
    assert "You predicted" in out and "What happens" in out and "2) The ten students at h = 0.4" in out
    assert out.count("✓ RIGHT") >= 4 or out.count("RIGHT") >= 4


def test_validate_course_checks_every_lesson():
    res = _invoke("validate", "--course", str(COURSE), env={"COLUMNS": "300"})  # a long checkout path must not wrap
    lines = " ".join(res.output.split())
    for lesson_id in LESSONS:
        assert re.search(rf"ok\s+\S*{lesson_id}\.yaml", lines), lines
    assert "course.yaml" in lines


def test_learn_demo_export_and_lessons_take_course(tmp_path):
    res = _invoke("learn", "data-and-model", "--course", str(COURSE))
    assert res.exit_code == 0 and "Step 15 of 15" in res.output and "one row of X times w" in " ".join(
        res.output.split())
    res = _invoke("demo", "cost", "--course", str(COURSE), "--from", "failed-quiz")
    assert res.exit_code == 0 and "Answer: 2.303" in res.output
    res = _invoke("demo", "gradient-descent", "--course", str(COURSE), "--from", "quiz-direction", "--set",
                  "iterations=2")
    assert "Answer: 1) Larger" in res.output
    out = tmp_path / "h.md"
    res = _invoke("export", "--all", "--course", str(COURSE), "-f", "md", "-o", str(out))
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "Logistic regression, from data to decision boundary" in text and "The gradient, derived" in text
    res = _invoke("lessons", "--json", "--course", str(COURSE))
    ids = [r["id"] for r in json.loads(res.output)["lessons"]]
    assert ids == list(LESSONS)


def test_tutor_course_variable_makes_it_the_default():
    res = _invoke("lessons", "--json", env={"TUTOR_COURSE": str(COURSE)})
    assert next(r["id"] for r in json.loads(res.output)["lessons"]) == "data-and-model"
    res = _invoke("learn", "gradient-descent", "--set", "iterations=3", env={"TUTOR_COURSE": str(COURSE)})
    assert res.exit_code == 0 and "after 3 rounds" in res.output


def test_the_network_files_are_refused_with_one_line():
    res = runner.invoke(app, ["learn", "data-and-model", "--course", str(COURSE), "--weights", "w.npz"])
    assert res.exit_code == 2 and res.stderr.startswith("error: ") and "--weights" in res.stderr
    assert "Traceback" not in res.output


def test_scalar_products_are_never_written_with_the_dot_that_plain_mode_reads_as_matmul():
    for path in sorted((COURSE / "lessons").glob("*.yaml")):
        assert "·" not in path.read_text(encoding="utf-8"), path.name
