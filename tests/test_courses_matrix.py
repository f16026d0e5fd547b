"""Every door works for every course: the bundled one, logistic regression, one made by `tutor new course`,
and a test-only course whose exercise's named mistakes are declared in YAML alone (tests/courses/softmax).

Each command a learner, an author, an instructor or a grader types is run over each course through the
CLI, and its output is checked for that course's own lessons, exercises and progress keys.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.cli import app

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()

# A right and a wrong answer for each course's first exercise (None: the course has no exercise).
ANSWERS = {
    "backprop": ("sigmoid-gradient",
                 "import numpy as np\nfrom tutor_helpers import sigmoid\n\n"
                 "def sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n",
                 "import numpy as np\nfrom tutor_helpers import sigmoid\n\n"
                 "def sigmoid_gradient(z):\n    return sigmoid(z)\n"),
    "logistic-regression": ("logistic-gradient",
                            "import numpy as np\n\ndef logistic_gradient(w, X, y):\n"
                            "    h = 1 / (1 + np.exp(-(X @ w)))\n    return X.T @ (h - y) / len(y)\n",
                            "import numpy as np\n\ndef logistic_gradient(w, X, y):\n"
                            "    h = 1 / (1 + np.exp(-(X @ w)))\n    return X.T @ (y - h) / len(y)\n"),
    "softmax-regression": ("softmax",
                           "import numpy as np\n\ndef softmax(Z):\n    Z = np.asarray(Z, dtype=float)\n"
                           "    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n    return E / E.sum(axis=1, keepdims=True)\n",
                           "import numpy as np\n\ndef softmax(Z):\n    E = np.exp(np.asarray(Z, dtype=float))\n"
                           "    return E / E.sum(axis=1, keepdims=True)\n"),
    "made-here": None,
}


@pytest.fixture(scope="module")
def made_course(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("new") / "made-here"
    res = runner.invoke(app, ["new", "course", str(folder)])
    assert res.exit_code == 0, res.output
    return folder


@pytest.fixture(params=["backprop", "logistic-regression", "softmax-regression", "made-here"])
def course(request, made_course):
    """(course id, the --course value, its first lesson)."""
    ref = {"backprop": "backprop", "logistic-regression": str(REPO / "courses" / "logistic-regression"),
           "softmax-regression": str(REPO / "tests" / "courses" / "softmax"), "made-here": str(made_course)}[request.param]
    res = runner.invoke(app, ["lessons", "--course", ref, "--json"])
    assert res.exit_code == 0, res.output
    lessons = json.loads(res.output)
    rows = lessons["lessons"] if isinstance(lessons, dict) else lessons
    return request.param, ref, rows[0]["id"]


def cli(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


def test_validate_and_ops(course):
    cid, ref, _ = course
    res = cli("validate", "--course", ref)
    assert res.exit_code == 0 and "All valid." in res.output, res.output
    ops = json.loads(cli("ops", "--course", ref, "--json").output)
    engine_only = json.loads(cli("ops", "--course", str(REPO / "tests" / "courses" / "softmax"), "--json").output)
    if cid == "backprop":  # its plugin's operations are there, and only for it
        assert "forward" in ops["operations"] and set(engine_only["operations"]) < set(ops["operations"])
    else:
        assert set(ops["operations"]) == set(engine_only["operations"])


def test_learn_and_demo_run_the_courses_own_lesson(course):
    cid, ref, first = course
    title = json.loads(cli("lessons", "--course", ref, "--json").output)
    rows = title["lessons"] if isinstance(title, dict) else title
    res = cli("learn", first, "--course", ref, "--plain", input="\n" * 3 + "q\n")
    assert res.exit_code == 0, res.output
    assert "Step 1 of" in res.output and rows[0]["title"] in res.output and "Traceback" not in res.output
    res = cli("demo", first, "--course", ref, "--plain", "--auto", "0", input="q\n")
    assert res.exit_code == 0 and "Step 1 of" in res.output, res.output


@pytest.mark.parametrize("fmt", ["html", "md", "txt", "svg", "ipynb"])
def test_export_every_format(course, fmt, tmp_path):
    cid, ref, first = course
    out = tmp_path / "nb" / f"{first}.{fmt}"
    out.parent.mkdir()
    res = cli("export", first, "--course", ref, "-f", fmt, "-o", out)
    assert res.exit_code == 0, res.output
    text = out.read_text()
    if fmt == "svg":
        assert text.startswith("<svg") and "Step" in text
    elif fmt != "ipynb":
        assert "Step 1 of" in text
    if fmt == "ipynb":
        nb = json.loads(text)
        assert nb["metadata"]["tutor"]["course"] == cid
        setup = "".join(nb["cells"][1]["source"])
        if cid == "backprop":
            assert "course=" not in setup
        else:  # the course is named by its folder relative to the notebook: it works wherever both are copied
            import os

            rel = os.path.relpath(Path(ref).resolve(), out.parent.resolve())
            assert f"course={rel!r}" in setup and not rel.startswith("/")
            assert (out.parent / rel).resolve() == Path(ref).resolve()


def test_exercises_start_check_hint_solution(course, tmp_path, monkeypatch, tutor_home):
    cid, ref, _ = course
    monkeypatch.chdir(tmp_path)
    listed = cli("exercises", "--course", ref)
    assert listed.exit_code == 0, listed.output
    if ANSWERS[cid] is None:
        assert "Start one with" not in listed.output or "exercise" in listed.output.lower()
        return
    ex_id, right, wrong = ANSWERS[cid]
    assert ex_id in listed.output
    flag = "" if cid == "backprop" else " --course "
    assert (flag in listed.output) if flag else "--course" not in listed.output
    start = cli("exercise", "start", ex_id, "--course", ref)
    assert start.exit_code == 0, start.output
    stub = tmp_path / "tutor-exercises" / f"{ex_id}.py"
    assert stub.is_file()
    assert cli("check", ex_id, "--course", ref, "--isolation", "off").exit_code == 1
    stub.write_text(wrong)
    res = cli("check", ex_id, "--course", ref, "--isolation", "off")
    assert res.exit_code == 1 and "Likely mistake" in res.output, res.output  # a named mistake, for every course
    assert cli("hint", ex_id, "--course", ref).exit_code == 0
    assert cli("solution", ex_id, "--course", ref).exit_code == 1  # not before passing
    stub.write_text(right)
    res = cli("check", ex_id, "--course", ref, "--isolation", "off")
    assert res.exit_code == 0, res.output
    saved = json.loads((tutor_home / "progress.json").read_text())["exercises"]
    key = ex_id if cid == "backprop" else f"{cid}/{ex_id}"
    assert saved[key]["passed"] is True
    assert cli("solution", ex_id, "--course", ref).exit_code == 0


def test_grade_a_class(course, tmp_path):
    cid, ref, _ = course
    if ANSWERS[cid] is None:
        return
    ex_id, right, wrong = ANSWERS[cid]
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "ada.py").write_text(right)
    (klass / "bob.py").write_text(wrong)
    out = tmp_path / "grades"
    res = cli("grade", klass, "--course", ref, "-e", ex_id, "--isolation", "off", "-o", out, "-j", "1")
    assert res.exit_code == 0, res.output
    with open(out / "gradebook.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"ada", "bob"}
    score = next(k for k in rows["ada"] if k.startswith(ex_id) or k == "score" or k == "total")
    assert float(rows["ada"][score]) > float(rows["bob"][score])


def test_the_softmax_courses_yaml_mistakes_are_named(tmp_path, monkeypatch):
    """Mistakes declared in the exercise file only: a wrong version beside it, and a recipe."""
    ref = str(REPO / "tests" / "courses" / "softmax")
    monkeypatch.chdir(tmp_path)
    assert cli("exercise", "start", "softmax", "--course", ref).exit_code == 0
    stub = tmp_path / "tutor-exercises" / "softmax.py"
    cases = {
        "naive-overflow": "import numpy as np\ndef softmax(Z):\n    E = np.exp(Z)\n    return E / E.sum(axis=1, keepdims=True)\n",
        "columns-not-rows": ("import numpy as np\ndef softmax(Z):\n    E = np.exp(Z - Z.max(axis=0, keepdims=True))\n"
                             "    return E / E.sum(axis=0, keepdims=True)\n"),
        "half-the-chance": ("import numpy as np\ndef softmax(Z):\n    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
                            "    return 0.5 * E / E.sum(axis=1, keepdims=True)\n"),
    }
    for expected, source in cases.items():
        stub.write_text(source)
        res = cli("check", "softmax", "--course", ref, "--isolation", "off", "--format", "json")
        doc = json.loads(res.stdout)
        assert [d["id"] for d in doc["diagnoses"]] == [expected], (expected, doc["diagnoses"])


def test_the_autograder_of_a_course_found_by_its_folder_carries_it_and_grades_on_its_own(tmp_path):
    """A course given by its folder travels inside the zip (`course/`): the zip grades without that folder."""
    import zipfile

    ref = str(REPO / "tests" / "courses" / "softmax")
    archive = tmp_path / "ag.zip"
    res = cli("autograder", "build", "softmax", "--course", ref, "-o", archive)
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        config = json.loads(z.read("autograder.json"))
    assert {"course/course.yaml", "course/exercises/softmax.yaml", "course/exercises/references.py"} <= names
    assert config["course"] == "course" and config["course_id"] == "softmax-regression"
    assert not any("__pycache__" in n for n in names)
    _, right, wrong = ANSWERS["softmax-regression"]
    for source, score in ((right, "5/5"), (wrong, "3/5")):
        sub = tmp_path / "softmax.py"
        sub.write_text(source)
        res = cli("autograder", "test", archive, sub)
        assert res.exit_code == 0, res.output
        assert f"Score {score}" in res.output, res.output
