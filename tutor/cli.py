"""The `tutor` command line: a root typer app that each area plugs into.

Commands stay thin: they parse options, call the core, the lesson engine or
the exercise checker, and hand the results to renderers. Only this layer owns
a console. Heavy modules (scipy.optimize, the data) are imported inside the
commands that need them, so `tutor --help` starts fast.
"""

from __future__ import annotations

import os
import sys

import typer

from tutor.errors import TutorError

app = typer.Typer(
    name="tutor",
    help="A terminal tutor: courses of guided lessons and self-check exercises.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    plain: bool = typer.Option(False, "--plain", help="No colour, ASCII only: for pipes, logs and screen readers."),
    course: str = typer.Option(None, "--course", help="With no command: this course's lessons and your progress.",
                               metavar="DIR|ID"),
) -> None:
    """Guided lessons and self-check exercises in the terminal. `tutor` alone shows the course and your progress."""
    if plain:
        from tutor.commands._common import set_plain

        set_plain(True)
    if ctx.invoked_subcommand is None:
        from tutor.commands.learn import welcome

        welcome(course)


def _register_all() -> None:
    # Each area registers its own commands; the modules import only typer at
    # top level so that building the app stays cheap. A course plugin's
    # commands (the bundled course's, and $TUTOR_COURSE's) come between the
    # exercises and the instructors' panels.
    from tutor.commands import courses, exercises, instructor, learn

    for register in (learn.register, exercises.register, _register_course_commands, learn.register_presenting,
                     instructor.register, courses.register):
        register(app)


def _register_course_commands(root: typer.Typer) -> None:
    from tutor.course import bundled_course, import_plugin, resolve_course
    from tutor.lessons.registry import COMMANDS

    courses = []
    for find in (bundled_course, resolve_course):
        try:
            courses.append(find())
        except TutorError:
            continue  # a broken $TUTOR_COURSE is reported by the command that uses it
    for course in courses:
        try:
            import_plugin(course)
        except TutorError as err:
            sys.stderr.write(f"warning: {err.message}\n")
    for cmd in COMMANDS.values():
        root.command(cmd.name, rich_help_panel=cmd.panel)(cmd.func)


_register_all()


# BLAS threads: the tutor's matrices are small (at most 5000 x 401), where
# OpenBLAS's threads gain little even on an idle machine and, on a busy 2-core
# one, make training several times slower as they spin against each other
# (measured: the accuracy lesson 5.6 s with one thread, 32 s with two under
# load). One thread unless the user chose otherwise. Set before numpy loads.
_BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _one_blas_thread_by_default() -> None:
    # tutor/blas.py: one thread, raised by training on large problems; the user's choice wins.
    from tutor.blas import default_to_one_thread

    default_to_one_thread()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `tutor` script: user errors become one clear line."""
    from typer import TyperException

    _one_blas_thread_by_default()

    try:
        code = app(args=argv, standalone_mode=False)
    except TutorError as err:  # raised outside a command (rare)
        _fail(err)
    except TyperException as err:
        # A usage error (unknown option or command, a value of the wrong type):
        # one `error:` line like every other user error, not a boxed panel.
        hint = ""
        ctx = getattr(err, "ctx", None)
        if ctx is not None:
            hint = f" (see `{ctx.command_path} --help`)"
        sys.stderr.write(f"error: {err.format_message().rstrip('.')}{hint}\n")
        raise SystemExit(getattr(err, "exit_code", 2))
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        raise SystemExit(1)
    # Without standalone mode, typer.Exit comes back as its exit code.
    raise SystemExit(code if isinstance(code, int) else 0)


def _fail(err: TutorError) -> None:
    sys.stderr.write(f"error: {err.message}\n")
    raise SystemExit(err.exit_code)
