"""A course is a value passed down: the plugin door, what an exercise lends, validate's cross-checks, notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.course import bundled_course, load_course

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_every_name_the_docs_promise_comes_through_the_plugin_door():
    import tutor.plugin as door

    for name in ("operation", "view", "setup", "step_kind", "command", "vocabulary", "expression_function", "formula",
                 "fixture", "reference", "helper", "diagnosis", "mistake", "checker", "layout", "FunctionArg",
                 "SetupKind", "Step", "StepFailed", "Option", "Argument", "TutorError"):
        assert callable(getattr(door, name)), name
    with pytest.raises(AttributeError, match="what a plugin may use"):
        door.no_such_name  # noqa: B018


def test_a_plugin_that_fails_to_import_is_one_line_naming_its_file(tmp_path):
    folder = tmp_path / "broken"
    (folder / "lessons").mkdir(parents=True)
    (folder / "course.yaml").write_text("id: broken\ntitle: B\nlessons: []\nplugin: plugin.py\n")
    (folder / "plugin.py").write_text("from tutor.plugin import operation\n\nx = 1 / 0\n")
    res = runner.invoke(app, ["ops", "--course", str(folder)])
    assert res.exit_code == 2
    assert "ZeroDivisionError" in res.stderr and f"{folder / 'plugin.py'}:3" in res.stderr
    assert "Traceback" not in res.output and len(res.stderr.strip().splitlines()) <= 3


def test_an_exercise_lends_the_courses_helpers_but_never_an_answer_built_on_it():
    from tutor.exercises.catalog import load_catalog

    catalog = load_catalog(bundled_course())
    cost = catalog["feedforward-cost"].helper_functions()
    assert "sigmoid_gradient" in cost  # written in one file with the gradient, as the original exercise does
    grad = catalog["sigmoid-gradient"].helper_functions()
    assert "sigmoid_gradient" not in grad and "sigmoid" in grad  # never its own answer
    # nothing lends the cost J that is only ever handed to a gradient checker as an argument
    assert all("network_cost" not in ex.helper_functions() for ex in catalog.values())


def test_the_whole_cost_in_one_file_may_import_the_gradient_helper(tmp_path):
    from tutor.exercises.catalog import get_exercise
    from tutor.exercises.check import check_file

    answer = tmp_path / "feedforward-cost.py"
    answer.write_text(
        "import numpy as np\nfrom tutor_helpers import sigmoid, sigmoid_gradient, reshape_params\n\n"
        "def nn_cost_function(params, layer_sizes, X, y, lam):\n"
        "    thetas = reshape_params(params, layer_sizes)\n"
        "    a = np.asarray(X, dtype=float)\n"
        "    for T in thetas:\n"
        "        a = sigmoid(np.hstack([np.ones((a.shape[0], 1)), a]) @ T.T)\n"
        "    m, K = a.shape\n"
        "    Y = np.eye(K)[np.asarray(y, dtype=int).ravel()]\n"
        "    J = -np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a)) / m\n"
        "    J += lam / (2 * m) * sum(np.sum(T[:, 1:] ** 2) for T in thetas)\n"
        "    _unused = sigmoid_gradient(0.0)  # the gradient half of the same file\n"
        "    return J, np.zeros_like(np.asarray(params, dtype=float))\n")
    result = check_file(get_exercise("feedforward-cost", bundled_course()), answer, isolation="off")
    assert result.passed, [t.message for t in result.tests]


def test_starting_a_later_exercise_does_not_hand_out_an_earlier_answer(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["exercise", "start", "backprop-gradient"]).exit_code == 0
    helpers = (tmp_path / "tutor-exercises" / "tutor_helpers.py").read_text()
    assert "def sigmoid(" in helpers  # what the stub imports still imports
    assert "s * (1" not in helpers and "pass it first" in helpers  # sigmoid_gradient is withheld, not given


def test_validate_names_an_exercise_step_whose_exercise_the_course_lacks(tmp_path):
    import shutil

    course = tmp_path / "softmax"
    shutil.copytree(REPO / "tests" / "courses" / "softmax", course)
    lesson = course / "lessons" / "scores.yaml"
    lesson.write_text(lesson.read_text().replace("exercise: softmax\n", "exercise: softmaks\n"))
    res = runner.invoke(app, ["validate", "--course", str(course)])
    assert res.exit_code == 1
    flat = "".join(res.output.split())  # the console wraps long paths anywhere
    assert "hasnoexercise'softmaks';didyoumean'softmax'?" in flat and "scores.yaml:52:5" in flat


def test_commands_suggested_to_a_learner_name_the_course_when_it_is_not_the_default(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    ref = str(REPO / "courses" / "logistic-regression")
    out = runner.invoke(app, ["exercises", "--course", ref]).output
    assert "tutor exercise start ID --course " in " ".join(out.split())
    from tutor.commands.overview import welcome

    welcome(ref)
    shown = " ".join(capsys.readouterr().out.split())
    assert "tutor exercises --course " in shown and "tutor lessons --course " in shown
    unknown = runner.invoke(app, ["check", "no-such", "--course", ref])
    assert "`tutor exercises --course " in " ".join(unknown.stderr.split())


def test_a_notebook_check_of_the_natural_answer_passes(capsys):
    """The answer written against the stub (it calls the stub's own `sigmoid` helper) passes in a notebook."""
    from tutor.notebook.checks import check

    natural = "def sigmoid_gradient(z):\n    return sigmoid(z) * (1 - sigmoid(z))\n"
    result = check("sigmoid-gradient", natural, record=False)
    assert result.passed and result.score == result.max_score


def test_two_courses_checked_in_one_process_use_their_own_exercises(tmp_path):
    from tutor.exercises.catalog import load_catalog

    softmax = load_course(REPO / "tests" / "courses" / "softmax")
    logistic = load_course(REPO / "courses" / "logistic-regression")
    assert list(load_catalog(softmax)) == ["softmax"]
    assert list(load_catalog(logistic)) == ["logistic-gradient"]
    assert "sigmoid-gradient" in load_catalog(bundled_course())
    # the softmax course's YAML mistakes are its own: no other course's catalog names them
    assert {d.id for d, _ in load_catalog(softmax)["softmax"].declared} == {
        "naive-overflow", "columns-not-rows", "half-the-chance"}
    assert load_catalog(logistic)["logistic-gradient"].declared == () or all(
        d.id not in {"naive-overflow"} for d, _ in load_catalog(logistic)["logistic-gradient"].declared)
    assert json.dumps(sorted(load_catalog(softmax)))  # plain ids, nothing else


def test_the_authoring_guide_lists_exactly_what_the_plugin_door_offers():
    import re

    import tutor.plugin as door

    guide = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    table = guide[guide.index("What the door offers"):guide.index("### Slow operations")]
    listed = {n for row in table.splitlines() if row.startswith("| `")
              for n in re.findall(r"`([A-Za-z_]+)`", row.split("|")[1])}
    assert listed == set(door.__all__)
    for name in listed:
        assert getattr(door, name) is not None


def test_the_exercise_keys_of_a_lesson_work_for_any_course(tmp_path, monkeypatch, tutor_home):
    """`w` writes and `c` checks the course's own exercise, and the check counts under that course."""
    from tutor.lessons.environment import build_environment
    from tutor.lessons.loader import find_lesson
    from tutor.lessons.runner import Session, play
    from tutor.lessons.ui import RecordingUI

    monkeypatch.chdir(tmp_path)
    course = load_course(REPO / "tests" / "courses" / "softmax")
    lesson = find_lesson("scores", course)
    last = len(lesson.steps) - 1
    assert lesson.steps[last].kind == "exercise"
    ui = RecordingUI(keys=["w", "c", "q"], width=100)
    session = Session(lesson, build_environment(lesson), ui)
    play(session, last)
    stub = tmp_path / "tutor-exercises" / "softmax.py"
    assert stub.is_file() and "def softmax(Z):" in stub.read_text()
    text = " ".join(ui.text().split())
    assert "not available here" not in text and "softmax" in text and "0/5" in text
    saved = json.loads((tutor_home / "progress.json").read_text())["exercises"]
    assert saved["softmax-regression/softmax"]["checks"] == 1 and "softmax" not in saved
