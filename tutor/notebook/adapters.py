"""The seams between the notebook and the rest of the tutor.

Every call the notebook makes into the lesson engine, the exercise checker
and the progress store goes through one function here, so a change of those
APIs (course packs, the isolated checker) is wired in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def resolve(ref=None):
    """The Course a notebook call names (a folder, an id, or a Course; None: $TUTOR_COURSE, else the bundled one).

    The notebook's functions are a front end, like the commands: each call
    resolves its course here once and passes it down; nothing keeps a
    current course.
    """
    from tutor.course import Course, resolve_course

    return ref if isinstance(ref, Course) else resolve_course(ref)


def load_formulas(lesson) -> None:
    """Import the notebook formulas of the lesson's course: `<plugin>.notebook`, when its plugin is a package."""
    import importlib.util

    from tutor.course import import_plugin

    module = import_plugin(lesson.course) if lesson.course is not None else None
    if module is not None and hasattr(module, "__path__"):
        name = module.__name__ + ".notebook"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def course_key(course) -> str | None:
    """The course id progress is keyed by; None for the bundled course."""
    return None if course is None or course.bundled else course.id


def course_ref(lesson, notebook_dir: Path | None = None) -> str | None:
    """What `course=` must say in a notebook for this lesson's course; None for the default course.

    A course found by id (the bundled one, an installed one) is named by its
    id; a course found by its folder is named by that folder relative to the
    notebook's own folder (`notebook_dir`), so the notebook works wherever the
    two are copied together.
    """
    import os

    from tutor.course import course_flag

    c = lesson.course
    if c is None or not course_flag(c):
        return None
    if c.bundled or c.origin == "entry point":
        return c.id
    if notebook_dir is None:
        return str(c.root)
    return os.path.relpath(c.root, Path(notebook_dir).resolve())


# -- lessons --------------------------------------------------------------------------


def find_lesson(lesson_id: str, course):
    """A Lesson of `course` by id or path; an unknown id is a TutorError naming the nearest."""
    from tutor.lessons.loader import find_lesson as find

    return find(lesson_id, course)


def typed_settings(lesson, settings: list[str] | dict | None, *, strict: bool = True) -> dict:
    """`name=value` strings (or a dict) -> the lesson's declared parameters, typed."""
    if not settings:
        return {}
    if isinstance(settings, dict):
        settings = [f"{k}={v}" for k, v in settings.items()]
    from tutor.handouts.record import settings_for

    return settings_for(lesson, list(settings), strict)


def new_session(lesson, settings: dict | None = None, *, data=None, weights=None, ui=None, store=None,
                mode: str = "render"):
    """The engine's Session for `lesson`: its environment built, no step run yet."""
    from tutor.lessons.environment import build_environment
    from tutor.lessons.runner import Session

    env = build_environment(lesson, settings or {}, data=data, weights=weights)
    return Session(lesson, env, ui, mode=mode, store=store)


def step_header(session, i: int):
    from tutor.lessons.runner import step_header as header

    return header(session, i, bar=False)


def reveal(step, ctx) -> list:
    from tutor.lessons.runner import reveal as shown

    return shown(step, ctx)


def mark(right: bool, answer: str, message: str = ""):
    from tutor.lessons.runner import mark as runner_mark

    return runner_mark(right, answer, message)


# -- exercises ------------------------------------------------------------------------


def get_exercise(exercise_id: str, course):
    from tutor.exercises.catalog import get_exercise as get

    return get(exercise_id, course)


def stub_source(exercise) -> str:
    from tutor.exercises.stubs import stub_source as stub

    return stub(exercise)


def check_file(exercise, file: Path, *, timeout: float = 10.0, memory_mb: int = 2048):
    """The same checker as `tutor check`: the learner's file in the sandbox, graded in this process."""
    from tutor.exercises.check import check_file as check

    return check(exercise, file, timeout=timeout, memory_mb=memory_mb)


def render_report(result):
    from tutor.exercises.report import render_text

    return render_text(result)


# -- progress -------------------------------------------------------------------------


def progress_store():
    from tutor.progress import ProgressStore

    return ProgressStore()


def record_check(store, result, course) -> None:
    """Record a check exactly as `tutor check` does, so `tutor exercises` shows it."""
    from tutor.exercises.catalog import record_check as record

    record(store, result, course=course_key(course))


def record_quiz(store, lesson, step_id: str, record: dict[str, Any]) -> None:
    """Merge one quiz's outcome into the lesson's record, as the terminal runner keeps it."""

    def change(rec: dict) -> dict:
        quizzes = dict(rec.get("quizzes") or {})
        quizzes[step_id] = record
        return {**rec, "quizzes": quizzes}

    store.update("lessons", lesson.id, change, course=course_key(lesson.course))
