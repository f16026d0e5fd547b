"""An explore step in a real terminal (tmux, 80 x 24, the line player): keys turn the value, a typed value is
checked, and the step is recomputed each time."""

from __future__ import annotations

import shlex
import shutil
import sys

import pytest

from tests.test_e2e_terminal import Pane

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")


@pytest.fixture
def pane(tutor_home):
    p = Pane(f"{shlex.quote(sys.executable)} -m tutor learn nudge --from rate-lab", tutor_home, width=80, height=24)
    yield p
    p.close()


def test_the_learning_rate_lab_turns_with_keys_and_typed_values(pane):
    pane.wait_for("learning rate = 0.5: + and - change it by 0.1", timeout=90)
    pane.keys("+")
    pane.wait_for("learning rate = 0.6: + and - change it by 0.1")
    pane.keys("s")
    pane.wait_for("New value for learning rate (0.1 to 10)")
    pane.keys("40", "Enter")
    pane.wait_for("learning rate goes from 0.1 to 10; learning rate stays 0.6.")
    pane.keys("s")
    pane.wait_for("New value for learning rate (0.1 to 10)")
    pane.keys("9.5", "Enter")
    screen = pane.wait_for("learning rate = 9.5: + and - change it by 0.1")
    flat = " ".join(screen.split())
    assert "it rose" in flat and "the forecast was right about the direction" in flat
