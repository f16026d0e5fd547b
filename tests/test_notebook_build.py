"""`tutor export --format ipynb`: the cells a lesson becomes, and what happens without Jupyter."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.course import bundled_course

nbformat = pytest.importorskip("nbformat")
runner = CliRunner()


def _export(tmp_path, *args: str):
    out = tmp_path / "lesson.ipynb"
    result = runner.invoke(app, ["export", "forward-pass", "--format", "ipynb", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    nb = nbformat.read(out, as_version=4)
    nbformat.validate(nb)
    return nb


def _after(nb, predicate):
    """The cell after the first cell the predicate picks."""
    i = next(i for i, c in enumerate(nb.cells) if predicate(c))
    return nb.cells[i + 1]


def test_a_lesson_becomes_markdown_latex_numpy_and_calls(tmp_path):
    nb = _export(tmp_path)
    cells = nb.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# The forward pass\n")
    assert cells[1].cell_type == "code" and "lesson = open_lesson('forward-pass')" in cells[1].source
    assert all(c.source.strip() for c in cells), "no empty cells"
    # a formula step: typeset, then one visible line of numpy, then the lesson's view of it
    z2 = _after(nb, lambda c: c.cell_type == "markdown" and r"$$z^{(2)} = a^{(1)}\,\Theta^{(1)\top}$$" in c.source)
    assert z2.source == "z2 = a1 @ Theta1.T\nlesson.show('z2', z2=z2)"
    bias = next(c for c in cells if c.source.startswith("a1 = np.hstack("))
    assert "lesson.show('add-bias', a1=a1)" in bias.source
    # an operation with no formula is called by name and its results assigned
    follow = next(c for c in cells if "lesson.run('follow'" in c.source)
    assert "h_i" in follow.source.split("=")[0]
    # a question: the choices in Markdown, then an answer left for the learner
    quiz = _after(nb, lambda c: c.cell_type == "markdown" and "1. Class 1, the largest score" in c.source)
    assert quiz.source.startswith("answer = ...  # your answer: the number of a choice\n")
    assert quiz.source.endswith("lesson.quiz('predict-quiz', answer)")
    # the exercise: its stub, then the check
    stub = next(c for c in cells if "def predict(thetas, X):" in c.source)
    assert "raise NotImplementedError" in stub.source and "tutor check" not in stub.source
    assert cells[cells.index(stub) + 1].source == "check('predict', predict)"
    assert "from tutor.notebook import open_lesson, check, hint" in cells[1].source
    # the prose and the type-along steps call `sigmoid`: the setup cell defines it, from the lesson
    assert "sigmoid = lesson.functions('sigmoid')" in cells[1].source
    # a type-along step: the numpy written as code (its value is graded), the cell saying so
    typed = _after(nb, lambda c: c.cell_type == "markdown" and "Type it: every example into every hidden unit" in c.source)
    assert typed.source == ("answer = ...  # your numpy expression, as code (or in quotes, as typed text)\n"
                            "lesson.answer('z2-typed', answer)")
    md = cells[cells.index(typed) - 1].source
    assert "Write it as numpy code after `answer =`" in md and "`a1`, `Theta1`" in md
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_with_answers_and_settings(tmp_path):
    nb = _export(tmp_path, "--with-answers", "--set", "example=7")
    sources = [c.source for c in nb.cells]
    assert "answer = 2  # your answer: the number of a choice\nlesson.quiz('bias-quiz', answer)" in sources
    assert any(s.startswith("answer = '5000x25'") for s in sources)
    assert any(s.startswith("answer = 1  # your answer: the number of a choice") for s in sources)
    assert any(s.startswith("answer = sigmoid(a2 @ Theta2.T)  # your numpy expression, as code") for s in sources)
    assert "open_lesson('forward-pass', settings={'example': 7})" in sources[1]
    assert any("The same recipe for one picture, example 7." in s for s in sources)


def test_all_writes_one_notebook_per_lesson_into_a_folder(tmp_path):
    from tutor.course import bundled_course

    target = tmp_path / "notebooks"
    result = runner.invoke(app, ["export", "--all", "--format", "ipynb", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in target.glob("*.ipynb")) == sorted(bundled_course().lesson_ids())
    afile = tmp_path / "one.ipynb"
    afile.write_text("{}")
    result = runner.invoke(app, ["export", "--all", "--format", "ipynb", "-o", str(afile)])
    assert result.exit_code == 2
    assert "give a folder" in result.output and "Traceback" not in result.output


def test_without_nbformat_the_export_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "nbformat", None)  # import nbformat now raises ImportError
    result = runner.invoke(app, ["export", "forward-pass", "--format", "ipynb", "-o", str(tmp_path / "x.ipynb")])
    assert result.exit_code == 2
    assert "pip install -e '.[notebook]'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.ipynb").exists()


# -- a step kind the builder does not know: a type-along that grades typed text ----------------


def _type_along_lesson():
    from tutor.lessons.loader import find_lesson
    from tutor.lessons.steps.base import Step
    from tutor.lessons.steps.quiz import Verdict
    from tutor.notebook.session import NotebookLesson

    @dataclass(frozen=True)
    class TypeAlong(Step):
        prompt: str = ""
        KIND = "type-along-test"
        interactive = True

        def run(self, ctx):
            return []

        def grade(self, raw, ctx):
            right = raw.replace(" ", "") == "a1@Theta1.T"
            return Verdict(right, "Right." if right else "Not that product.")

        def typed_answer(self, ctx):
            return "a1 @ Theta1.T"

    nl = NotebookLesson(find_lesson("forward-pass", bundled_course()), record=False)
    common = nl.session.steps[0].common
    step = TypeAlong(type(common)("type-z2", "Type z2", None, None, common.where), "Write z2 from a1 and Theta1.")
    nl.session.steps.insert(3, step)
    return nl, step


def test_an_unknown_kind_that_grades_gets_a_cell_to_try_and_an_answer_call():
    from tutor.notebook.build import Built, generic_cells

    nl, step = _type_along_lesson()
    nl.session.ensure(3)
    md, scratch, answer = generic_cells(Built(nl, answers=True, notes=False), step, [])
    assert md.source == "### Type z2\n\nWrite z2 from a1 and Theta1."
    assert scratch.source.startswith("# Your turn")
    assert answer.source == "answer = 'a1 @ Theta1.T'  # your answer\nlesson.answer('type-z2', answer)"
    _, _, blank = generic_cells(Built(nl, answers=False, notes=False), step, [])
    assert blank.source.startswith("answer = ...")
    right, out = nl.grade("type-z2", "a1 @ Theta1.T")
    assert right is True
    right, _out = nl.grade("type-z2", "Theta1 @ a1")
    assert right is False


def test_an_unknown_kind_that_binds_is_run_by_name():
    from tutor.lessons.loader import find_lesson
    from tutor.notebook.build import Built, generic_cells
    from tutor.notebook.session import NotebookLesson

    nl = NotebookLesson(find_lesson("forward-pass", bundled_course()), record=False)
    follow = next(s for s in nl.session.steps if s.id == "follow")
    nl.session.ensure(nl.index("follow"))
    cells = generic_cells(Built(nl, answers=False, notes=False), follow, ["x", "h_i"])
    code = cells[-1].source
    assert code.startswith("# the lesson's operation `follow`\nx, h_i = lesson.run('follow', thetas=thetas, X=X")
    compile(code, "<cell>", "exec")  # wrapped over lines, still one valid statement


def test_the_from_scratch_lesson_is_visible_numpy(tmp_path):
    out = tmp_path / "moons.ipynb"
    assert runner.invoke(app, ["export", "moons-from-scratch", "-f", "ipynb", "-o", str(out)]).exit_code == 0
    nb = nbformat.read(out, as_version=4)
    forward = next(c for c in nb.cells if c.source.startswith("Z1 = X @ W1.T + b1"))
    assert "A1 = np.tanh(Z1)" in forward.source and forward.source.endswith(
        "lesson.show('forward', Z1=Z1, A1=A1, Z2=Z2, A2=A2)")
    backward = next(c for c in nb.cells if c.source.startswith("dZ2 = A2 - y.reshape(-1, 1)"))
    assert "dZ1 = (dZ2 @ W2) * (1 - A1**2)" in backward.source
    assert nb.cells[nb.cells.index(backward) - 1].source.count("$$") == 2
