"""Helpers every command module shares: failing cleanly and making consoles.

Commands own their consoles (renderers never print). Two rules hold for all
of them: user errors end in one `error: <sentence>` line on stderr and exit
code 2, never a traceback; and output honours NO_COLOR and `--plain` (no
colour, ASCII only) so it reads well in pipes, logs and screen readers.
"""

from __future__ import annotations

from tutor.base.options import Option
from tutor.render.console import (  # noqa: F401  (the commands' shared helpers, re-exported)
    console,
    echo,
    fail,
    is_plain,
    set_plain,
    stderr_console,
    stdout_console,
    wrap_words,
)


def __getattr__(name: str):
    if name == "PlainConsole":  # re-exported too, made on first use (tutor.render.console: rich loads late)
        from tutor.render.console import PlainConsole

        return PlainConsole
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- which course --------------------------------------------------------------------------

COURSE_HELP = ("The course: its folder, or the id of an installed one (see `tutor courses`); "
               "default: $TUTOR_COURSE, else the bundled course.")


def course_option():
    """The `--course DIR|ID` option every learner, author and instructor command takes.

    Use as a parameter default: `course: Optional[str] = course_option()`,
    then `resolve_course(course)` inside the command. A tutor.base.options
    Option: typer's when the app is built, typer-free until then.
    """
    return Option(None, "--course", help=COURSE_HELP, metavar="DIR|ID")


def resolve_course(ref: str | None = None, *, activate: bool = False):
    """The tutor.course.Course for `--course` (None: $TUTOR_COURSE, else the bundled one).

    activate=True also loads its lesson vocabulary (the plugin). A course that
    cannot be found or read ends the command with one `error:` line.
    """
    from tutor.base.errors import TutorError
    from tutor.course import resolve_course as find

    try:
        course = find(ref)
        if activate:
            from tutor.lessons.engine import lesson_vocabulary

            lesson_vocabulary(course)
    except TutorError as err:
        fail(err.message)
    return course
