"""The explore step: values the learner turns with keys or types, the view recomputed at once; fixed settings in exports."""

from __future__ import annotations

import io
import textwrap

import pytest
from rich.console import Console

from tutor.base.errors import LessonError
from tutor.course import bundled_course
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import load_lesson
from tutor.lessons.runner import Session, play, render_lesson
from tutor.lessons.ui import RecordingUI

HEAD = """\
id: lab
title: A lab
summary: Turn a value.
setup:
  dataset: debug
  weights: debug
steps:
  - id: before
    kind: text
    text: Before the lab.
"""

LAB = """\
- id: scale-lab
  kind: explore
  title: Scale a number
  op: multiply
  inputs: {A: m}
  controls:
    - {name: B, label: factor, min: 0, max: 2, step: 0.5, default: 1}
  bind: product
  text: "m = {m} times {B} is {product:.2f}."
  settings: [{B: 0.5}, {B: 2}]
- id: after
  kind: text
  text: "After the lab, m is still {m}."
"""


def lesson_file(tmp_path, steps: str = LAB):
    p = tmp_path / "lab.yaml"
    p.write_text(HEAD + textwrap.indent(textwrap.dedent(steps), "  "), encoding="utf-8")
    return load_lesson(p, bundled_course())


def learn(lesson, keys):
    ui = RecordingUI(keys=keys, width=80)
    session = Session(lesson, build_environment(lesson), ui, mode="learn")
    outcome = play(session)
    return ui, session, outcome


def flat(text: str) -> str:
    return " ".join(text.split())


def test_keys_turn_the_value_and_the_step_is_redrawn(tmp_path):
    lesson = lesson_file(tmp_path)
    ui, _, _ = learn(lesson, ["n", "+", "+", "+", "-", "q"])
    texts = []
    for i, page in ui.pages:
        if i == 1:
            c = Console(file=io.StringIO(), width=80, record=True, color_system=None)
            for r in page:
                c.print(r)
            texts.append(flat(c.export_text()))
    # the first drawing, then one per key: 1 -> 1.5 -> 2 -> 2 (at the top) -> 1.5
    assert [t.split("factor = ")[1].split()[0] for t in texts] == ["1", "1.5", "2", "2", "1.5"]
    assert "m = 5 times 1 is 5.00." in texts[0]
    assert "m = 5 times 2 is 10.00." in texts[2]
    assert "factor is already at its highest, 2." in texts[3]
    assert "m = 5 times 1.5 is 7.50." in texts[4]
    assert texts[0].endswith("factor = 1: + and - change it by 0.5 · s types a value")


def test_a_typed_value_is_checked_against_the_range(tmp_path):
    lesson = lesson_file(tmp_path)
    ui, _, _ = learn(lesson, ["n", "s", "7", "s", "abc", "s", "0.25", "q"])
    out = flat(ui.text())
    assert "New value for factor (0 to 2)" in " ".join(ui.asked)
    assert "factor goes from 0 to 2; factor stays 1." in out
    assert "'abc' is not a number; factor stays 1." in out
    assert "m = 5 times 0.25 is 1.25." in out


def test_the_dials_bind_nothing_for_later_steps(tmp_path):
    lesson = lesson_file(tmp_path)
    ui, session, outcome = learn(lesson, ["n", "+", "n", "n"])
    assert outcome == "completed"
    assert "After the lab, m is still 5." in flat(ui.text())
    assert "product" not in session.ctx.values and "B" not in session.ctx.values


def test_back_and_forth_keeps_where_the_learner_left_the_dial(tmp_path):
    lesson = lesson_file(tmp_path)
    ui, _, _ = learn(lesson, ["n", "-", "b", "n", "q"])
    last = ui.pages[-1]
    c = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    for r in last[1]:
        c.print(r)
    assert last[0] == 1 and "m = 5 times 0.5 is 2.50." in flat(c.export_text())


def test_export_shows_each_fixed_setting(tmp_path):
    lesson = lesson_file(tmp_path)
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    session = render_lesson(lesson, console)
    out = flat(console.export_text())
    assert "With factor = 0.5 m = 5 times 0.5 is 2.50." in out
    assert "With factor = 2 m = 5 times 2 is 10.00." in out
    assert "+/-" not in out  # nobody can turn anything in an export
    assert session.problems == {}


@pytest.mark.parametrize("bad,message", [
    ("controls:\n    - {name: B, min: 2, max: 1}", "max (1) must be greater than min (2)"),
    ("controls:\n    - {name: C, min: 0, max: 1}", "operation 'multiply' has no input 'C'"),
    ("controls:\n    - {name: B, min: 0, max: 1, default: 3}", "the default 3 is outside 0 to 1"),
    ("controls:\n    - {name: B, min: 0, max: 1, step: 0}", "step must be above 0"),
    ("controls:\n    - {name: B, min: 0, max: 1}\n  settings: [{B: 4}]", "4 is outside factor's range"[:10]),
    ("controls:\n    - {name: B, min: 0, max: 1}\n  text: '{nothing}'", "nothing"),
])
def test_bad_controls_are_refused_at_load(tmp_path, bad, message):
    steps = f"- id: lab\n  kind: explore\n  op: multiply\n  inputs: {{A: m}}\n  bind: p\n  {bad}\n"
    with pytest.raises(LessonError) as err:
        lesson_file(tmp_path, steps)
    assert message in str(err.value)


# -- in a notebook ---------------------------------------------------------------------------


def test_the_exported_notebook_calls_explore_and_names_the_controls(tmp_path):
    pytest.importorskip("nbformat")
    from tutor.notebook.build import lesson_notebook

    nb, problems = lesson_notebook(lesson_file(tmp_path))
    assert problems == []
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert any(s.strip() == "lesson.explore('scale-lab')" for s in sources)
    assert any("`B` (factor, 0 to 2)" in s and "lesson.explore('scale-lab', B=1)" in s for s in sources)


def test_a_notebook_draws_one_setting_on_request(tmp_path, capsys):
    from tutor.notebook.session import NotebookError, NotebookLesson

    nb = NotebookLesson(lesson_file(tmp_path), record=False)
    nb.explore("scale-lab", B=1.5)
    assert "m = 5 times 1.5 is 7.50." in flat(capsys.readouterr().out)
    with pytest.raises(NotebookError, match="no control 'C'"):
        nb.explore("scale-lab", C=1)


def test_without_ipywidgets_a_notebook_shows_the_fixed_settings(tmp_path, capsys, monkeypatch):
    import sys

    from tutor.notebook.session import NotebookLesson

    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now raises ImportError
    NotebookLesson(lesson_file(tmp_path), record=False).explore("scale-lab")
    out = flat(capsys.readouterr().out)
    assert "With factor = 0.5 m = 5 times 0.5 is 2.50." in out and "With factor = 2 m = 5 times 2 is 10.00." in out


def test_with_ipywidgets_a_slider_recomputes_the_step(tmp_path, capsys, monkeypatch):
    pytest.importorskip("ipywidgets")
    import IPython.display

    import tutor.notebook.session as session
    from tutor.notebook.display import Rich
    from tutor.notebook.session import NotebookLesson

    shown, drawings = [], []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    # what each redraw shows, whether a kernel routes it into the widget's output or not
    monkeypatch.setattr(session, "show", lambda *r: drawings.append(flat(Rich(*r).text())))
    drawn = NotebookLesson(lesson_file(tmp_path), record=False).explore("scale-lab")
    assert "text/html" in shown[0] and "m = 5 times 1" in shown[0]["text/plain"]  # a page without widgets sees this
    slider = drawn.box.children[0]
    assert (slider.min, slider.max, slider.step, slider.value, slider.description) == (0, 2, 0.5, 1, "factor")
    assert "m = 5 times 1 is 5.00." in drawings[-1]
    slider.value = 2
    assert "m = 5 times 2 is 10.00." in drawings[-1]
