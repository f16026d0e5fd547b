"""The `tutor` command line: a root typer app that each area plugs into.

Commands stay thin: they parse options, call the core, the lesson engine or
the exercise checker, and hand the results to renderers. Only this layer owns
a console. Heavy modules (scipy.optimize, the data) are imported inside the
commands that need them, so `tutor --help` starts fast.
"""

from __future__ import annotations

import sys

from tutor.base.errors import TutorError

# typer (and, once a command with options runs, pydantic through typer) is
# imported when the app is built, on first use of `tutor.cli.app`: `tutor`
# alone, `tutor lessons`, and `exercises`, `learn`, `demo`, `export` and
# `check` with plain options run without typer and click (see _fast_path);
# `tutor --help` imports typer to print the help, but builds no command.
_APP = []


def get_app():
    """The root typer app with every area's commands (built once, on first use)."""
    if not _APP:
        _APP.append(_build_app())
    return _APP[0]


def __getattr__(name: str):
    if name == "app":  # `from tutor.cli import app` keeps working
        return get_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _build_app():
    from tutor.base import options as spec
    from tutor.commands.root import make_app

    app = make_app()
    _register_all(app)
    # The commands declare their options typer-free (tutor.base.options), so
    # that the fast path imports no typer; typer is shown its own objects here,
    # once, for every command and sub-app (a course plugin's included).
    spec.for_typer_app(app)
    return app


def _register_all(app) -> None:
    # Each area registers its own commands; the modules import nothing heavy
    # at top level (typer itself only inside `register`), so building the app
    # stays cheap. A course plugin's commands (the bundled course's, and
    # $TUTOR_COURSE's) come between the exercises and the instructors' panels.
    from tutor.commands import courses, exercises, instructor, learn

    for register in (learn.register, exercises.register, _register_course_commands, learn.register_presenting,
                     instructor.register, courses.register):
        register(app)
    from tutor.commands.grade import register as register_grade  # class grading (issue 13)
    register_grade(app)
    from tutor.commands.autograder import register as register_autograder  # Gradescope autograder (issue 13)
    register_autograder(app)
    from tutor.commands.serve import register as register_serve  # the player in a web page (issue 24)
    register_serve(app)


def _register_course_commands(root) -> None:
    from tutor.course import bundled_course, course_vocabulary, resolve_course

    courses = []
    for find in (bundled_course, resolve_course):
        try:
            courses.append(find())
        except TutorError:
            continue  # a broken $TUTOR_COURSE is reported by the command that uses it
    commands: dict = {}
    for course in courses:
        try:
            commands.update(course_vocabulary(course).commands.own())
        except TutorError as err:
            sys.stderr.write(f"warning: {err.message}\n")
    for cmd in commands.values():
        root.command(cmd.name, rich_help_panel=cmd.panel)(cmd.func)


# -- the screens that need no app ----------------------------------------------------------


def _welcome() -> None:
    from tutor.commands.overview import welcome

    welcome(None)


def _lessons() -> None:
    from tutor.commands.overview import show_lessons

    show_lessons(False, None)


def _root_help() -> None:
    """`tutor --help`: the root's options and a line per command, as the app prints it.

    typer makes a click command of the whole app before printing any help,
    turning every command's signature into click parameters (all nineteen,
    about a third of what the help costs beyond a bare typer app). The root's
    help shows none of those parameters, only each command's name, panel and
    first line of help. So the root alone is converted, and each command is
    represented by a parameterless stand-in carrying exactly what the help
    reads; typer's own formatter then prints it (tests/test_startup.py checks
    the output equals the app's).
    """
    import inspect

    import typer.main as typer_main
    from typer.core import TyperCommand, TyperGroup

    app = get_app()
    commands, groups = app.registered_commands, app.registered_groups
    app.registered_commands, app.registered_groups = [], []
    try:
        group = typer_main.get_group(app)  # the root's own options only
    finally:
        app.registered_commands, app.registered_groups = commands, groups
    mode = app.rich_markup_mode
    for info in commands:
        doc = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
        group.add_command(TyperCommand(
            name=info.name or typer_main.get_command_name(info.callback.__name__), help=doc,
            short_help=info.short_help, hidden=info.hidden, deprecated=info.deprecated,
            rich_help_panel=info.rich_help_panel, rich_markup_mode=mode))
    for info in groups:
        solved = typer_main.solve_typer_info_defaults(info)
        group.add_command(TyperGroup(
            name=solved.name or "", help=solved.help, short_help=solved.short_help, hidden=solved.hidden,
            deprecated=solved.deprecated, rich_help_panel=solved.rich_help_panel, rich_markup_mode=mode))
    group.main(args=["--help"], standalone_mode=False)


# argv (after an optional leading --plain) -> what it shows. Exactly these
# spellings: anything else (an option, --help, a typo) goes through the app.
_FAST = {(): _welcome, ("lessons",): _lessons, ("--help",): _root_help, ("-h",): _root_help}

# The commands a person types all day, by name -> (module, function): with a
# plain command line they run without the app (tutor.commands.light says what
# plain means).
_LIGHT = {
    "exercises": ("tutor.commands.exercises", "list_exercises"),
    "learn": ("tutor.commands.learn", "learn"),
    "demo": ("tutor.commands.learn", "demo"),
    "export": ("tutor.commands.instructor", "export"),
    "check": ("tutor.commands.exercises", "check"),
}


def _fast_target(args: list[str]):
    """The shortcut for these arguments, or None (then the app runs them)."""
    run = _FAST.get(tuple(args))
    if run is not None or not args or args[0] not in _LIGHT:
        return run
    import importlib

    from tutor.commands import light

    module, name = _LIGHT[args[0]]
    func = getattr(importlib.import_module(module), name)
    kwargs = light.parse(func, args[1:])
    if kwargs is None:
        return None
    return lambda: func(**kwargs)


def _fast_path(argv: list[str]) -> bool:
    """Run `tutor`, `tutor lessons`, `tutor --help`, and `exercises`, `learn`, `demo`,
    `export` or `check` with a plain command line, without the typer app.

    False if argv is anything else. These are what a person types most and
    waits for. Building the app imports every command module and makes click
    commands of all of them, and invoking a command with any non-flag option
    makes typer import pydantic to coerce it: together more than printing a
    list costs, and a fifth of the first screen of a lesson. Apart from
    `--help`, these import neither typer nor click at all (another 30 ms):
    the command modules declare their options with tutor.base.options and
    end with SystemExit. The functions run are the ones the app's commands
    call, with the same defaults, so the output is the same
    (tests/test_startup.py compares them).
    """
    args = list(argv)
    plain = False
    if args[:1] == ["--plain"]:
        plain, args = True, args[1:]
    run = _fast_target(args)
    if run is None:
        return False
    if plain:
        from tutor.commands._common import set_plain

        set_plain(True)
    try:
        run()
    except TutorError as err:
        _fail(err)
    except KeyboardInterrupt:
        # What the app does with Ctrl-C outside a lesson (typer's Exit(130)):
        # the shell's usual code for an interrupt, and no traceback.
        raise SystemExit(130) from None
    except EOFError:
        sys.stderr.write("\nerror: aborted\n")  # the app: an empty line, then Abort
        raise SystemExit(1) from None
    except Exception as err:
        # The tutor's commands end with SystemExit (tutor.commands._common.fail);
        # a typer.Exit could only come from code that imported typer itself, and
        # ends as the app would end it. typer is not imported to ask.
        typer = sys.modules.get("typer")
        if typer is not None and isinstance(err, typer.Exit):
            raise SystemExit(err.exit_code) from None
        raise
    return True


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
    """Entry point of the `tutor` script: user errors become one clear line.

    argv None (the script, `python -m tutor`): the process ends through
    `_leave` once the command is done. A list (tests, embedding): SystemExit
    is raised as usual and the caller's interpreter carries on.
    """
    if argv is not None:
        _main(list(argv))
        return
    try:
        _main(sys.argv[1:])
    except SystemExit as done:
        _leave(done.code)
    _leave(0)


def _leave(code) -> None:
    """End the program without Python's own teardown, when nothing needs it.

    Once a lesson has loaded numpy, rich and the course, freeing every
    module's objects at exit takes about 35 ms (a ninth of a whole `tutor
    export`), which a person waits for before the prompt comes back. Nothing
    of the tutor's needs it: files are written and closed by then, and the
    atexit handlers (a class's scratch folder) still run here. With any other
    thread alive (a class being graded), Python's own exit joins it as usual.
    """
    import threading

    if threading.active_count() > 1:
        raise SystemExit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):  # SystemExit("message"): printed, status 1, as Python does
        sys.stderr.write(f"{code}\n")
        code = 1
    import atexit
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what Python's exit would report as 120
            code = code or 120
    os._exit(code)


def _main(argv: list[str]) -> None:
    _one_blas_thread_by_default()
    if _fast_path(argv):
        raise SystemExit(0)

    import typer
    from typer import TyperException

    try:
        code = get_app()(args=argv, standalone_mode=False)
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
