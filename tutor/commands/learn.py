"""Learner commands: `tutor learn`, `tutor demo`, `tutor lessons`, `tutor progress reset`, `tutor validate`.

Thin on purpose: options are parsed here, everything else lives in
tutor.lessons (imported inside each command so `tutor --help` stays fast).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from tutor.base.errors import TutorError
from tutor.base.options import Argument, Option
from tutor.commands._common import course_option, echo, fail, is_plain, resolve_course, stderr_console, stdout_console
from tutor.commands.overview import lesson_rows as _lesson_rows
from tutor.commands.overview import next_lesson as _next_lesson
from tutor.commands.overview import show_lessons, welcome  # noqa: F401  (welcome: `tutor` alone)

if TYPE_CHECKING:
    import typer

_SET_HELP = "name=value: change a parameter the lesson declares (repeatable), e.g. --set lambda=3."


def register(app: typer.Typer) -> None:
    """Add the learners' commands to the root app."""
    import typer  # here, not at the top: `tutor learn` runs without the app (tutor.commands.light)

    app.command("learn", rich_help_panel="Learners")(learn)
    app.command("lessons", rich_help_panel="Learners")(lessons)
    progress_app = typer.Typer(help="Your saved progress.", no_args_is_help=True, add_completion=False)
    app.add_typer(progress_app, name="progress", rich_help_panel="Learners")
    progress_app.command("reset")(progress_reset)


def register_presenting(app: typer.Typer) -> None:
    """Add demo (for instructors) and validate (for authors), after the other areas.

    Registered last so that `tutor --help` lists its panels in the order a
    newcomer needs them: learners, exercises, the maths, instructors, authors.
    """
    app.command("demo", rich_help_panel="Instructors")(demo)
    app.command("validate", rich_help_panel="Authors")(validate)


# -- helpers ----------------------------------------------------------------------------


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _on_terminal() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):
        return False


def _prepare(lesson_ref: str, data: Optional[Path], weights: Optional[Path], settings: list[str], course=None):
    """Load the lesson, parse --set, build its environment: (lesson, env)."""
    from tutor.lessons.environment import build_environment
    from tutor.lessons.loader import find_lesson
    from tutor.lessons.params import parse_set_options

    lesson = find_lesson(lesson_ref, course)
    values = parse_set_options(settings, lesson.setup.params, lesson_id=lesson.id)
    env = build_environment(lesson, values, data=data, weights=weights)
    return lesson, env


def _start_index(lesson, steps, record: dict, from_step: Optional[str], restart: bool, err) -> int:
    """Where to open: --from, else the saved step (unless finished or --restart), else 0."""
    if from_step is not None:
        for i, s in enumerate(steps):
            if s.id == from_step:
                return i
        if from_step.isdigit() and 1 <= int(from_step) <= len(steps):
            return int(from_step) - 1
        from tutor.base.errors import did_you_mean

        hint = did_you_mean(from_step, [s.id for s in steps]) or "."
        raise TutorError(
            f"--from {from_step}: the lesson {lesson.id!r} has no step {from_step!r}{hint} "
            f"Give a step id or a number from 1 to {len(steps)}."
        )
    if restart or not record:
        return 0
    if record.get("completed") and record.get("step", 0) >= len(steps) - 1:
        err.print("You finished this lesson before; starting from the top (--from STEP jumps to a step).")
        return 0
    ids = [s.id for s in steps]
    if record.get("step_id") in ids:
        return ids.index(record["step_id"])
    step = record.get("step", 0)
    return step if isinstance(step, int) and 0 <= step < len(steps) else 0


def _make_ui(plain: bool, auto: Optional[float] = None, reads_answers: bool = False, line: bool = False):
    from tutor.lessons.tui import full_screen_wanted

    if full_screen_wanted(plain=plain or is_plain(), line=line, auto=auto):
        from tutor.lessons.tui.player import FullScreenUI

        return FullScreenUI(auto=auto)
    from tutor.lessons.ui import PlainUI, RichUI

    terminal = _on_terminal()
    if plain or is_plain() or not terminal:
        console = stdout_console(plain=True) if (plain or is_plain() or "NO_COLOR" in os.environ) else stdout_console()
        # piped input (not a terminal) answers the questions, one line each
        piped = reads_answers and not _stdin_is_terminal()
        return PlainUI(console, interactive=terminal and auto is None, auto=auto if terminal else None,
                       reads_answers=piped)
    return RichUI(stdout_console(), auto=auto)


def _run(lesson_ref, *, mode, from_step, data, weights, settings, restart=False, plain=False, auto=None, notes=False,
         course=None, flow=False, line=False) -> str:
    """Play one lesson; 'completed' or 'quit'. flow: `tutor learn` alone, which offers the next lesson at the end."""
    from tutor.lessons.runner import Session, play
    from tutor.progress import ProgressStore

    err = stderr_console(plain=plain)
    from tutor.lessons.tui import full_screen_wanted, pause_gc, preload

    if full_screen_wanted(plain=plain or is_plain(), line=line, auto=auto if mode == "demo" else None):
        preload()  # Textual loads while the lesson does (unless the first frame is drawn before it)
        pause_gc()  # until the first screen is painted: the lesson and Textual allocate much, free nothing
    try:
        lesson, env = _prepare(lesson_ref, data, weights, settings, course)
        course_id = lesson.course.id if lesson.course is not None else None
        store = ProgressStore() if mode == "learn" else None
        record = store.lesson(lesson.id, course=course_id) if store else {}
        if store:
            for w in store.warnings:
                err.print(f"warning: {w}")
        ui = _make_ui(plain, auto if mode == "demo" else None, reads_answers=mode == "learn", line=line)
        if flow and hasattr(ui, "next_lesson"):
            ui.next_lesson = _next_after(lesson)  # the full-screen player offers it on its end screen
        session = Session(lesson, env, ui, mode=mode, notes=notes, store=store if ui.interactive else None)
        start = _start_index(lesson, session.steps, record, from_step, restart, err)
    except TutorError as e:
        fail(e.message)
    if start and mode == "learn" and from_step is None and ui.interactive:
        notice = f"Resuming at step {start + 1} of {session.N} (--restart starts over)."
        if hasattr(ui, "notice"):
            ui.notice = notice
        else:
            err.print(notice)
    try:
        # Recompute the steps before the resume point quietly, so their names are bound.
        if hasattr(ui, "play"):  # the full-screen player runs the same loop on its own thread
            outcome = ui.play(session, start)
        else:
            if start:
                session.ensure(start - 1)
            outcome = play(session, start)
    except KeyboardInterrupt:
        where = getattr(session, "current", start)
        if session.store is not None:
            session.save(where)
        echo("")
        echo(
            f"Stopped at step {where + 1} of {session.N}; your place is saved. "
            f"`{_learn_command(lesson)}` resumes there." if session.store is not None else "Stopped.",
            err=True,
        )
        raise SystemExit(130)
    except TutorError as e:
        fail(e.message)
    if outcome == "quit" and session.store is not None:
        where = getattr(session, "current", start)
        echo(f"Saved at step {where + 1} of {session.N}. `{_learn_command(lesson)}` resumes there.")
    elif outcome == "completed" and mode == "learn" and ui.interactive:
        if flow and getattr(ui, "goes_on", None) is not None:  # asked on the full-screen player's end screen
            if not ui.goes_on and _next_after(lesson):
                echo(f"Stopped. `tutor learn{_course_flag(lesson.course)}` starts {_next_after(lesson)} next time.")
            return "next" if ui.goes_on else "stopped"
        if flow:
            return "completed" if _next_after(lesson) else "last"
        _suggest_next(lesson)
    if not ui.interactive:
        return "printed"  # a pipe printed the lesson; it does not flow into the next one
    return outcome


def _next_after(lesson) -> str | None:
    """The id of the course's next lesson with a file, or None after the last."""
    course = lesson.course
    ids = course.lesson_ids() if course is not None else []
    if lesson.id in ids:
        later = [i for i in ids[ids.index(lesson.id) + 1:] if course.lesson_path(i).is_file()]
        return later[0] if later else None
    return None


def _offer_next(lesson) -> str | None:
    """After a lesson in the flow of `tutor learn`: Enter goes on to the next lesson, q stops. Its id, or None."""
    from tutor.lessons.ui import read_key

    nxt = _next_after(lesson)
    if nxt is None:
        echo(f"That was the last lesson. `tutor exercises{_course_flag(lesson.course)}` lists the self-check exercises.")
        return None
    again = f"tutor learn{_course_flag(lesson.course)}"
    echo(f"Next lesson: {nxt}. Enter starts it, q stops here (`{again}` picks up there later).")
    while True:
        key = read_key()
        if key in ("\r", "\n", " ", "n", "y"):
            return nxt
        if key is None or key in ("q", "Q", "\x04", "\x1b"):
            echo(f"Stopped. `{again}` starts {nxt} next time.")
            return None


def _course_flag(course) -> str:
    from tutor.course import course_flag

    return course_flag(course)


def _learn_command(lesson, lesson_id: str | None = None) -> str:
    return f"tutor learn {lesson_id or lesson.id}{_course_flag(lesson.course)}"


def _suggest_next(lesson) -> None:
    course = lesson.course
    ids = course.lesson_ids() if course is not None else []
    if lesson.id in ids:
        later = [i for i in ids[ids.index(lesson.id) + 1:] if course.lesson_path(i).is_file()]
        if later:
            echo(f"Next: {_learn_command(lesson, later[0])}")
            return
    echo(f"That was the last lesson. `tutor exercises{_course_flag(course)}` lists the self-check exercises.")


# -- commands ----------------------------------------------------------------------------


def learn(
    lesson_id: Optional[str] = Argument(
        None, help="The lesson's id (see `tutor lessons`) or a lesson .yaml file; default: where you are in the course.",
        metavar="[ID]"),
    from_step: Optional[str] = Option(None, "--from", help="Start at this step (its id or number).", metavar="STEP"),
    data: Optional[Path] = Option(None, "--data", help="Use this data file (.mat/.npz/.csv) instead of the lesson's.", metavar="PATH"),
    weights: Optional[Path] = Option(None, "--weights", help="Use these weights (.mat/.npz) instead of the lesson's.", metavar="PATH"),
    settings: list[str] = Option([], "--set", help=_SET_HELP, metavar="NAME=VALUE"),
    restart: bool = Option(False, "--restart", help="Start from the first step instead of where you stopped."),
    plain: bool = Option(False, "--plain", help="No colour, no full-screen redraws: reads well in a screen reader."),
    line: bool = Option(False, "--line", help="Line mode: steps one after another in the terminal, not full screen."),
    course: Optional[str] = course_option(),
) -> None:
    """A guided lesson, one step at a time. Keys: Enter/n next, b back, h hint, r again, ? help, q quit.

    Your place is saved after every step; `tutor learn ID` opens where you stopped,
    and `tutor learn` alone continues the course (the lesson you are in, or the next one).
    On a terminal the lesson fills the window; --line (or TUTOR_PLAYER=line) plays it line by line instead.
    Without a terminal (a pipe), every step is printed in order.
    """
    chosen = resolve_course(course)
    flow = lesson_id is None
    if flow:
        rows, _ = _lesson_rows(chosen)
        nxt, _verb = _next_lesson(rows)
        if nxt is None:
            fail("you have finished every lesson: choose one with `tutor learn ID` (see `tutor lessons`)")
        lesson_id = nxt["id"]
    while True:
        outcome = _run(lesson_id, mode="learn", from_step=from_step, data=data, weights=weights, settings=settings,
                       restart=restart, plain=plain, course=chosen, flow=flow, line=line)
        if not flow or outcome not in ("completed", "last", "next"):
            return
        if outcome == "last":
            echo(f"That was the last lesson. `tutor exercises{_course_flag(chosen)}` lists the self-check exercises.")
            return
        # `tutor learn` alone flows on through the course, as the README promises
        from tutor.lessons.loader import find_lesson

        done = find_lesson(lesson_id, chosen)
        lesson_id = _next_after(done) if outcome == "next" else _offer_next(done)
        if lesson_id is None:
            return
        from_step, restart, settings = None, False, []  # --set names belong to the first lesson


def demo(
    lesson_id: str = Argument(..., help="The lesson's id or a lesson .yaml file.", metavar="ID"),
    auto: Optional[float] = Option(None, "--auto", help="Advance by itself after SECONDS (0: no pause); any key pauses.", metavar="SECONDS", min=0),
    notes: bool = Option(False, "--notes", help="Show each step's presenter notes under it."),
    from_step: Optional[str] = Option(None, "--from", help="Start at this step (its id or number).", metavar="STEP"),
    settings: list[str] = Option([], "--set", help=_SET_HELP, metavar="NAME=VALUE"),
    data: Optional[Path] = Option(None, "--data", help="Use this data file instead of the lesson's.", metavar="PATH"),
    weights: Optional[Path] = Option(None, "--weights", help="Use these weights instead of the lesson's.", metavar="PATH"),
    plain: bool = Option(False, "--plain", help="No colour, no full-screen redraws."),
    line: bool = Option(False, "--line", help="Line mode: steps one after another in the terminal, not full screen."),
    course: Optional[str] = course_option(),
) -> None:
    """Present a lesson: quizzes answer themselves, --auto advances by itself, --notes shows presenter notes.

    Progress is not saved. The values changed with --set are shown on every step.
    """
    _run(lesson_id, mode="demo", from_step=from_step, data=data, weights=weights, settings=settings,
         plain=plain, auto=auto, notes=notes, course=resolve_course(course), line=line)


def lessons(
    as_json: bool = Option(False, "--json", help="Print the list as JSON."),
    course: Optional[str] = course_option(),
) -> None:
    """The course's lessons in order, with your progress."""
    show_lessons(as_json, course)


def progress_reset(
    lesson_id: Optional[str] = Argument(None, help="The lesson to start over (default: all your progress).", metavar="ID"),
    course: Optional[str] = course_option(),
) -> None:
    """Forget your progress in one lesson, or everything (lessons and exercises; with --course, that course's)."""
    from tutor.progress import ProgressStore

    store = ProgressStore()
    chosen = resolve_course(course)
    whole = course is None and not os.environ.get("TUTOR_COURSE")
    if lesson_id is None:
        if whole:
            store.reset("lessons")
            store.reset("exercises")
            echo("All progress forgotten.")
        else:
            store.reset("lessons", course=chosen.id)
            store.reset("exercises", course=chosen.id)
            echo(f"All progress in the course {chosen.id!r} forgotten.")
        return
    lessons_done = store.records("lessons", course=chosen.id)
    exercises_done = store.records("exercises", course=chosen.id)
    if lesson_id in lessons_done:
        store.reset("lessons", lesson_id, course=chosen.id)
        echo(f"Progress in {lesson_id} forgotten; `tutor learn {lesson_id}{_course_flag(chosen)}` starts at step 1.")
    elif lesson_id in exercises_done:
        store.reset("exercises", lesson_id, course=chosen.id)
        echo(f"Progress in the exercise {lesson_id} forgotten.")
    else:
        ids = chosen.lesson_ids()
        if lesson_id in ids:
            echo(f"No progress saved for {lesson_id}; nothing to forget.")
            return
        from tutor.base.errors import did_you_mean

        hint = did_you_mean(lesson_id, ids + list(exercises_done)) or "."
        fail(f"there is no lesson {lesson_id!r}{hint} `tutor lessons` lists them.")


def validate(
    paths: list[Path] = Argument(None, help="Lesson files, or folders of them (e.g. lessons).", metavar="PATH..."),
    list_ops: bool = Option(False, "--list-ops", help="List the operations and views lessons can use (as `tutor ops`)."),
    course: Optional[str] = course_option(),
) -> None:
    """Load lessons, run every step headless, and report every problem (exit 1 if any).

    A folder is validated file by file; its course.yaml is checked as the course manifest.
    Exercise files (an `exercises` folder) are checked by the exercise checker.
    With --course and no paths, the whole course: its manifest, every lesson, its exercises.
    """
    from tutor.lessons.validate import list_operations, validate_paths

    console = stdout_console()
    chosen = resolve_course(course, activate=True)
    if list_ops:
        console.print(list_operations(chosen))
        if not paths and course is None:
            return
    try:
        ok = validate_paths(paths or [], console, course=chosen if not paths else None, default_course=chosen)
    except TutorError as e:
        fail(e.message)
    raise SystemExit(0 if ok else 1)
