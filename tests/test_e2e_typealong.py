"""A learner types the maths in a real terminal (tmux): a wrong expression, the named mistake on screen, then a
right one; an empty Enter adds no prompt lines; `b` at the prompt goes back.

Uses the Pane harness of test_e2e_learner (a private tmux server per test, the screen read with
capture-pane, polled with a deadline). Skips, saying why, when tmux is not installed.
"""

from __future__ import annotations

import json

import pytest
from test_e2e_learner import TMUX, Pane, _env, _tutor, panes  # noqa: F401  (panes is a fixture)

pytestmark = [pytest.mark.skipif(TMUX is None, reason="tmux is not installed (the CI script installs it)"),
              pytest.mark.timeout(240)]


def test_a_wrong_expression_is_named_then_a_right_one_passes(tmp_path, panes):  # noqa: F811
    home = tmp_path / "home"
    pane = Pane(_tutor("learn", "forward-pass", "--from", "z2-typed"), _env(home), tmp_path)
    panes.append(pane)
    pane.wait_for(r"Type it: every example into every hidden unit")
    pane.wait_for(r"Your answer \(or type hint")

    # Three empty Enters: the prompt is redrawn in place, not repeated down the screen.
    for _ in range(3):
        pane.keys("Enter")
    pane.type("Theta1 @ a1")
    pane.keys("Enter")
    screen = pane.wait_for(r"NOT YET[\s\S]*Your answer \(or type hint")  # the feedback, then the prompt again
    assert screen.count("Your answer (or type hint") == 2, screen  # the first prompt (answered) and the next one
    flat = " ".join(screen.split())
    assert "That is the one-example form" in flat
    assert "25 x 65" in flat and "1797 x 65" in flat  # both shapes named

    # A hostile one: refused by name, no try spent, no hang.
    pane.type("().__class__")
    pane.keys("Enter")
    pane.wait_for(r"is not allowed: attributes starting with _[\s\S]*Your answer \(or type hint")

    pane.type("a1 @ Theta1.T")
    pane.keys("Enter")
    screen = pane.wait_for(r"RIGHT a1 @ Theta1\.T[\s\S]*q quit")
    assert "right." not in screen.split("RIGHT a1 @ Theta1.T")[-1].split("\n")[0]  # RIGHT is said once
    assert "1797 x 25" in screen  # the result, shown with its shape
    pane.keys("q")
    pane.wait_for(r"EXITED=0")
    record = json.loads((home / "progress.json").read_text())["lessons"]["forward-pass"]
    assert record["quizzes"]["z2-typed"] == {"right": True, "tries": 2, "revealed": False, "skipped": False}


def test_back_at_the_prompt_goes_back_a_step(tmp_path, panes):  # noqa: F811
    # at a type-along step letters are answers; the prompt names the word that goes back
    home = tmp_path / "home"
    pane = Pane(_tutor("learn", "forward-pass", "--from", "z2-typed"), _env(home), tmp_path)
    panes.append(pane)
    screen = pane.wait_for(r"Your answer \(or type hint.*back")
    step = int(__import__("re").findall(r"Step (\d+) of", screen)[-1])
    pane.type("back")
    pane.keys("Enter")
    pane.wait_for(rf"Step {step - 1} of \d+", after="Your answer")
    pane.keys("q")
    pane.wait_for(r"EXITED=0")


def test_tutor_learn_alone_flows_into_the_next_lesson(tmp_path, panes, monkeypatch):  # noqa: F811
    from tutor.lessons.loader import load_lesson
    from tutor.progress import ProgressStore

    home = tmp_path / "home"
    monkeypatch.setenv("TUTOR_HOME", str(home))
    from test_e2e_learner import REPO

    network = load_lesson(REPO / "lessons" / "network.yaml")
    active = [s for s in network.steps if s.when is None]  # the digits run skips the course-only steps
    ProgressStore().update_lesson("network", step=len(active) - 1, step_id=active[-1].id, steps=len(active))
    pane = Pane(_tutor("learn"), _env(home), tmp_path)
    panes.append(pane)
    pane.wait_for(rf"Step {len(active)} of {len(active)}[\s\S]*q quit")
    pane.keys("n")
    pane.wait_for(r"Next lesson: forward-pass\. Enter starts it, q stops here")
    pane.keys("Enter")
    pane.wait_for(r"The forward pass[\s\S]*Step 1 of \d+[\s\S]*q quit")
    pane.keys("q")
    pane.wait_for(r"EXITED=0")
    lessons = json.loads((home / "progress.json").read_text())["lessons"]
    assert lessons["network"]["completed"] is True and lessons["forward-pass"]["step"] == 0


def test_enter_at_show_the_answer_tries_again_and_keeps_the_next_answer(tmp_path, panes):  # noqa: F811
    # issue 24: `tutor learn forward-pass --from 6`, X three times, Enter, then the right answer
    home = tmp_path / "home"
    pane = Pane(_tutor("learn", "forward-pass", "--from", "6"), {**_env(home), "TUTOR_PLAYER": "line"}, tmp_path,
                width=80, height=40)
    panes.append(pane)
    pane.wait_for(r"Your answer \(or type hint")
    for k in range(3):
        pane.type("X")
        pane.keys("Enter")
        pane.wait_for(r"NOT YET X[\s\S]*" * (k + 1))
    pane.wait_for(r"Show the answer\? \(y: show it; Enter: try again\): $")
    pane.keys("Enter")
    screen = pane.wait_for(r"Show the answer\?[^\n]*\n[\s\S]*Your answer \(or type hint")  # asked again at once
    pane.type("a1 @ Theta1.T")
    pane.keys("Enter")
    screen = pane.wait_for(r"RIGHT a1 @ Theta1\.T[\s\S]*q quit")
    assert "The answer is" not in screen
    pane.keys("q")
    pane.wait_for(r"EXITED=0")
    record = json.loads((home / "progress.json").read_text())["lessons"]["forward-pass"]
    assert record["quizzes"]["z2-typed"] == {"right": True, "tries": 4, "revealed": False, "skipped": False}
