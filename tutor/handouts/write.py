"""Which lessons to export, where the files go, and writing them (html, svg, md, txt)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tutor.base.errors import TutorError
from tutor.handouts.formats import (
    course_html,
    course_markdown,
    course_text,
    html_page,
    lesson_html,
    lesson_markdown,
    lesson_svg,
    lesson_text,
)
from tutor.handouts.record import record_lesson, settings_for

# -------------------------------------------------------------- writing


def _write(path: Path, text: str) -> Path:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise TutorError(f"cannot write {str(path)!r}: {err.strerror or err}") from None
    return path


def _check_file_target(path: Path) -> None:
    if path.is_dir():
        raise TutorError(f"{str(path)!r} is a folder; give a file name with -o")
    if not path.parent.is_dir():
        raise TutorError(f"the folder {str(path.parent)!r} does not exist")


def course_lessons(course) -> tuple[str, list]:
    """(the course's title, its lessons in order), every one that has a file."""
    from tutor.lessons.loader import find_lesson

    lessons = [find_lesson(i, course) for i in course.lesson_ids() if course.lesson_path(i).is_file()]
    if not lessons:
        raise TutorError("there are no lessons to export")
    return course.title, lessons


@dataclass
class ExportResult:
    written: list[Path]
    problems: list[str]


@dataclass
class Chosen:
    """What an export covers: the title, the lessons, and each lesson's typed `--set` values."""

    title: str
    lessons: list
    settings: list[dict]


def choose(lesson_id: str | None, *, all_lessons: bool, settings: list[str] | None, course) -> Chosen:
    """The lessons an export covers (one lesson of `course`, or with all_lessons the whole course)."""
    from tutor.lessons.loader import find_lesson

    settings = list(settings or [])
    if all_lessons:
        title, lessons = course_lessons(course)
        for s in settings:  # each name must mean something to at least one lesson
            name = s.partition("=")[0].strip()
            if not any(name in lesson.setup.params for lesson in lessons):
                raise TutorError(f"--set {name}: no lesson of the course declares a parameter {name!r}")
    else:
        lessons = [find_lesson(lesson_id, course)]
        title = lessons[0].title
    return Chosen(title, lessons, [settings_for(lesson, settings, strict=not all_lessons) for lesson in lessons])


FORMATS = ("html", "svg", "md", "txt")


def export(
    lesson_id: str | None,
    *,
    all_lessons: bool = False,
    fmt: str = "html",
    output: Path,
    answers: bool = False,
    notes: bool = False,
    settings: list[str] | None = None,
    course,
) -> ExportResult:
    """Write the handout for one lesson of `course` (or, with all_lessons, the course) to `output`.

    Formats: html, svg, md, txt (notebooks are tutor.notebook.build's).
    """
    if fmt not in FORMATS:
        raise TutorError(f"unknown format {fmt!r}; choose one of: html, svg, md, txt, ipynb")
    output = Path(output)
    chosen = choose(lesson_id, all_lessons=all_lessons, settings=settings, course=course)
    lessons, typed, title = chosen.lessons, chosen.settings, chosen.title
    if fmt == "svg":
        return _export_svg(lessons, typed, output, all_lessons, answers, notes)
    _check_file_target(output)
    records = [record_lesson(lesson, fmt, answers=answers, notes=notes, settings=s) for lesson, s in zip(lessons, typed)]
    problems = [f"{r.id}: {p}" for r in records for p in r.problems]
    if fmt == "html":
        text = html_page(title, course_html(title, records) if all_lessons else lesson_html(records[0]))
    elif fmt == "md":
        text = course_markdown(title, records) if all_lessons else lesson_markdown(records[0])
    else:
        text = course_text(title, records) if all_lessons else lesson_text(records[0])
    return ExportResult([_write(output, text)], problems)


def file_per_lesson(output: Path, lessons: list, suffix: str, all_lessons: bool) -> list[Path]:
    """Where each lesson's file goes: `output` itself (one lesson), or `output/<id>.<suffix>` (--all, a folder)."""
    output = Path(output)
    if not all_lessons:
        _check_file_target(output)
        return [output]
    if output.exists() and not output.is_dir():
        raise TutorError(f"--all --format {suffix} writes one file per lesson: give a folder, not {str(output)!r}")
    if not output.parent.is_dir():
        raise TutorError(f"the folder {str(output.parent)!r} does not exist")
    output.mkdir(exist_ok=True)
    return [output / f"{lesson.id}.{suffix}" for lesson in lessons]


def _export_svg(lessons, typed, output: Path, all_lessons: bool, answers: bool, notes: bool) -> ExportResult:
    targets = file_per_lesson(output, lessons, "svg", all_lessons)
    written, problems = [], []
    for lesson, s, target in zip(lessons, typed, targets):
        svg, found = lesson_svg(lesson, answers=answers, notes=notes, settings=s)
        problems += [f"{lesson.id}: {p}" for p in found]
        written.append(_write(target, svg))
    return ExportResult(written, problems)
