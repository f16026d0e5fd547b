"""The line-mode player's answer prompt (issue 24, issue 22): letters are answers where a step takes them, an empty
Enter answers "Show the answer?", q in a pipe quits, numbers may be grouped with commas, feedback is Markdown and
says RIGHT once."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console
from test_lessons_steps import TYPED, lesson_file, typed_session

from tutor.lessons.environment import build_environment
from tutor.lessons.runner import Session, play
from tutor.lessons.ui import PlainUI, RecordingUI

TYPE_H = """\
    - id: fw
      kind: compute
      op: forward
      bind: {a1: a1, h: h}
    - id: typed-h
      kind: expression
      question: Type h.
      expected: h
      hints: [It is already bound.]
"""

NUMBER = """\
    - id: count
      kind: quiz
      question: How many weights?
      answer_type: number
      answer: 10285
      feedback:
        - answer: 10250
          message: That leaves out the *bias* column, **25 + 10** weights.
"""


def flat(ui) -> str:
    return " ".join(ui.text().split())


def test_h_is_an_answer_where_a_step_asks_for_a_name_and_hint_is_the_word(tmp_path):
    session, ui = typed_session(tmp_path, ["n", "hint", "h", "n", "q"], steps=TYPE_H)
    assert play(session) == "completed" or session.quizzes
    assert session.quizzes["typed-h"] == {"right": True, "tries": 1, "revealed": False, "skipped": False}
    text = flat(ui)
    assert "Hint 1 of 1: It is already bound." in text and "RIGHT h" in text
    # the prompt shows the words, not letters that would clash with the answer
    assert "Your answer (or type hint, skip, back or quit)" in ui.asked


def test_letters_still_work_where_an_answer_is_never_a_letter(tmp_path):
    lesson = lesson_file(tmp_path, NUMBER)
    ui = RecordingUI(keys=["h", "10,285", "q"], width=100)
    session = Session(lesson, build_environment(lesson), ui)
    play(session)
    assert session.quizzes["count"]["right"] is True and session.quizzes["count"]["tries"] == 1
    assert "Your answer (h hint, s skip, b back, q quit)" in ui.asked
    assert "Hint" not in flat(ui) or "no hints" in " ".join(ui.messages)  # h was the hint key, not an answer


def test_numbers_grouped_with_commas_are_numbers_and_feedback_is_markdown_said_once(tmp_path):
    lesson = lesson_file(tmp_path, NUMBER)
    ui = RecordingUI(keys=["10,250", "1,0285", "10,285.0", "q"], width=100)
    session = Session(lesson, build_environment(lesson), ui)
    play(session)
    text = flat(ui)
    # the foreseen wrong answer, read from its commas; its message's Markdown is drawn, not shown raw
    assert "NOT YET 10,250: That leaves out the bias column, 25 + 10 weights." in text
    assert "*bias*" not in text and "**" not in text
    assert "Type a number, such as 0.25 or 10285." in ui.messages  # 1,0285 is not a grouping: no try spent
    assert "RIGHT 10,285.0" in text and "right." not in text.lower().replace("right 10", "")
    assert session.quizzes["count"]["tries"] == 2


def test_enter_at_show_the_answer_tries_again_and_the_next_answer_is_kept(tmp_path):
    # three wrong tries, then an empty Enter at "Show the answer?": the next line typed is an answer again
    session, ui = typed_session(tmp_path, ["n", "X", "a1", "Theta1", "", "a1 @ Theta1.T", "n", "n"])
    assert play(session) == "completed"
    assert session.quizzes["typed"] == {"right": True, "tries": 4, "revealed": False, "skipped": False}
    assert ui.asked.count("Show the answer? (y: show it; Enter: try again)") == 1
    assert "RIGHT a1 @ Theta1.T" in flat(ui)


def test_q_in_piped_answers_quits_instead_of_printing_every_answer(tmp_path, monkeypatch):
    lesson = lesson_file(tmp_path, TYPED + NUMBER.replace("id: count", "id: count2"), dataset="grader")
    monkeypatch.setattr("sys.stdin", io.StringIO("q\n"))
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    ui = PlainUI(console, interactive=False, reads_answers=True)
    assert play(Session(lesson, build_environment(lesson), ui)) == "quit"
    text = " ".join(console.export_text().split())
    assert "The answer is" not in text and "How many weights?" not in text  # stopped at the first question
    assert "Stopped at step 2 of 4." in text and "End of the lesson" not in text


def test_the_end_of_piped_input_still_shows_the_remaining_answers(tmp_path, monkeypatch):
    lesson = lesson_file(tmp_path, TYPED + NUMBER, dataset="grader")
    monkeypatch.setattr("sys.stdin", io.StringIO("a1 @ Theta1.T\n"))
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    ui = PlainUI(console, interactive=False, reads_answers=True)
    assert play(Session(lesson, build_environment(lesson), ui)) == "completed"
    assert "The answer is: 10285" in " ".join(console.export_text().split())


def test_the_elementwise_ufuncs_a_learner_writes_are_accepted(tmp_path):
    from tutor.lessons.expression.evaluator import evaluate

    h, y = np.array([[0.2, 0.7], [0.9, 0.4]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    names = {"h": h, "Y": y}
    for text, want in [("np.subtract(h, Y)", h - y), ("np.add(h, Y)", h + y), ("np.multiply(h, Y)", h * y),
                       ("np.divide(h, 2)", h / 2), ("np.negative(h)", -h),
                       ("np.sum(np.multiply(-Y, np.log(h)) - np.multiply(np.subtract(1, Y), np.log(1 - h)))",
                        np.sum(-y * np.log(h) - (1 - y) * np.log(1 - h)))]:
        np.testing.assert_allclose(evaluate(text, names), want, err_msg=text)


def test_a_letter_that_names_nothing_is_still_an_answer_and_says_which_word_does_the_job(tmp_path):
    # "Type h." where h is not one of the step's names: h is read as the answer and refused (no try spent), with
    # the word for a hint; q still quits
    session, ui = typed_session(tmp_path, ["n", "h", "b", "q"])
    assert play(session) == "quit"
    said = " ".join(ui.messages)
    assert "`h` is not a name this step knows" in said and "To ask for a hint, type hint." in said
    assert "To go back, type back." in said
    assert "Hint 1" not in flat(ui) and "typed" not in session.quizzes and [i for i, _ in ui.pages] == [0, 1]


def test_feedback_on_an_ascii_stream_says_the_word_once():
    from tutor.lessons.runner import mark

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")  # as PYTHONIOENCODING=ascii makes stdout
    console = Console(file=stream, width=80, color_system=None)
    console.print(mark(True, "10,285"))
    console.print(mark(False, "X", "That is the *other* one."))
    stream.flush()
    text = raw.getvalue().decode("ascii")
    assert "RIGHT 10,285" in text and "PASS" not in text and "FAIL" not in text
    assert "NOT YET X: That is the other one." in text
