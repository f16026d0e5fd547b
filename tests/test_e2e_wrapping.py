"""Messages the commands print are wrapped at word boundaries on an 80-column terminal (issue 24): the line-mode
player's Ctrl-C message in a real terminal (tmux), read without joining wrapped lines."""

from __future__ import annotations

import pytest
from test_e2e_learner import TMUX, Pane, _env, _tutor, panes  # noqa: F401  (panes is a fixture)

pytestmark = [pytest.mark.skipif(TMUX is None, reason="tmux is not installed (the CI script installs it)"),
              pytest.mark.timeout(240)]


def raw_lines(pane: Pane) -> list[str]:
    """The screen as the terminal shows it: a line the terminal wrapped fills all 80 columns."""
    return pane._tmux("capture-pane", "-p", "-t", "main", "-S", "-200").splitlines()


def test_the_ctrl_c_message_breaks_between_words(tmp_path, panes):  # noqa: F811
    home = tmp_path / "home"
    env = {**_env(home), "COLUMNS": "80", "LINES": "30", "TUTOR_PLAYER": "line"}
    pane = Pane(_tutor("learn", "forward-pass", "--from", "3"), env, tmp_path, width=80, height=30)
    panes.append(pane)
    pane.wait_for(r"Step 3 of \d+[\s\S]*q quit")
    pane.keys("C-c")
    pane.wait_for(r"EXITED=130")
    lines = raw_lines(pane)
    start = next(k for k, x in enumerate(lines) if "Stopped at step" in x)
    end = next(k for k in range(start, len(lines)) if "there." in lines[k])
    message = lines[start:end + 1]
    assert all(len(x.rstrip()) < 80 for x in message), message  # no line filled to the edge and cut
    joined = " ".join(x.strip() for x in message)
    assert "your place is saved. `tutor learn forward-pass` resumes there." in joined, message
