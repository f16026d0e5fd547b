"""The seams between the notebook and the rest of the tutor.

Every call the notebook makes into the lesson engine, the exercise checker
and the progress store goes through one function here, so a change of those
APIs (course packs, the isolated checker) is wired in one place.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

# The course the notebook works in (a tutor.course.Course); None: the default
# one ($TUTOR_COURSE, else the bundled course). Set by use_course().
_COURSE = None


def use_course(ref) -> None:
    """Work in this course from now on: a folder, an id, or None for the default one."""
    global _COURSE
    from tutor.course import activate, resolve_course
    from tutor.exercises import plugins

    _COURSE = None if ref is None else activate(resolve_course(ref))
    plugins.use_course(_COURSE)


@contextlib.contextmanager
def course_of(lesson):
    """Work in the course this lesson belongs to while building its notebook, then as before."""
    global _COURSE
    from tutor.exercises import plugins

    before, before_plugins = _COURSE, plugins._course
    _COURSE = getattr(lesson, "course", None)
    plugins.use_course(_COURSE)
    try:
        yield
    finally:
        _COURSE = before
        plugins.use_course(before_plugins)


def load_formulas(lesson) -> None:
    """Import the notebook formulas of the lesson's course: `<plugin>.notebook`, when its plugin is a package."""
    import importlib.util

    from tutor.course import import_plugin, resolve_course

    c = getattr(lesson, "course", None) or resolve_course(None)
    module = import_plugin(c)
    if module is not None and hasattr(module, "__path__"):
        name = module.__name__ + ".notebook"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def course():
    """The course in use (resolved now when none was chosen)."""
    from tutor.course import resolve_course

    return _COURSE if _COURSE is not None else resolve_course(None)


def course_key() -> str | None:
    """The course id progress is keyed by; None for the bundled course."""
    c = course()
    return None if c.bundled else c.id


def course_ref(lesson) -> str | None:
    """What `open_lesson(..., course=...)` must say for this lesson's course; None for the default course."""
    from tutor.course import course_flag

    c = getattr(lesson, "course", None)
    flag = course_flag(c).removeprefix(" --course ")
    if not flag:
        return None
    # a notebook may be opened from any folder: a course found by its folder is named by its full path
    return flag if c.bundled or c.origin == "entry point" else str(c.root)


# -- lessons --------------------------------------------------------------------------


def find_lesson(lesson_id: str):
    """A Lesson by id or path; an unknown id is a TutorError naming the nearest."""
    from tutor.lessons.loader import find_lesson as _find

    return _find(lesson_id, course())


def course_lessons() -> tuple[str, list]:
    """(course title, the course's lessons in order)."""
    from tutor.export import _course_lessons

    return _course_lessons(course())


def typed_settings(lesson, settings: list[str] | dict | None, *, strict: bool = True) -> dict:
    """`name=value` strings (or a dict) -> the lesson's declared parameters, typed."""
    if not settings:
        return {}
    if isinstance(settings, dict):
        settings = [f"{k}={v}" for k, v in settings.items()]
    from tutor.export import _settings_for

    return _settings_for(lesson, list(settings), strict)


def new_session(lesson, settings: dict | None = None, *, data=None, weights=None, ui=None, store=None,
                mode: str = "render"):
    """The engine's Session for `lesson`: its environment built, no step run yet."""
    from tutor.lessons.environment import build_environment
    from tutor.lessons.runner import Session

    env = build_environment(lesson, settings or {}, data=data, weights=weights)
    return Session(lesson, env, ui, mode=mode, store=store)


def step_header(session, i: int):
    from tutor.lessons.runner import step_header as _header

    return _header(session, i, bar=False)


def reveal(step, ctx) -> list:
    from tutor.lessons.runner import reveal as _reveal

    return _reveal(step, ctx)


def mark(right: bool, answer: str, message: str = ""):
    from tutor.lessons.runner import mark as runner_mark

    return runner_mark(right, answer, message)


# -- exercises ------------------------------------------------------------------------


def get_exercise(exercise_id: str):
    from tutor.exercises.catalog import get_exercise as _get

    c = course()
    return _get(exercise_id, None if c.bundled else c.exercises_dir)


def stub_source(exercise) -> str:
    from tutor.exercises.stubs import stub_source as _stub

    return _stub(exercise)


def check_file(exercise, file: Path, *, timeout: float = 10.0, memory_mb: int = 2048):
    """The same checker as `tutor check`: the learner's file in the sandbox, graded in this process."""
    from tutor.exercises.check import check_file as _check

    return _check(exercise, file, timeout=timeout, memory_mb=memory_mb)


def render_report(result):
    from tutor.exercises.report import render_text

    return render_text(result)


# -- progress -------------------------------------------------------------------------


def progress_store():
    from tutor.progress import ProgressStore

    return ProgressStore()


def record_check(store, result) -> None:
    """Record a check exactly as `tutor check` does, so `tutor exercises` shows it."""
    from tutor.exercises.catalog import record_check as _record

    _record(store, result, course=course_key())


def record_quiz(store, lesson_id: str, step_id: str, record: dict[str, Any]) -> None:
    """Merge one quiz's outcome into the lesson's record, as the terminal runner keeps it."""

    def change(rec: dict) -> dict:
        quizzes = dict(rec.get("quizzes") or {})
        quizzes[step_id] = record
        return {**rec, "quizzes": quizzes}

    store.update("lessons", lesson_id, change, course=course_key())
