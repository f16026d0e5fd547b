"""Every lesson of courses/logistic-regression exported to ipynb (with the lessons' own answers)
and executed top to bottom on a fresh kernel: no error, every type-along and quiz answered
right, every check passing, and the typed values in the kernel equal to numpy's."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import nbformat

from tests.conftest import REPO
from tests.test_notebook_execute import _execute, _text, kernel  # noqa: F401 - kernel is a fixture

COURSE = REPO / "courses" / "logistic-regression"


@pytest.fixture(scope="module")
def books(kernel):  # noqa: F811 - the imported fixture, by name
    from tutor.course import resolve_course
    from tutor.notebook.build import export

    root, _ = kernel
    course = resolve_course(str(COURSE))
    result = export(None, all_lessons=True, output=root / "logistic", answers=True, course=course)
    assert [p.stem for p in result.written] == list(course.lessons)
    out = {}
    for p in result.written:
        nb = nbformat.read(p, as_version=4)
        if p.stem == "cost-and-gradient":  # a last cell reads the typed gradient back from the kernel
            nb.cells.append(nbformat.v4.new_code_cell("print(repr(lesson['grad'].tolist()))"))
        out[p.stem] = _execute(nb, p.parent)  # the kernel starts in the notebook's folder, as Jupyter starts it
    return out


def test_every_lesson_runs_as_a_notebook_with_every_answer_right(books):
    answered = 0
    for lesson, nb in books.items():
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), lesson
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{lesson}: {errors[0]['ename']}: {errors[0]['evalue']}"
        assert not [c.source for c in code if "could not run" in _text(c)], lesson
        for c in code:
            if "lesson.answer(" in c.source or "lesson.quiz(" in c.source:
                answered += 1
                assert "RIGHT" in _text(c), f"{lesson}: {c.source!r} -> {_text(c)!r}"
            if c.source.startswith("check("):  # the exercise's stub, left as exported: it says so
                assert "not written yet" in _text(c), _text(c)
            else:
                assert "FAIL" not in _text(c), f"{lesson}: {_text(c)}"  # every check step passes
        predictions = [c for c in code if "lesson.predict(" in c.source]
        assert predictions and all("What happens" in _text(c) or "Actual" in _text(c) for c in predictions), lesson
    from tutor.course import resolve_course
    from tutor.lessons.loader import find_lesson

    course = resolve_course(str(COURSE))
    asked = sum(s.kind in ("expression", "quiz") for lid in course.lessons for s in find_lesson(lid, course).steps)
    assert answered == asked == 24  # every type-along (15) and quiz (9) has its cell, answered right


def test_the_gradient_typed_in_the_notebook_is_numpys(books):
    import ast

    kept = ast.literal_eval(_text(books["cost-and-gradient"].cells[-1]).strip())
    rows = np.loadtxt(COURSE / "data" / "students.csv", delimiter=",", skiprows=1)
    X = np.column_stack([np.ones(len(rows)), rows[:, :2]])
    y = rows[:, 2]
    h = 1 / (1 + np.exp(-(X @ np.array([-3.0, 0.5, 0.5]))))
    assert np.allclose(kept, X.T @ (h - y) / len(y), rtol=1e-12)
