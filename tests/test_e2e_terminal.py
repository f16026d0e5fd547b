"""`tutor learn` in a real terminal (tmux): forward, back, quiz, quit, resume, Ctrl-C."""

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

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")

REPO = Path(__file__).resolve().parent.parent


class Pane:
    """One tmux session running a command at a known size."""

    def __init__(self, command: str, home: Path, width: int = 100, height: int = 40) -> None:
        self.name = f"tutor-e2e-{uuid.uuid4().hex[:8]}"
        # A private tmux server (-L) per pane: other tmux users cannot disturb it.
        self.tmux = ["tmux", "-L", self.name, "-f", "/dev/null"]
        # TUTOR_PLAYER=line: the line-mode player (tests/test_player_* drive the full-screen one)
        env = f"TUTOR_HOME={shlex.quote(str(home))} TERM=xterm-256color TUTOR_PLAYER=line"
        script = f"cd {shlex.quote(str(REPO))} && {env} {command}; echo EXITED=$?; sleep 120"
        subprocess.run([*self.tmux, "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), script],
                       check=True)

    def screen(self) -> str:
        out = subprocess.run([*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return out.stdout

    def wait_for(self, *texts: str, timeout: float = 60.0) -> str:
        """Poll until every text is on the screen (a step is drawn top down: wait for its content too)."""
        end = time.monotonic() + timeout
        screen = ""
        text = " and ".join(map(repr, texts))
        while time.monotonic() < end:
            screen = self.screen()
            if all(t in screen for t in texts):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text} did not all appear within {timeout} s; the screen was:\n{screen}")

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


@pytest.fixture
def pane_factory(tutor_home):
    panes = []

    def make(args: str, width: int = 100) -> Pane:
        p = Pane(f"{shlex.quote(sys.executable)} -m tutor {args}", tutor_home, width)
        panes.append(p)
        return p

    yield make
    for p in panes:
        p.close()


def progress(home: Path) -> dict:
    return json.loads((home / "progress.json").read_text())["lessons"]["forward-pass"]


def _steps(lesson_id: str = "forward-pass") -> int:
    """How many steps the lesson shows with its defaults (its `when` steps for other data left out)."""
    from tutor.course import bundled_course
    from tutor.lessons.loader import find_lesson

    lesson = find_lesson(lesson_id, bundled_course())
    return sum(1 for s in lesson.steps if s.common.when is None or s.common.when.holds({"dataset": "digits"}))


N = _steps()


def test_forward_back_quiz_quit_and_resume(pane_factory, tutor_home):
    p = pane_factory("learn forward-pass")
    p.wait_for(f"Step 1 of {N}", "From pixels to a prediction", "b back")
    p.keys("n")
    p.wait_for(f"Step 2 of {N}", "X  1797 x 64", "q quit")
    p.keys("b")
    p.wait_for(f"Step 1 of {N}", "q quit")
    p.keys("n", "n", "n")
    p.wait_for(f"Step 4 of {N}", "Your answer")  # step 4 is a quiz
    p.keys("1", "Enter")  # "0: nothing goes in": the choice the feedback names
    p.wait_for("bias unit, always 1")
    p.keys("h", "Enter")
    p.wait_for("Hint 1 of 2")
    p.keys("2", "Enter")
    p.wait_for("RIGHT")
    p.keys("n")
    p.wait_for(f"Step 5 of {N}")
    p.keys("q")
    screen = p.wait_for("EXITED=0")
    assert f"Saved at step 5 of {N}" in screen
    saved = progress(tutor_home)
    assert saved["step_id"] == "theta1" and saved["quizzes"]["bias-quiz"]["right"] is True

    again = pane_factory("learn forward-pass")
    again.wait_for(f"Step 5 of {N}", f"Resuming at step 5 of {N}", "Theta1")
    again.keys("b")
    screen = again.wait_for(f"Step 4 of {N}", "earlier session (right)", "q quit")
    assert "Your answer" not in screen  # not asked twice
    again.keys("q")
    again.wait_for("EXITED=0")


def test_ctrl_c_keeps_progress(pane_factory, tutor_home):
    p = pane_factory("learn forward-pass --from 7")
    p.wait_for(f"Step 7 of {N}", "q quit")
    p.keys("n")
    p.wait_for(f"Step 8 of {N}", "q quit")
    p.keys("C-c")
    screen = p.wait_for("EXITED=130")
    assert "your place is saved" in screen and "Traceback" not in screen
    assert progress(tutor_home)["step_id"] == "z2-shape"


def test_narrow_terminal_keeps_numbers_whole(pane_factory):
    p = pane_factory("learn forward-pass --from z2-shape", width=40)
    screen = p.wait_for(f"Step 8 of {N}", "q quit")
    assert "1797 x 65" in screen and "65 x 25" in screen
    assert all(len(line) <= 40 for line in screen.splitlines())
    p.keys("q")
    p.wait_for("EXITED=0")


def test_demo_auto_advances_and_any_key_pauses(pane_factory):
    import re

    p = pane_factory("demo network --auto 1")
    p.wait_for("Step 2 of", "any key pauses")  # it moved on by itself
    p.keys("x")
    screen = p.wait_for("Paused")
    k = int(re.search(r"Step (\d+) of", screen).group(1))
    time.sleep(2.5)  # more than two auto periods: a paused demo must not move on
    assert f"Step {k} of" in p.screen()
    p.keys("n")
    p.wait_for(f"Step {k + 1} of")
