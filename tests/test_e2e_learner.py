"""A learner's whole path, in a real terminal (tmux), keys and all.

1. `tutor learn network`: step forward to the one-hot quiz, ask for a hint,
   answer wrong then right, go back and forward, quit; the progress file
   holds the step and the quiz record; `tutor learn network` again resumes
   at the same step; Ctrl-C there (SIGINT through the terminal) still saves
   the step the learner had reached.
2. `tutor exercise start sigmoid-gradient`, then `tutor check
   sigmoid-gradient --watch` in a pane: the stub fails; the file is
   overwritten with a right answer and PASS appears without touching the pane.

Screens are read with `tmux capture-pane`, polled with a deadline; no fixed
sleeps. Skips (saying why) when tmux is not installed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TMUX = shutil.which("tmux")
pytestmark = [pytest.mark.skipif(TMUX is None, reason="tmux is not installed (the CI script installs it)"),
              pytest.mark.timeout(240)]


class Pane:
    """One tmux session on a private server, running one shell command."""

    def __init__(self, command: str, env: dict[str, str], cwd: Path, width: int = 110, height: int = 50) -> None:
        self.sock = f"tutor-h7-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # `sleep` keeps the pane (and its last screen) alive after the command ends.
        script = f"cd {shlex.quote(str(cwd))} && env {exports} {command}; echo EXITED=$?; sleep 300"
        self._tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), script)

    def _tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-L", self.sock, "-f", "/dev/null", *args], capture_output=True, text=True,
                              check=True, timeout=30).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-J", "-t", "main", "-S", "-200")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "main", "-l", text)

    def wait_for(self, pattern: str, timeout: float = 60, *, after: str | None = None) -> str:
        """Poll until `pattern` (a regex) is on the screen; return the screen."""
        deadline = time.monotonic() + timeout
        delay = 0.05
        while True:
            text = self.screen()
            part = text.split(after)[-1] if after and after in text else (text if after is None else "")
            if re.search(pattern, part):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {pattern!r}; the screen:\n{text}")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.sock, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def panes():
    opened: list[Pane] = []
    yield opened
    for p in opened:
        p.close()


def _env(home: Path) -> dict[str, str]:
    # TUTOR_PLAYER=line: these tests drive the line-mode player (tests/test_player_* drive the full-screen one)
    return {"TUTOR_HOME": str(home), "TERM": "xterm-256color", "PYTHONPATH": str(REPO), "COLUMNS": "110",
            "LINES": "50", "TUTOR_PLAYER": "line"}


def _tutor(*args: str) -> str:
    return " ".join([shlex.quote(sys.executable), "-m", "tutor", *map(shlex.quote, args)])


def _progress(home: Path) -> dict:
    return json.loads((home / "progress.json").read_text())


def _step_on_screen(text: str) -> int:
    found = re.findall(r"Step (\d+) of (\d+)", text)
    assert found, text
    return int(found[-1][0])


def test_a_lesson_with_a_quiz_hint_back_forward_quit_resume_and_ctrl_c(tmp_path, panes):
    home = tmp_path / "home"
    pane = Pane(_tutor("learn", "network"), _env(home), tmp_path)
    panes.append(pane)
    screen = pane.wait_for(r"Step 1 of \d+")

    # Forward, one key per step, until the one-hot quiz asks for an answer.
    for _ in range(30):
        if "How many 1s would each row of Y contain" in " ".join(screen.split()):
            break
        k = _step_on_screen(screen)
        pane.keys("n")
        # the whole step: its key legend, or a question's prompt, comes last
        screen = pane.wait_for(rf"Step {k + 1} of \d+[\s\S]*(b back|Your answer)")
    else:
        raise AssertionError("never reached the one-hot quiz")
    quiz_step = _step_on_screen(screen)
    pane.wait_for(r"Your answer")

    pane.type("h")
    pane.keys("Enter")
    pane.wait_for(r"Hint 1 of 2")
    pane.type("1")  # "none": wrong
    pane.keys("Enter")
    pane.wait_for(r"Not that one")
    pane.type("2")  # "exactly one"
    pane.keys("Enter")
    pane.wait_for(r"RIGHT 2")

    pane.keys("b")
    pane.wait_for(rf"Step {quiz_step - 1} of \d+", after="RIGHT 2")
    pane.keys("n")
    # Wait for the whole redrawn step (its key legend comes last), below the
    # step we came back from: the scrollback still holds the first drawing.
    screen = pane.wait_for(rf"Step {quiz_step} of \d+[\s\S]*b back", after=f"Step {quiz_step - 1} of")
    assert "Your answer" not in screen.split(f"Step {quiz_step} of")[-1], "an answered quiz was asked again"
    pane.keys("q")
    pane.wait_for(r"EXITED=0")

    record = _progress(home)["lessons"]["network"]
    assert record["step"] == quiz_step - 1  # 0-based
    quiz = record["quizzes"]["one-hot-quiz"]
    assert quiz["right"] is True and quiz["tries"] == 2 and not quiz["revealed"]
    assert not record.get("completed")

    # Resume: the same step, and the quiz is remembered rather than asked again.
    pane2 = Pane(_tutor("learn", "network"), _env(home), tmp_path)
    panes.append(pane2)
    screen = pane2.wait_for(rf"Step {quiz_step} of \d+")
    assert "Resuming at step" in screen or f"Step {quiz_step} of" in screen
    pane2.wait_for(r"earlier session")
    # One step on, then Ctrl-C: the step reached is kept.
    pane2.keys("n")
    pane2.wait_for(rf"Step {quiz_step + 1} of \d+")
    pane2.keys("C-c")
    screen = pane2.wait_for(r"EXITED=\d+")
    assert "EXITED=130" in screen and "Traceback" not in screen, screen
    assert _progress(home)["lessons"]["network"]["step"] == quiz_step  # 0-based: one past the quiz
    assert _progress(home)["lessons"]["network"]["quizzes"]["one-hot-quiz"]["right"] is True


RIGHT_SIGMOID_GRADIENT = '''import numpy as np
from tutor_helpers import sigmoid


def sigmoid_gradient(z):
    s = sigmoid(z)
    return s * (1 - s)
'''


def test_an_exercise_failed_then_passed_in_watch_mode(tmp_path, panes):
    home = tmp_path / "home"
    env = {**os.environ, **_env(home)}
    started = subprocess.run([sys.executable, "-m", "tutor", "exercise", "start", "sigmoid-gradient"], cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert started.returncode == 0, started.stderr
    files = list(tmp_path.rglob("sigmoid-gradient.py"))
    assert len(files) == 1, started.stdout
    target = files[0]

    pane = Pane(_tutor("check", "sigmoid-gradient", "--watch"), _env(home), tmp_path)
    panes.append(pane)
    screen = pane.wait_for(r"FAIL", timeout=90)
    assert "All tests passed" not in screen

    target.write_text(RIGHT_SIGMOID_GRADIENT, encoding="utf-8")
    screen = pane.wait_for(r"All tests passed", timeout=90)
    assert "PASS" in screen
    # Watching goes on until Ctrl-C, which ends it cleanly.
    pane.keys("C-c")
    screen = pane.wait_for(r"EXITED=\d+")
    assert "Traceback" not in screen, screen
    # one clean line, not watchfiles' own "KeyboardInterrupt caught, stopping watch"
    assert "KeyboardInterrupt" not in screen and "Stopped watching sigmoid-gradient.py." in screen, screen
