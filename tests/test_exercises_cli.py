"""The exercise commands end to end: list, start, check (formats, exit codes), hint, solution, watch."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.cli import app

RIGHT = "import numpy as np\ndef sigmoid_gradient(z):\n    s = 1 / (1 + np.exp(-np.asarray(z, float)))\n    return s * (1 - s)\n"
WRONG = "import numpy as np\ndef sigmoid_gradient(z):\n    return 1 / (1 + np.exp(-np.asarray(z, float)))\n"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, list(args))

    return invoke


def test_start_writes_a_stub_that_fails_and_never_overwrites_silently(cli, tmp_path):
    r = cli("exercise", "start", "sigmoid-gradient")
    assert r.exit_code == 0, r.output
    stub = tmp_path / "tutor-exercises" / "sigmoid-gradient.py"
    text = stub.read_text()
    assert "def sigmoid_gradient(z):" in text and "NotImplementedError" in text and "same shape as z" in text
    stub.write_text(RIGHT)
    r = cli("exercise", "start", "sigmoid-gradient")  # no terminal: refuse, keep the work
    assert r.exit_code == 2 and "--force" in r.output
    assert stub.read_text() == RIGHT
    assert cli("exercise", "start", "sigmoid-gradient", "--force").exit_code == 0
    assert "NotImplementedError" in stub.read_text()


def test_check_exit_codes_and_status_list(cli, tmp_path):
    cli("exercise", "start", "sigmoid-gradient")
    r = cli("check", "sigmoid-gradient")
    assert r.exit_code == 1 and "not written yet" in r.output and "Score 0/6" in r.output
    r = cli("exercises")
    assert "failing" in r.output
    (tmp_path / "tutor-exercises" / "sigmoid-gradient.py").write_text(RIGHT)
    r = cli("check")  # no id: every started exercise in ./tutor-exercises
    assert r.exit_code == 0, r.output
    assert "All tests passed: 6/6" in r.output
    r = cli("exercises")
    row = next(line for line in r.output.splitlines() if "sigmoid-gradient" in line)
    assert "passed" in row and "6/6" in row
    assert cli("check", "no-such-exercise").exit_code == 2
    assert cli("check", "predict").exit_code == 2  # not started: no file


def test_check_json_has_exactly_the_documented_keys(cli, tmp_path):
    f = tmp_path / "mine.py"
    f.write_text(WRONG)
    r = cli("check", "sigmoid-gradient", "--file", str(f), "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert set(doc) == {"passed", "score", "max_score", "isolated", "tests", "diagnoses", "bounds"}
    assert doc["isolated"] is True  # json defaults to --isolation strict: it ran under bubblewrap
    assert doc["bounds"] == "bounds: 1 process, 64 threads, 2048 MB, 64 MB of files, 10 s, 1 MB of output"
    assert doc["passed"] is False and doc["score"] == 0 and doc["max_score"] == 6
    assert all(set(t) == {"name", "passed", "message"} for t in doc["tests"])
    assert [d["id"] for d in doc["diagnoses"]] == ["sigmoid-instead-of-gradient"]
    assert set(doc["diagnoses"][0]) == {"id", "message"}


def test_check_gradescope_writes_results_json(cli, tmp_path):
    f = tmp_path / "sigmoid-gradient.py"
    f.write_text(RIGHT.replace("return s * (1 - s)", "return s * (1 - s) if np.ndim(z) else s"))
    out = tmp_path / "out" / "results.json"
    out.parent.mkdir()
    r = cli("check", "--file", str(f), "--format", "gradescope", "--output", str(out))
    assert r.exit_code == 1
    doc = json.loads(out.read_text())
    assert {"score", "max_score", "tests"} <= set(doc)
    assert doc["max_score"] == 6 and doc["score"] == 5  # only the z = 0 scalar test fails
    for t in doc["tests"]:
        assert set(t) == {"name", "score", "max_score", "status", "output", "visibility"}
        assert t["status"] in ("passed", "failed") and t["visibility"] in ("visible", "hidden")
    assert [t["visibility"] for t in doc["tests"]].count("hidden") == 1
    assert [t["status"] for t in doc["tests"]] == ["passed", "failed", "passed", "passed"]


def test_hints_advance_and_are_remembered(cli):
    first = cli("hint", "sigmoid-gradient").output
    assert "Hint 1/3" in first and "Hint 2/3" not in first
    second = cli("hint", "sigmoid-gradient").output
    assert "Hint 2/3" in second
    cli("hint", "sigmoid-gradient")
    last = cli("hint", "sigmoid-gradient").output
    assert "Hint 3/3" in last and "last hint" in last


def test_solution_only_after_passing_or_for_instructors(cli, tmp_path, monkeypatch):
    import hashlib
    import shutil

    from tutor.base.paths import exercises_dir

    r = cli("solution", "sigmoid-gradient")
    assert r.exit_code == 1 and "opens once your code passes" in r.output
    # --instructor alone is not enough: the bundled course ships no instructor key hash
    r = cli("solution", "sigmoid-gradient", "--instructor")
    assert r.exit_code == 1 and "no instructor key" in r.output and "def sigmoid_gradient" not in r.output
    # A course whose exercises folder lists the hash of the instructor's key file
    import dataclasses

    from tutor.course import bundled_course

    course = tmp_path / "course" / "exercises"
    shutil.copytree(exercises_dir(), course)
    copy = dataclasses.replace(bundled_course(), root=tmp_path / "course")
    key = tmp_path / "instructor.key"
    key.write_bytes(b"a secret only the instructor has\n")
    (course / "instructor.sha256").write_text(hashlib.sha256(key.read_bytes()).hexdigest() + "  instructor.key\n")
    import tutor.commands.exercises as commands

    real_use = commands._use
    monkeypatch.setattr(commands, "_use", lambda ref: commands.Using(copy, ""))
    wrong = tmp_path / "guess.key"
    wrong.write_bytes(b"a guess\n")
    r = cli("solution", "sigmoid-gradient", "--instructor", "--key", str(wrong))
    assert r.exit_code == 1 and "is not this course's instructor key" in r.output
    r = cli("solution", "sigmoid-gradient", "--instructor", "--key", str(key))
    assert r.exit_code == 0 and "def sigmoid_gradient" in r.output
    monkeypatch.setattr(commands, "_use", real_use)
    f = tmp_path / "a.py"
    f.write_text(RIGHT)
    assert cli("check", "sigmoid-gradient", "--file", str(f)).exit_code == 0
    r = cli("solution", "sigmoid-gradient")
    assert r.exit_code == 0 and "s * (1.0 - s)" in r.output


@pytest.mark.parametrize("poll", ["0", "1"], ids=["watchfiles", "polling"])
def test_watch_rechecks_on_save_and_ctrl_c_exits_cleanly(tmp_path, poll):
    pexpect = pytest.importorskip("pexpect")
    if sys.platform == "win32":
        pytest.skip("pexpect needs a POSIX terminal")
    f = tmp_path / "sigmoid-gradient.py"
    f.write_text(WRONG)
    tutor = Path(sys.executable).parent / "tutor"
    env = {**os.environ, "TUTOR_WATCH_POLL": poll, "COLUMNS": "100", "NO_COLOR": "1"}
    child = pexpect.spawn(str(tutor), ["check", "sigmoid-gradient", "--file", str(f), "--watch"],
                          env=env, cwd=str(tmp_path), timeout=30, encoding="utf-8")
    try:
        child.expect("Score 0/6")
        child.expect("Watching")
        time.sleep(0.5)
        f.write_text(RIGHT)
        child.expect("All tests passed: 6/6")
        child.expect("Watching")
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, (child.exitstatus, child.signalstatus)
