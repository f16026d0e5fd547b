"""A learner's first run in a real terminal (tmux): the play table is ready when reached.

`tutor learn accuracy` in a fresh TUTOR_HOME. The learner reads each step for
a second and moves on (skipping the questions) up to the step before `play`,
whose five trainings take about half a second on a first run. While they
read, look-ahead computes it on its background thread: the result is kept
on disk (the course keeps it) before the learner reaches the step, and the
table is on the screen without that wait.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.test_e2e_learner import TMUX, Pane, _env, _step_on_screen, _tutor, panes  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.skipif(TMUX is None, reason="tmux is not installed (the CI script installs it)"),
              pytest.mark.timeout(300)]


def test_the_play_table_is_computed_while_the_learner_reads_the_steps_before_it(tmp_path, panes):  # noqa: F811
    home = tmp_path / "home"
    pane = Pane(_tutor("learn", "accuracy"), _env(home), tmp_path)
    panes.append(pane)
    screen = pane.wait_for(r"Step 1 of \d+[\s\S]*b back", timeout=180)  # a fresh home trains the weights first
    for _ in range(20):
        if _step_on_screen(screen) == 10:
            break  # the play step's introduction: the table is the next step
        time.sleep(1.0)  # the learner reads
        k = _step_on_screen(screen)
        if re.search(r"Your answer \([^)]*\):\s*$", screen.rstrip() + " "):
            # a typed-expression step takes letters as an answer: there the word skips
            pane.type("skip" if "type hint, skip" in screen else "s")  # skip the question
            pane.keys("Enter")
            pane.wait_for(r"Skipped", after=f"Step {k} of")
            time.sleep(0.2)
        pane.keys("n")
        screen = pane.wait_for(rf"Step {k + 1} of \d+[\s\S]*(b back|Your answer)", after=f"Step {k} of")
    assert _step_on_screen(screen) == 10, screen
    time.sleep(1.0)
    kept = sorted(p.name for p in (home / "cache").glob("op-play_table-*.npz"))
    assert kept, "the play table was not computed while the learner read the steps before it"
    t0 = time.monotonic()
    pane.keys("n")
    screen = pane.wait_for(r"Step 11 of \d+[\s\S]*training accuracy[\s\S]*b back", after="Step 10 of")
    waited = time.monotonic() - t0
    table = screen.split("Step 11 of")[-1]
    assert re.search(r"\b200\b.*\b0\b.*%", table), table  # a row: 200 iterations, lambda 0, its accuracy
    # A first run computes this table in about 0.45 s (0.7 s before this branch's sigmoid); the
    # screen polling alone costs up to 0.1 s. Half the first-run cost, as a loose bound:
    assert waited < 0.36, f"{waited:.2f} s from Enter to the table"
    pane.keys("q")
    screen = pane.wait_for(r"EXITED=\d+")
    assert "EXITED=0" in screen and "Traceback" not in screen, screen
