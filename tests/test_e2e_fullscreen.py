"""`tutor learn` full screen in a real terminal (tmux): the default player on a capable terminal,
redrawn when the window changes size, q and Ctrl-C saving the step on screen as in line mode."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = [pytest.mark.skipif(TMUX is None, reason="tmux is not installed (the CI script installs it)"),
              pytest.mark.timeout(240)]
pytest.importorskip("textual")

REPO = Path(__file__).resolve().parent.parent


class Window:
    """A tmux window of a given size on a private server, running `python -m tutor ARGS`."""

    def __init__(self, args: str, home: Path, width: int = 80, height: int = 24) -> None:
        self.sock = f"tutor-fs-{uuid.uuid4().hex[:8]}"
        # no COLUMNS or LINES: Textual would take them for the size of the window and never follow it
        env = (f"-u COLUMNS -u LINES -u ROWS TUTOR_HOME={shlex.quote(str(home))} TERM=xterm-256color "
               f"PYTHONPATH={shlex.quote(str(REPO))} "
               "TUTOR_PLAYER=")
        script = (f"cd {shlex.quote(str(REPO))} && env {env} {shlex.quote(sys.executable)} -m tutor {args}; "
                  "echo EXITED=$?; sleep 300")
        self.tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), script)

    def tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-L", self.sock, "-f", "/dev/null", *args], capture_output=True, text=True,
                              check=True, timeout=30).stdout

    def screen(self) -> list[str]:
        return self.tmux("capture-pane", "-p", "-t", "main").split("\n")

    def wait_for(self, *texts: str, timeout: float = 90) -> list[str]:
        end = time.monotonic() + timeout
        lines: list[str] = []
        while time.monotonic() < end:
            lines = self.screen()
            if all(any(t in line for line in lines) for t in texts):
                return lines
            time.sleep(0.2)
        raise AssertionError(f"{texts} not on screen within {timeout} s:\n" + "\n".join(lines))

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.sock, "kill-server"], capture_output=True, timeout=30, check=False)


@pytest.fixture
def window(tutor_home):
    opened: list[Window] = []

    def make(args: str, width: int = 80, height: int = 24) -> Window:
        w = Window(args, tutor_home, width, height)
        opened.append(w)
        return w

    yield make
    for w in opened:
        w.close()


def _record(home: Path, lesson: str) -> dict:
    return next(iter(json.loads((home / "progress.json").read_text())["lessons"].values())) if lesson == "*" else \
        json.loads((home / "progress.json").read_text())["lessons"][lesson]


def test_full_screen_is_the_default_and_q_saves_where_the_learner_is(window, tutor_home):
    w = window("learn forward-pass")
    first = w.wait_for("Step 1 of", "q quit")
    assert "Step 1 of" in first[0] and "The forward pass" in first[0]  # the header on the top row
    assert "q quit" in first[23]  # the keys on the bottom row of 24
    w.keys("n")
    w.wait_for("Step 2 of")
    w.keys("q")
    done = w.wait_for("EXITED=0")
    text = "\n".join(done)
    assert "Saved at step 2 of" in text and "`tutor learn forward-pass` resumes there." in text
    assert _record(tutor_home, "forward-pass")["step"] == 1


def test_ctrl_c_stops_at_once_saves_and_exits_130(window, tutor_home):
    w = window("learn forward-pass --from 3")
    w.wait_for("Step 3 of", "q quit")
    w.keys("C-c")
    done = "\n".join(w.wait_for("EXITED=130"))
    assert "Stopped at step 3 of" in done and "your place is saved" in done
    assert _record(tutor_home, "forward-pass")["step"] == 2


def test_the_screen_follows_the_window_size(window):
    w = window("learn backprop --from divide-and-regularize")  # three 10 x 26 matrices
    small = w.wait_for("Step ", "q quit")
    step = small[0][small[0].index("Step "):].split(" of ")[0]
    assert "How a neural network learns" not in small[0]  # 80 columns: the lesson alone
    w.resize(120, 40)
    large = w.wait_for("How a neural network learns")  # 120: the course's name too
    deadline = time.monotonic() + 10
    while "q quit" not in large[39] and time.monotonic() < deadline:  # the footer follows the header's redraw
        time.sleep(0.2)
        large = w.screen()
    assert f"{step} of" in large[0] and "q quit" in large[39]
    assert max(len(line.rstrip()) for line in large) > 80  # the matrices use the width
    w.resize(80, 24)
    again = w.wait_for(f"{step} of")
    deadline = time.monotonic() + 10
    while "How a neural network learns" in again[0] and time.monotonic() < deadline:
        time.sleep(0.2)
        again = w.screen()
    assert "How a neural network learns" not in again[0] and "q quit" in again[23]
    assert again[1] == small[1]  # the step's title where it was


def test_line_mode_when_asked(window):
    w = window("learn forward-pass --line")
    lines = w.wait_for("Step 1 of", "q quit")
    # line mode prints the step from the top of the terminal and waits under it, with no fixed footer row
    assert "q quit" not in lines[23]
    w.keys("q")
    w.wait_for("EXITED=0")
