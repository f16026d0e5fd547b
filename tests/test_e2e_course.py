"""The second course in a real terminal (tmux): `tutor learn --course DIR`, a quiz,
the live repeat step, quitting, and progress saved under the course's own key."""

from __future__ import annotations

import pytest
from test_e2e_learner import TMUX, Pane, _env, _progress, _step_on_screen, _tutor

COURSE = "courses/logistic-regression"
pytestmark = [pytest.mark.skipif(TMUX is None, reason="tmux is not installed (the CI script installs it)"),
              pytest.mark.timeout(240)]


@pytest.fixture
def panes():
    opened: list[Pane] = []
    yield opened
    for p in opened:
        p.close()


def test_learning_the_second_course_saves_progress_under_its_id_and_resumes(tmp_path, panes):
    from test_e2e_learner import REPO

    home = tmp_path / "home"
    pane = Pane(_tutor("learn", "gradient-descent", "--course", COURSE), _env(home), REPO)
    panes.append(pane)
    screen = pane.wait_for(r"Step 1 of 22")
    for _ in range(20):
        if "is that weight larger or smaller" in screen:
            break
        k = _step_on_screen(screen)
        pane.keys("n")
        screen = pane.wait_for(rf"Step {k + 1} of 22")
    else:
        raise AssertionError("never reached the quiz")
    pane.wait_for(r"Your answer")
    pane.type("larger")
    pane.keys("Enter")
    pane.wait_for(r"RIGHT larger")
    pane.keys("n")
    # the type-along update, then the two moves the computer repeats
    pane.wait_for(r"Type it: move 3, the step")
    pane.type("w - alpha * grad")
    pane.keys("Enter")
    pane.wait_for(r"RIGHT w - alpha")
    for k in (12, 13):
        pane.keys("n")
        pane.wait_for(rf"Step {k} of 22")
    pane.keys("n")
    # the repeat step: 1000 rounds of the compute steps, then the trace and the summary line
    screen = pane.wait_for(r"0\.359182 after 1000 rounds", timeout=90)
    assert "Many steps, live" in screen and "J in each round" in screen
    pane.keys("q")
    pane.wait_for(r"EXITED=0")
    records = _progress(home)["lessons"]
    assert set(records) == {"logistic-regression/gradient-descent"}  # not the bare id: no other course's lesson
    record = records["logistic-regression/gradient-descent"]
    assert record["step_id"] == "descend" and record["quizzes"]["quiz-direction"]["right"] is True

    again = Pane(_tutor("learn", "--course", COURSE), _env(home), REPO)
    panes.append(again)
    screen = again.wait_for(r"Step 14 of 22")
    assert "Resuming at step 14 of 22" in screen
