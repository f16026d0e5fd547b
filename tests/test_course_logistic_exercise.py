"""The second course's self-check exercise, graded by the same checker through `--course`.

The course has no plugin: its reference is `references.py:logistic_gradient`,
a file beside the exercise YAML. These tests start, check, hint and list the
exercise as a learner of that course would, and check that its progress is
kept apart from the bundled course's.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tutor.cli import app

COURSE = Path(__file__).resolve().parent.parent / "courses" / "logistic-regression"

RIGHT = """import numpy as np
def logistic_gradient(w, X, y):
    h = 1 / (1 + np.exp(-(X @ w)))
    return X.T @ (h - y) / len(y)
"""
# A common slip: the errors the wrong way round (y - h), the gradient of ascent.
SIGN_FLIPPED = """import numpy as np
def logistic_gradient(w, X, y):
    h = 1 / (1 + np.exp(-(X @ w)))
    return X.T @ (y - h) / len(y)
"""


# Other slips the lesson names, each a function a learner could plausibly write.
NO_MEAN = """import numpy as np
def logistic_gradient(w, X, y):
    h = 1 / (1 + np.exp(-(X @ w)))
    return X.T @ (h - y)
"""
SQUARED_ERROR = """import numpy as np
def logistic_gradient(w, X, y):
    h = 1 / (1 + np.exp(-(X @ w)))
    return X.T @ ((h - y) * h * (1 - h)) / len(y)
"""
NO_SIGMOID = """import numpy as np
def logistic_gradient(w, X, y):
    return X.T @ (X @ w - y) / len(y)
"""
NO_TRANSPOSE = """import numpy as np
def logistic_gradient(w, X, y):
    h = 1 / (1 + np.exp(-(X @ w)))
    return X @ (h - y) / len(y)
"""
# Two slips at once: none of the exercise's own mistakes reproduces it, so none of them is named.
SIGN_AND_SUM = """import numpy as np
def logistic_gradient(w, X, y):
    h = 1 / (1 + np.exp(-(X @ w)))
    return X.T @ (y - h)
"""
# slip -> (learner file, the mistake the check must name; None: none may be named)
SLIPS = {
    "sign flipped": (SIGN_FLIPPED, "error-sign-flipped"),
    "no mean": (NO_MEAN, "gradient-not-averaged"),
    "squared error": (SQUARED_ERROR, "sigmoid-slope-kept"),
    "no sigmoid": (NO_SIGMOID, "scores-not-chances"),
    "no transpose": (NO_TRANSPOSE, "transpose-missing"),
    "two slips": (SIGN_AND_SUM, None),
}


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def _independent_gradient(w, X, y):
    # written out term by term, not with the reference's matrix product
    m, n = X.shape
    out = np.zeros(n)
    for i in range(m):
        h = 1.0 / (1.0 + np.exp(-sum(w[j] * X[i, j] for j in range(n))))
        out += (h - y[i]) * X[i]
    return out / m


def _references():
    import importlib.util

    spec = importlib.util.spec_from_file_location("lr_refs", COURSE / "exercises" / "references.py")
    refs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(refs)
    return refs


def test_reference_file_agrees_with_a_term_by_term_gradient():
    refs = _references()
    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(7), rng.normal(size=(7, 2))])
    y = (rng.random(7) > 0.5).astype(float)
    w = rng.normal(size=3)
    assert np.allclose(refs.logistic_gradient(w, X, y), _independent_gradient(w, X, y), rtol=1e-12)


def test_start_check_and_progress_of_the_second_course(cli, tmp_path, tutor_home):
    r = cli("exercise", "start", "logistic-gradient", "--course", str(COURSE))
    assert r.exit_code == 0, r.output
    stub = tmp_path / "tutor-exercises" / "logistic-gradient.py"
    assert "def logistic_gradient(w, X, y):" in stub.read_text()
    assert "--course" in stub.read_text()  # the commands it suggests name the course

    stub.write_text(SIGN_FLIPPED)
    r = cli("check", "logistic-gradient", "--course", str(COURSE), "--format", "json", "--isolation", "auto")
    assert r.exit_code == 1, r.output
    failed = json.loads(r.output)
    assert failed["score"] == 0 and failed["max_score"] == 5

    stub.write_text(RIGHT)
    r = cli("check", "logistic-gradient", "--course", str(COURSE), "--format", "json", "--isolation", "auto")
    assert r.exit_code == 0, r.output
    passed = json.loads(r.output)
    assert passed["score"] == passed["max_score"] == 5
    hidden = passed["tests"][2]  # "one feature, five students" is hidden: its name and verdict only
    assert hidden == {"name": "one feature, five students", "passed": True, "message": "passed."}

    # progress is keyed by course: the bundled course sees nothing of it
    doc = json.loads((tutor_home / "progress.json").read_text())
    assert doc["exercises"]["logistic-regression/logistic-gradient"]["passed"] is True
    assert "logistic-gradient" not in doc["exercises"]
    listed = cli("exercises", "--course", str(COURSE))
    assert "passed" in listed.output and "5/5" in listed.output
    bundled = cli("exercises")
    assert "logistic-gradient" not in bundled.output

    # the solution opens once passed, from the course's own reference file
    r = cli("solution", "logistic-gradient", "--course", str(COURSE))
    assert r.exit_code == 0 and "X.T @ (h - y)" in r.output


def test_an_unknown_course_is_one_line(cli):
    r = cli("exercises", "--course", "no-such-course")
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "no-such-course" in r.output


def _exercise_yaml():
    import yaml

    return yaml.safe_load((COURSE / "exercises" / "logistic-gradient.yaml").read_text(encoding="utf-8"))


def test_the_hints_and_the_docstring_state_the_contract_not_the_code():
    doc = _exercise_yaml()
    for text in list(doc["hints"]) + [doc["docstring"], doc["summary"]]:
        assert "X.T" not in text and "return" not in text and "@" not in text, text
    # the last hint points at shapes and the division, without the expression
    assert "transpose" in doc["hints"][-1] and "(h - y)" not in doc["hints"][-1]


@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_every_slip_the_lesson_names_fails_and_is_named_by_the_exercise_file(cli, tmp_path, tutor_home, slip):
    source, named = SLIPS[slip]
    r = cli("exercise", "start", "logistic-gradient", "--course", str(COURSE))
    assert r.exit_code == 0, r.output
    (tmp_path / "tutor-exercises" / "logistic-gradient.py").write_text(source)
    r = cli("check", "logistic-gradient", "--course", str(COURSE), "--format", "json", "--isolation", "auto")
    assert r.exit_code == 1, r.output
    report = json.loads(r.output)
    visible = [t for t in report["tests"] if t["name"] != "one feature, five students"]
    assert report["score"] < report["max_score"] and not all(t["passed"] for t in visible)
    ids = [d["id"] for d in report["diagnoses"]]
    if named:
        assert ids == [named], report["diagnoses"]
    else:  # none of this exercise's own mistakes; the engine's generic ones may describe the parts
        declared = {d["id"] for d in _exercise_yaml()["diagnoses"]}
        assert not declared & set(ids), report["diagnoses"]
    if named:  # and in the words the exercise file gives it, as a learner reads them
        r = cli("check", "logistic-gradient", "--course", str(COURSE), "--isolation", "auto")
        title = next(d["title"] for d in _exercise_yaml()["diagnoses"] if d["id"] == named)
        assert title in " ".join(r.output.split())


def test_the_reference_passes_its_own_tests_and_names_no_mistake(cli, tmp_path, tutor_home):
    import inspect

    refs = _references()
    cli("exercise", "start", "logistic-gradient", "--course", str(COURSE))
    (tmp_path / "tutor-exercises" / "logistic-gradient.py").write_text(
        "import numpy as np\n\n\n" + inspect.getsource(refs.logistic_gradient))
    r = cli("check", "logistic-gradient", "--course", str(COURSE), "--format", "json", "--isolation", "auto")
    report = json.loads(r.output)
    assert r.exit_code == 0 and report["score"] == report["max_score"] == 5 and report["diagnoses"] == []


def test_each_wrong_version_differs_from_the_reference_on_the_visible_tests():
    refs = _references()
    doc = _exercise_yaml()
    X = np.array([[1, 1, 2], [1, 3, 1], [1, 0, 0], [1, 2, 2]], dtype=float)
    y = np.array([0, 1, 0, 1], dtype=float)
    w = np.array([-1, 0.5, 0.25])
    right = _independent_gradient(w, X, y)
    for d in doc["diagnoses"]:
        if "variant" in d:
            fn = getattr(refs, d["variant"].split(":")[1])
            try:
                wrong = fn(w, X, y)
            except ValueError:
                continue  # a shape error: named by the same error
            assert not np.allclose(wrong, right), d["id"]
