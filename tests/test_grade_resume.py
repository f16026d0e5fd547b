"""Resuming: a rerun re-checks only what changed (counted), and Ctrl-C in a real terminal keeps what was graded."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.course import bundled_course
from tutor.exercises.catalog import load_catalog
from tutor.grading import checker
from tutor.grading.discover import discover
from tutor.grading.run import grade_all
from tutor.grading.synthetic import EXERCISE, SOURCES, write_student

REPO = Path(__file__).resolve().parent.parent


class Counting:
    """The adapter, counting which files it was asked to check."""

    def __init__(self):
        self.files: list[str] = []

    def __call__(self, exercise, path, **kw):
        self.files.append(kw["display"])
        return checker.grade_one(exercise, path, **kw)


def _run(folder: Path, out: Path, **kw):
    catalog = load_catalog(bundled_course())
    counting = Counting()
    run = grade_all(discover(folder, catalog, [EXERCISE]), catalog, out=out, jobs=2, grade=counting, **kw)
    return run, counting.files


def test_a_rerun_checks_only_the_files_whose_content_changed(tmp_path):
    folder, out = tmp_path / "class", tmp_path / "out"
    for student, kind in (("ann", "right"), ("bob", "sigmoid"), ("cy", "stub"), ("dee", "right-in-folder")):
        write_student(folder, student, kind)
    first, files = _run(folder, out)
    assert sorted(files) == ["ann.py", "bob.py", "cy.py", "dee/sigmoid_gradient.py"] and first.checked == 4

    again, files = _run(folder, out)
    assert files == [] and again.reused == 4
    assert [r["score"] for r in again.records] == [r["score"] for r in first.records]

    (folder / "bob.py").write_text(SOURCES["right"])  # bob fixed his file
    (folder / "cy.py").touch()  # a new modification time, the same bytes: not re-checked
    (folder / "dee" / "helpers.py").write_text("from tutor_helpers import sigmoid\n\ndef both(z):\n    return 0, 0\n")
    write_student(folder, "eve", "a-formula-on-z")  # a late submission
    third, files = _run(folder, out)
    assert sorted(files) == ["bob.py", "dee/sigmoid_gradient.py", "eve.py"]  # a changed helper counts
    scores = {r["student"]: r["score"] for r in third.records}
    assert scores == {"ann": 6, "bob": 6, "cy": 0, "dee": 0, "eve": 0}

    _, files = _run(folder, out, timeout=5)  # other limits: other results possible, so all again
    assert len(files) == 5


def test_the_cli_says_how_many_were_checked_and_how_many_reused(tmp_path):
    folder, out = tmp_path / "class", tmp_path / "out"
    for student, kind in (("ann", "right"), ("bob", "sigmoid")):
        write_student(folder, student, kind)
    runner = CliRunner()
    r = runner.invoke(app, ["grade", str(folder), "-o", str(out)])
    assert r.exit_code == 0 and "(2 checked, 0 unchanged" in r.stdout
    write_student(folder, "bob", "right")
    r = runner.invoke(app, ["grade", str(folder), "-o", str(out)])
    assert r.exit_code == 0 and "(1 checked, 1 unchanged" in r.stdout
    assert "bob,sigmoid-gradient,6,6,yes" in (out / "gradebook.csv").read_text()
    # An output folder inside the class is not read as a student.
    r = runner.invoke(app, ["grade", str(folder), "-o", str(folder / "grades")])
    assert r.exit_code == 0 and "2 students" in r.stdout
    r = runner.invoke(app, ["grade", str(folder), "-o", str(folder / "grades")])
    assert r.exit_code == 0 and "2 students" in r.stdout and "(0 checked, 2 unchanged" in r.stdout


# ------------------------------------------------------------- Ctrl-C in a terminal

SLOW = ("import time\nfrom tutor_helpers import sigmoid\n\n\ndef sigmoid_gradient(z):\n"
        "    time.sleep(0.4)\n    s = sigmoid(z)\n    return s * (1 - s)\n")


class Pane:
    """A command in a private tmux server, read from its screen."""

    def __init__(self, command: str, home: Path, width: int = 110, height: int = 30) -> None:
        name = f"tutor-grade-{uuid.uuid4().hex[:8]}"
        self.tmux = ["tmux", "-L", name, "-f", "/dev/null"]
        script = (f"cd {shlex.quote(str(REPO))} && TUTOR_HOME={shlex.quote(str(home))} TERM=xterm-256color "
                  f"{command}; echo EXITED=$?; sleep 120")
        subprocess.run([*self.tmux, "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), script],
                       check=True)
        self.name = name

    def screen(self) -> str:
        return subprocess.run([*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def wait_for(self, *texts: str, timeout: float = 60.0) -> str:
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if all(t in screen for t in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts} did not appear within {timeout} s; the screen was:\n{screen}")

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
def test_ctrl_c_keeps_what_was_graded_and_the_same_command_resumes(tmp_path, tutor_home):
    folder, out = tmp_path / "class", tmp_path / "out"
    folder.mkdir()
    for i in range(12):
        (folder / f"st{i:02d}.py").write_text(SLOW)
    command = f"{shlex.quote(sys.executable)} -m tutor grade {folder} -e {EXERCISE} -j 1 -o {out}"
    pane = Pane(command, tutor_home)
    try:
        screen = pane.wait_for("grading", "/12", "failed", "left", timeout=60)
        assert "0 failed" in screen
        state = out / ".grade-state.jsonl"
        end = time.monotonic() + 60
        while time.monotonic() < end and (not state.exists() or len(state.read_text().splitlines()) < 3):
            time.sleep(0.05)
        pane.keys("C-c")
        screen = pane.wait_for("EXITED=", timeout=30)
        assert "EXITED=130" in screen and "Interrupted:" in screen and "run the same command again" in screen
        assert "Traceback" not in screen
        kept = len(state.read_text().splitlines())
        assert 3 <= kept < 12
        assert not (out / "gradebook.csv").exists()
    finally:
        pane.close()
    # Every kept result is a real one (the children saw the Ctrl-C too: none may be stored as a crash).
    import json

    records = [json.loads(line)["record"] for line in state.read_text().splitlines()]
    assert all(r["passed"] and r["score"] == 6 for r in records)
    r = CliRunner().invoke(app, ["grade", str(folder), "-e", EXERCISE, "-j", "2", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"({12 - kept} checked, {kept} unchanged" in r.stdout
    assert (out / "gradebook.csv").read_text().count(",yes,") == 12
