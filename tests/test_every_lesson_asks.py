"""Every lesson of both shipped courses has the learner type a formula and predict before seeing (issue 22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.course import bundled_course, load_course
from tutor.lessons.loader import find_lesson

REPO = Path(__file__).resolve().parents[1]
COURSES = [bundled_course(), load_course(REPO / "courses" / "logistic-regression")]
LESSONS = [(c, lesson_id) for c in COURSES for lesson_id in c.lesson_ids()]


@pytest.mark.parametrize("course,lesson_id", LESSONS, ids=[f"{c.id}/{i}" for c, i in LESSONS])
def test_the_lesson_has_a_type_along_and_a_predict_step(course, lesson_id):
    kinds = [s.kind for s in find_lesson(lesson_id, course).steps]
    assert "expression" in kinds, f"{lesson_id}: no type-along step"
    assert "predict" in kinds, f"{lesson_id}: no predict step"
    # a prediction comes before the step that shows its answer, never after the lesson's end
    assert kinds.index("predict") < len(kinds) - 1
