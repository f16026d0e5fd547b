"""The runner: back re-shows exactly, quizzes (right, wrong, hint, skip), progress saved and resumed."""

from __future__ import annotations

import io
import json
import textwrap

import pytest
from rich.console import Console

from tutor.course import bundled_course
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import load_lesson
from tutor.lessons.runner import Session, play
from tutor.lessons.ui import RecordingUI
from tutor.progress import ProgressStore

LESSON = """\
id: tiny
title: Tiny lesson
summary: Three steps and a quiz.
setup:
  dataset: debug
  weights: debug
steps:
  - id: one
    kind: text
    text: First step, m = {m}.
  - id: two
    kind: compute
    op: forward
    bind: {h: h}
    show: [h]
  - id: quiz
    kind: quiz
    question: What is the shape of h?
    answer_type: shape
    answer: "{m}x{K}"
    hints: [One row per example., One column per class.]
    explain: h is m x K.
    retries: 2
  - id: four
    kind: text
    text: The end.
"""


@pytest.fixture
def lesson(tmp_path):
    p = tmp_path / "tiny.yaml"
    p.write_text(textwrap.dedent(LESSON), encoding="utf-8")
    return load_lesson(p, bundled_course())


def session_for(lesson, keys, store=None, mode="learn"):
    ui = RecordingUI(keys=keys, width=80)
    env = build_environment(lesson)
    return Session(lesson, env, ui, mode=mode, store=store), ui


def page_text(session, renderables) -> str:
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    for r in renderables:
        console.print(r)
    return console.export_text()


def test_back_reshows_exactly_the_same_output(lesson):
    session, ui = session_for(lesson, ["n", "b", "n", "q"])
    assert play(session) == "quit"
    shown = [i for i, _ in ui.pages]
    assert shown == [0, 1, 0, 1]
    first_two, again_two = ui.pages[1][1], ui.pages[3][1]
    assert page_text(session, first_two) == page_text(session, again_two)
    # the very same objects: nothing was recomputed
    assert all(a is b for a, b in zip(first_two, again_two))


def test_back_on_first_step_says_so(lesson):
    session, ui = session_for(lesson, ["b", "q"])
    play(session)
    assert "This is the first step." in ui.messages


def test_quiz_wrong_then_hint_then_right(lesson):
    session, ui = session_for(lesson, ["n", "n", "3x5", "h", "5 x 3", "q"])
    play(session)
    record = session.quizzes["quiz"]
    assert record == {"right": True, "tries": 2, "revealed": False, "skipped": False}
    text = ui.text()
    assert "the other way round" in text  # 3x5 is 5x3 transposed
    assert "Hint 1 of 2: One row per example." in text
    assert "RIGHT" in text and "h is m x K." in text


def test_quiz_unreadable_answer_costs_no_try(lesson):
    session, ui = session_for(lesson, ["n", "n", "banana", "(5, 3)", "q"])
    play(session)
    assert session.quizzes["quiz"]["tries"] == 1 and session.quizzes["quiz"]["right"]
    assert any("rows x columns" in m for m in ui.messages)


def test_quiz_retries_run_out_and_answer_is_revealed(lesson):
    session, ui = session_for(lesson, ["n", "n", "1x1", "2x2", "q"])
    play(session)
    assert session.quizzes["quiz"] == {"right": False, "tries": 2, "revealed": True, "skipped": False}
    assert "The answer is: 5 x 3" in ui.text()


def test_quiz_skip(lesson):
    session, ui = session_for(lesson, ["n", "n", "s", "n", "n"])
    assert play(session) == "completed"
    assert session.quizzes["quiz"]["skipped"] and "Skipped." in ui.text()


def test_quiz_not_asked_again_when_going_back(lesson):
    session, ui = session_for(lesson, ["n", "n", "5x3", "b", "n", "n", "n"])
    assert play(session) == "completed"
    assert len(ui.asked) == 1


def test_hint_key_outside_a_quiz(lesson):
    session, ui = session_for(lesson, ["h", "q"])
    play(session)
    assert "This step has no hints." in ui.messages


def test_progress_saved_after_every_step_and_resumed(lesson, tutor_home):
    store = ProgressStore()
    session, _ = session_for(lesson, ["n", "n", "5x3", "q"], store=store)
    play(session)
    record = store.lesson("tiny")
    assert record["step"] == 2 and record["step_id"] == "quiz" and record["steps"] == 4
    assert record["completed"] is False and record["quizzes"]["quiz"]["right"] is True
    # a new session, as `tutor learn tiny` would start: resume at the saved step
    from tutor.commands.learn import _start_index

    session2, ui2 = session_for(lesson, ["n", "n"], store=store)
    start = _start_index(lesson, session2.steps, store.lesson("tiny"), None, False, Console(file=io.StringIO()))
    assert start == 2
    session2.ensure(start - 1)
    assert play(session2, start) == "completed"
    assert ui2.pages[0][0] == 2 and ui2.asked == []  # answered before: not asked again
    assert "earlier session (right)" in ui2.text()
    assert store.lesson("tiny")["completed"] is True


def test_restart_and_from(lesson):
    from tutor.base.errors import TutorError
    from tutor.commands.learn import _start_index

    steps = lesson.steps
    record = {"step": 2, "step_id": "quiz"}
    con = Console(file=io.StringIO())
    assert _start_index(lesson, steps, record, None, True, con) == 0
    assert _start_index(lesson, steps, record, "two", False, con) == 1
    assert _start_index(lesson, steps, record, "4", False, con) == 3
    with pytest.raises(TutorError, match="did you mean 'four'"):
        _start_index(lesson, steps, record, "fuor", False, con)


def test_damaged_progress_file_is_moved_aside(lesson, tutor_home):
    tutor_home.mkdir(parents=True, exist_ok=True)
    (tutor_home / "progress.json").write_text("{not json", encoding="utf-8")
    store = ProgressStore()
    session, _ = session_for(lesson, ["n", "q"], store=store)
    play(session)
    assert any("damaged" in w for w in store.warnings)
    assert list(tutor_home.glob("progress.damaged-*.json"))
    assert json.loads((tutor_home / "progress.json").read_text())["lessons"]["tiny"]["step"] == 1


def test_demo_mode_answers_quizzes_and_saves_nothing(lesson, tutor_home):
    session, ui = session_for(lesson, None, mode="demo")
    assert play(session) == "completed"
    assert "Answer: 5 x 3" in ui.text() and ui.asked == []
    assert not (tutor_home / "progress.json").exists()


def test_headless_prints_every_step_in_order(lesson):
    session, ui = session_for(lesson, None)
    play(session)
    assert [i for i, _ in ui.pages] == [0, 1, 2, 3]
    text = ui.text()
    assert text.index("Step 1 of 4") < text.index("Step 4 of 4")
