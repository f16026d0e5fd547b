"""Every bundled exercise is sound: its stub fails, its reference passes, its mistakes are named."""

from __future__ import annotations

from tutor.course import bundled_course
from tutor.exercises.validate import validate_exercises


def test_every_bundled_exercise_validates():
    course = bundled_course()
    assert validate_exercises([course.exercises_dir], course) == []
