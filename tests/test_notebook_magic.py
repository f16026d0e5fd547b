"""`%load_ext tutor` and `%tutor learn`: stepping through a lesson in an IPython shell."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("IPython")

from tutor.notebook.display import Rich


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr("tutor.notebook.magic.show", lambda *r: out.append(Rich(*r).text()))
    return out


@pytest.fixture
def ip():
    from IPython.testing.globalipapp import get_ipython

    shell = get_ipython()  # one shell per test process, made on first use
    shell.run_line_magic("load_ext", "tutor")
    yield shell
    from tutor.notebook import magic

    magic._CURRENT.clear()


def test_load_ext_registers_the_magic_and_plain_mode_steps_and_saves(ip, shown, tutor_home):
    assert "tutor" in ip.magics_manager.magics["line"]
    ip.run_line_magic("tutor", "learn forward-pass --plain")
    assert "Step 1 of " in shown[-2] and "From pixels to a prediction" in shown[-2]
    assert shown[-1] == "Then: %tutor next · %tutor back"
    for _ in range(3):
        ip.run_line_magic("tutor", "next")
    assert "Step 4 of " in shown[-2] and "every pixel 0" in shown[-2]
    assert "%tutor answer TEXT" in shown[-1]
    ip.run_line_magic("tutor", "answer 1")
    assert "NOT YET 1: a1 is not all zeros" in shown[-2] and "Hint 1 of 2" in shown[-2]
    ip.run_line_magic("tutor", "answer 2")
    assert "RIGHT 2" in shown[-2] and "right." not in shown[-2]  # said once, not twice
    ip.run_line_magic("tutor", "back")
    assert "Step 3 of " in shown[-2]
    record = json.loads((tutor_home / "progress.json").read_text())["lessons"]["forward-pass"]
    assert record["step_id"] == "add-bias" and record["quizzes"]["bias-quiz"]["right"] is True
    # a new start resumes where the learner stopped, as `tutor learn` does
    ip.run_line_magic("tutor", "learn forward-pass --plain")
    assert "Step 3 of " in shown[-2]
    ip.run_line_magic("tutor", "learn forward-pass --plain --restart")
    assert "Step 1 of " in shown[-2]


def test_the_magic_steps_through_another_course_and_keys_its_progress_by_it(ip, shown, tutor_home):
    from tests.conftest import REPO
    from tutor.notebook import adapters

    course = REPO / "courses" / "logistic-regression"
    try:
        ip.run_line_magic("tutor", f"learn data-and-model --course {course} --plain")
        assert "Step 1 of " in shown[-2]
        ip.run_line_magic("tutor", "next")
        assert "Step 2 of " in shown[-2]
        lessons = json.loads((tutor_home / "progress.json").read_text())["lessons"]
        assert "logistic-regression/data-and-model" in lessons and "data-and-model" not in lessons
        # back in the same place on a new start, read under the same course key
        ip.run_line_magic("tutor", f"learn data-and-model --course {course} --plain")
        assert "Step 2 of " in shown[-2]
        ip.run_line_magic("tutor", "learn data-and-model --course no-such-course")
        assert "no-such-course" in shown[-1] and len(shown[-1].splitlines()) == 1
    finally:
        adapters.progress_store()  # nothing to undo: the course was never kept between calls


def test_bad_magic_input_is_one_line(ip, shown):
    ip.run_line_magic("tutor", "next")
    assert shown[-1] == "error: no lesson is open here; start one with %tutor learn ID"
    ip.run_line_magic("tutor", "learn no-such-lesson")
    assert shown[-1].startswith("error: ") and "no-such-lesson" in shown[-1]
    ip.run_line_magic("tutor", "learn network --set nonsense=1 --plain")
    assert shown[-1].startswith("error: ") and "nonsense" in shown[-1]
    ip.run_line_magic("tutor", "fly")
    assert shown[-1].startswith("error: unknown %tutor command 'fly'\n%tutor learn ID")


def test_widget_mode_has_buttons_that_step_and_check(tutor_home):
    pytest.importorskip("ipywidgets")
    from tutor.notebook.magic import Stepper

    s = Stepper("forward-pass")
    assert not s.plain
    s.render()
    assert "Step 1 of " in s.html.value and s.back_button.disabled
    assert s.answer_row.layout.display == "none"  # nothing to answer on a text step
    for _ in range(3):
        s.next_button.click()
    assert "Step 4 of " in s.html.value and s.answer_row.layout.display == ""
    s.answer_box.value = "3"
    s.check_button.click()
    assert "NOT YET" in s.html.value and "every input to be 1" in s.html.value
    s.answer_box.value = "2"
    s.check_button.click()
    assert "RIGHT" in s.html.value
    s.back_button.click()
    assert "Step 3 of " in s.html.value and "RIGHT" not in s.html.value
    s.i = s.session.N - 1
    s.render()
    assert s.next_button.description == "Finish"
    s.next_button.click()
    assert "You reached the end of the lesson forward-pass" in s.html.value
    record = json.loads((tutor_home / "progress.json").read_text())["lessons"]["forward-pass"]
    assert record["completed"] is True


def test_without_ipywidgets_the_magic_prints_steps_and_says_what_to_install(ip, shown, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ipywidgets", None)
    ip.run_line_magic("tutor", "learn network --restart")
    assert " ".join(shown[0].split()) == ("(Back and Next buttons need ipywidgets: pip install -e '.[notebook]'. "
                                         "Stepping with %tutor next meanwhile.)")
    assert "Step 1 of" in shown[1]


def test_a_tutor_error_in_a_cell_is_one_line_not_a_traceback(ip, capsys):
    ip.run_cell("from tutor.notebook import open_lesson\nopen_lesson('no-such-lesson')")
    err = capsys.readouterr()
    text = err.out + err.err
    assert "error: there is no lesson 'no-such-lesson'" in text and "Traceback" not in text
    ip.run_cell("lesson = open_lesson('network', record=False)\nlesson['z9']")
    err = capsys.readouterr()
    text = err.out + err.err
    assert "error: the lesson 'network' has no value 'z9'" in text and "Traceback" not in text
    ip.run_cell("1 / 0")  # anything else is left as IPython shows it
    err = capsys.readouterr()
    assert "ZeroDivisionError" in err.out + err.err


def test_widget_mode_gives_an_explore_step_sliders_that_recompute_it(tutor_home):
    pytest.importorskip("ipywidgets")
    import re

    from tutor.core import nn_cost
    from tutor.notebook.magic import Stepper

    s = Stepper("nudge", restart=True)
    s.render()
    assert s.controls_row.layout.display == "none" and not s.controls_row.children  # a text step: no sliders
    s.i = s.nl.index("nudge-lab")
    s.render()
    assert [c.description for c in s.controls_row.children] == ["nudge", "row", "column"]
    assert "With nudge = 0.1, row = 3, column = 22" in s.html.value
    s.sliders["nudge-lab"]["delta"].value = 1.0  # the learner drags the slider: the view is recomputed
    s.sliders["nudge-lab"]["col"].value = 5
    text = " ".join(re.sub(r"<[^>]+>", "", s.html.value).split())
    assert "With nudge = 1, row = 3, column = 5" in text and "With nudge = 0.1" not in text
    thetas, X, y, lam = s.nl.values("thetas", "X", "y", "lambda")
    nudged = [T.copy() for T in thetas]
    nudged[1][3, 5] += 1.0
    moved = float(re.search(r"Nudged by 1: J moves by ([-+0-9.]+)", text).group(1))
    assert moved == pytest.approx(nn_cost(nudged, X, y, lam) - nn_cost(list(thetas), X, y, lam), abs=6e-6)
    s.next_button.click()
    assert s.controls_row.layout.display == "none"
