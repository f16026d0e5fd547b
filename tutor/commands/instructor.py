"""Instructor commands: `tutor export` (handouts of whole lessons).

A thin wrapper over tutor.handouts (and tutor.notebook.build for ipynb),
imported inside the command so `tutor --help` stays fast. A course's own instructor commands come from its plugin.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from tutor.base.errors import TutorError
from tutor.base.options import Argument, Option
from tutor.commands._common import course_option, echo, fail, resolve_course

if TYPE_CHECKING:
    import typer

EXPORT_FORMATS = ("html", "svg", "md", "txt", "ipynb")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("export", rich_help_panel="Instructors")(export)


# ------------------------------------------------------------------- export


def export(
    lesson_id: Optional[str] = Argument(None, help="The lesson to export (see `tutor lessons`).", metavar="ID"),
    all_lessons: bool = Option(False, "--all", help="Export every lesson of the course, in course order."),
    fmt: str = Option("html", "--format", "-f", help="html, svg, md, txt or ipynb (a Jupyter notebook: needs tutor\\[notebook])."),
    output: Path = Option(
        ..., "--output", "-o",
        help="The file to write (a folder for --all with svg or ipynb: one file per lesson).",
    ),
    with_answers: bool = Option(False, "--with-answers", help="Include each quiz's answer and explanation."),
    notes: bool = Option(False, "--notes", help="Include the presenter notes."),
    settings: list[str] = Option(
        [], "--set", help="name=value: change a parameter the lesson declares (repeatable).",
    ),
    course: Optional[str] = course_option(),
) -> None:
    """Write a handout: whole lessons rendered with the views the terminal shows.

    HTML is one self-contained page that prints with a page break between
    steps; SVG is a picture of the terminal; md and txt are plain text.
    Quiz answers appear only with --with-answers, presenter notes only with --notes.
    """
    chosen_course = resolve_course(course)
    try:
        if fmt not in EXPORT_FORMATS:
            raise TutorError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
        if all_lessons == (lesson_id is not None):
            raise TutorError("give one lesson ID or --all (not both)")
        if fmt == "ipynb":  # one notebook per lesson (needs the [notebook] extra)
            from tutor.notebook.build import export as write_notebooks

            result = write_notebooks(lesson_id, all_lessons=all_lessons, output=output, answers=with_answers,
                                     notes=notes, settings=settings, course=chosen_course)
        else:
            from tutor.handouts.write import export as write_handout

            result = write_handout(lesson_id, all_lessons=all_lessons, fmt=fmt, output=output, answers=with_answers,
                                   notes=notes, settings=settings, course=chosen_course)
    except TutorError as err:
        fail(err.message)
    for problem in result.problems:
        echo(f"warning: {problem}", err=True)
    for path in result.written:
        echo(f"wrote {path}")
