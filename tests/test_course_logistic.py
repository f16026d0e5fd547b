"""The second course, courses/logistic-regression: every step headless, every number
and figure against an independent numpy computation, and the commands with --course."""

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
runner = CliRunner()


def _data():
    rows = np.loadtxt(COURSE / "data" / "students.csv", delimiter=",", skiprows=1)
    return rows[:, :2], rows[:, 2]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _descend(X, y, w, alpha, iterations):
    """Plain numpy gradient descent: the weights after each step and the cost before each and after the last."""
    costs = []
    for k in range(iterations + 1):
        h = _sigmoid(X @ w)
        costs.append(-np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)))
        if k == iterations:
            break
        w = w - alpha * X.T @ (h - y) / y.size
    return w, np.array(costs)


def _run(lesson_id, **kw):
    course = resolve_course(str(COURSE))
    lesson = find_lesson(lesson_id, course)
    console = Console(file=io.StringIO(), width=100, color_system=None)
    session = render_lesson(lesson, console, answers=True, **kw)
    return session, console.file.getvalue()


def _of_type(session, name):
    return [r for out in session.outputs for r in out if type(r).__name__ == name]


def test_the_course_is_found_by_folder_and_lists_its_lessons_in_order():
    course = resolve_course(str(COURSE))
    assert course.id == "logistic-regression" and not course.bundled and course.plugin is None
    assert course.lessons == ("data-and-model", "cost-and-gradient", "gradient-descent", "accuracy-and-boundary")
    assert course.exercises == ("logistic-gradient",)


@pytest.mark.parametrize("lesson_id", ["data-and-model", "cost-and-gradient", "gradient-descent",
                                       "accuracy-and-boundary"])
def test_every_step_runs_headless_without_a_problem(lesson_id):
    session, text = _run(lesson_id)
    assert session.problems == {}, session.describe_problems()
    assert f"Step {session.N} of {session.N}" in text
    assert "could not run" not in text


def test_data_and_model_reads_the_csv_and_starts_at_one_half():
    features, y = _data()
    session, _ = _run("data-and-model")
    v = session.ctx.values
    assert np.array_equal(v["features"], features) and np.array_equal(v["y"], y)
    assert np.array_equal(v["X"], np.column_stack([np.ones(len(y)), features]))
    assert v["m"] == 100 and v["pass_rate"] == pytest.approx(y.mean())
    assert np.all(v["h"] == 0.5)


def test_cost_gradient_and_the_gradient_check_match_numpy():
    features, y = _data()
    X = np.column_stack([np.ones(len(y)), features])
    w = np.array([-3.0, 0.5, 0.5])
    h = _sigmoid(X @ w)
    J = -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))
    grad = X.T @ (h - y) / len(y)
    session, text = _run("cost-and-gradient")
    v = session.ctx.values
    assert v["J"] == pytest.approx(J, abs=1e-12) and v["J_check"] == pytest.approx(J, abs=1e-12)
    assert np.allclose(v["grad"], grad, atol=1e-14)
    # the numerical gradient, by central differences of the numpy cost
    eps = 1e-5
    num = np.zeros(3)
    for i in range(3):
        e = np.zeros(3)
        e[i] = eps
        Jp = -np.mean(y * np.log(_sigmoid(X @ (w + e))) + (1 - y) * np.log(1 - _sigmoid(X @ (w + e))))
        Jm = -np.mean(y * np.log(_sigmoid(X @ (w - e))) + (1 - y) * np.log(1 - _sigmoid(X @ (w - e))))
        num[i] = (Jp - Jm) / (2 * eps)
    assert np.allclose(v["numerical_gradient"], num, rtol=1e-9, atol=1e-13)
    assert v["numerical_gradient_difference"] < 1e-9
    # the nudged weights did not leak into the steps after the check
    assert np.array_equal(v["w"], w)
    table = _of_type(session, "GradientComparison")[0]
    assert np.allclose(table.analytical, grad) and table.verdict == "pass"


def test_gradient_descent_matches_numpy_step_for_step():
    features, y = _data()
    X = np.column_stack([np.ones(len(y)), features])
    w, costs = _descend(X, y, np.zeros(3), 0.2, 1000)
    session, text = _run("gradient-descent")
    v = session.ctx.values
    assert np.allclose(v["w"], w, rtol=1e-10, atol=1e-12)
    assert np.allclose(v["J_trace"], costs, rtol=1e-12)
    assert v["J_trace"].size == 1001 and v["J_trace"][0] == pytest.approx(np.log(2))
    curve = _of_type(session, "CostCurve")[0]
    assert np.allclose(curve.costs, costs)
    assert f"{costs[-1]:.6g} after 1000 rounds" in text


def test_set_changes_the_learning_rate_and_the_run_follows():
    features, y = _data()
    X = np.column_stack([np.ones(len(y)), features])
    w, costs = _descend(X, y, np.zeros(3), 0.05, 30)
    session, text = _run("gradient-descent", settings={"alpha": "0.05", "iterations": "30"})
    assert np.allclose(session.ctx.values["w"], w, rtol=1e-10)
    assert np.allclose(session.ctx.values["J_trace"], costs)


def test_accuracy_and_the_decision_regions_match_numpy():
    features, y = _data()
    X = np.column_stack([np.ones(len(y)), features])
    w, _ = _descend(X, y, np.zeros(3), 0.2, 1000)
    p = (_sigmoid(X @ w) >= 0.5).astype(float)
    session, text = _run("accuracy-and-boundary")
    v = session.ctx.values
    assert np.array_equal(v["p"], p)
    assert v["acc"] == pytest.approx(np.mean(p == y)) and v["acc"] >= 0.8
    assert v["n_wrong"] == np.sum(p != y) and v["n_right"] == np.sum(p == y)
    # the regions figure: the model's answer on a 40 x 80 grid around the data
    lo, hi = features.min(axis=0) - 0.5, features.max(axis=0) + 0.5
    xs, ys = np.linspace(lo[0], hi[0], 80), np.linspace(lo[1], hi[1], 40)
    gx, gy = np.meshgrid(xs, ys)
    expected = (_sigmoid(w[0] + w[1] * gx + w[2] * gy) >= 0.5).astype(int)
    figure = _of_type(session, "DecisionBoundary")[0]
    assert np.allclose(figure.xs, xs) and np.allclose(figure.ys, ys)
    assert np.array_equal(figure.classes, expected)
    assert np.array_equal(figure.X, features) and np.array_equal(figure.y, y.astype(int))
    # the boundary is the line w0 + w1 x1 + w2 x2 = 0: both classes appear on the grid
    assert 0 < expected.mean() < 1


def _invoke(*args, env=None):
    return runner.invoke(app, list(args), catch_exceptions=False, env=env)


def test_validate_course_checks_every_lesson():
    res = _invoke("validate", "--course", str(COURSE), env={"COLUMNS": "300"})  # a long checkout path must not wrap
    lines = res.output
    for lesson_id in ("data-and-model", "cost-and-gradient", "gradient-descent", "accuracy-and-boundary"):
        assert re.search(rf"ok\s+\S*{lesson_id}\.yaml", " ".join(lines.split())), lines
    assert "course.yaml" in lines


def test_learn_demo_export_and_lessons_take_course(tmp_path):
    res = _invoke("learn", "data-and-model", "--course", str(COURSE))
    assert res.exit_code == 0 and "Step 15 of 15" in res.output and "m = 100 students" in res.output
    res = _invoke("demo", "cost-and-gradient", "--course", str(COURSE), "--from", "quiz-cost")
    assert res.exit_code == 0 and "Answer: 0.693" in res.output
    res = _invoke("demo", "gradient-descent", "--course", str(COURSE), "--from", "quiz-direction", "--set",
                  "iterations=2")
    assert "Answer: 1) Larger" in res.output  # subtracting a negative gradient entry raises the weight
    features, y = _data()
    assert features[:, 0] @ (0.5 - y) < 0  # and the practice entry of the gradient at w = 0 is negative
    out = tmp_path / "h.md"
    res = _invoke("export", "--all", "--course", str(COURSE), "-f", "md", "-o", str(out))
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "Logistic regression, from data to decision boundary" in text and "Accuracy" in text
    res = _invoke("lessons", "--json", "--course", str(COURSE))
    ids = [r["id"] for r in json.loads(res.output)["lessons"]]
    assert ids == ["data-and-model", "cost-and-gradient", "gradient-descent", "accuracy-and-boundary"]


def test_tutor_course_variable_makes_it_the_default(monkeypatch):
    res = _invoke("lessons", "--json", env={"TUTOR_COURSE": str(COURSE)})
    assert [r["id"] for r in json.loads(res.output)["lessons"]][0] == "data-and-model"
    res = _invoke("learn", "gradient-descent", "--set", "iterations=3", env={"TUTOR_COURSE": str(COURSE)})
    assert res.exit_code == 0 and "after 3 rounds" in res.output


def test_the_network_files_are_refused_with_one_line():
    res = runner.invoke(app, ["learn", "data-and-model", "--course", str(COURSE), "--weights", "w.npz"])
    assert res.exit_code == 2 and res.stderr.startswith("error: ") and "--weights" in res.stderr
    assert "Traceback" not in res.output
