"""Self-check exercise commands: exercises, exercise start, check, hint, solution.

Each command is thin: it finds the exercise, calls tutor.exercises, records
progress and prints. User mistakes (an unknown id, a missing file) end as one
`error:` line and exit code 2; `tutor check` exits 0 when every test passes
and 1 when any fails.

Each command resolves its course once (`--course`, $TUTOR_COURSE, else the
bundled one) into a `Using` and passes it to everything it calls.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.base.options import Argument, Option
from tutor.commands._common import console, course_option, echo, fail, stderr_console

if TYPE_CHECKING:
    import typer

DEFAULT_DIR = Path("tutor-exercises")


class Format(str, Enum):
    text = "text"
    json = "json"
    gradescope = "gradescope"


class Isolation(str, Enum):
    auto = "auto"
    strict = "strict"
    off = "off"


class Using:
    """The course a command works in, resolved once from --course and passed down.

    A plain class, not a dataclass: `tutor check` imports this module before
    it starts its sandbox, and dataclasses is not needed that early.
    """

    __slots__ = ("course", "flag")

    def __init__(self, course: Any, flag: str) -> None:
        self.course = course  # tutor.course.Course
        self.flag = flag  # " --course X" in the commands we suggest, when the course is not the default one

    @property
    def key(self) -> str | None:
        """The course part of progress keys (None: the bundled course's bare ids)."""
        return None if self.course.bundled else self.course.id


def _use(course_ref: str | None) -> Using:
    """Resolve --course (or $TUTOR_COURSE, or the bundled course): the command's course."""
    from tutor.commands._common import resolve_course
    from tutor.course import course_flag

    course = resolve_course(course_ref)
    return Using(course, course_flag(course))


def _catalog(u: Using):
    from tutor.exercises.catalog import load_catalog

    return load_catalog(u.course)


def _exercise(exercise_id: str, u: Using):
    from tutor.exercises.catalog import get_exercise

    return get_exercise(exercise_id, u.course)


def _store():
    from tutor.progress import ProgressStore

    store = ProgressStore()
    return store


def _warn(store) -> None:
    for w in store.warnings:
        stderr_console().print(f"warning: {w}")


def list_exercises(course: str | None = course_option()) -> None:
    """List the exercises with their status and points."""
    u = _use(course)
    from rich.table import Table

    from tutor.base.errors import TutorError
    from tutor.exercises.headers import exercise_headers  # cached: no numpy while no exercise changed
    from tutor.progress import exercise_status

    try:
        catalog = exercise_headers(u.course)
    except TutorError as err:
        fail(err.message)
    store = _store()
    table = Table(title="Self-check exercises")
    table.add_column("id")
    table.add_column("title")
    table.add_column("status")
    table.add_column("points", justify="right")
    styles = {"passed": "green", "failing": "yellow", "not started": "dim"}
    for ex in catalog:
        st = exercise_status(store.exercise(ex.id, course=u.key))
        best = store.exercise(ex.id, course=u.key).get("best_score")
        pts = f"{best:g}/{ex.max_score:g}" if best is not None else f"-/{ex.max_score:g}"
        table.add_row(ex.id, ex.title, f"[{styles[st]}]{st}[/]", pts)
    out = console()
    out.print(table)
    out.print(f"Start one with `tutor exercise start ID{u.flag}`, then `tutor check ID{u.flag}`.")
    _warn(store)


def start(
    exercise_id: str = Argument(..., help="The exercise id (see `tutor exercises`)."),
    dir: Path = Option(DEFAULT_DIR, "--dir", help="Folder for your exercise files."),
    force: bool = Option(False, "--force", help="Overwrite an existing file without asking."),
    course: str | None = course_option(),
) -> None:
    """Write the exercise's stub to DIR/<id>.py for you to fill in."""
    u = _use(course)
    from tutor.base.errors import TutorError
    from tutor.exercises.stubs import stub_source

    try:
        ex = _exercise(exercise_id, u)
    except TutorError as err:
        fail(err.message)
    target = dir / f"{ex.id}.py"
    if target.exists() and not force:
        if not sys.stdin.isatty():
            fail(f"{target} already exists and holds your work; use --force to replace it with a fresh stub")
        import typer  # only to ask; `tutor exercises` and `tutor check` run without it

        if not typer.confirm(f"{target} already exists. Replace your work with a fresh stub?", default=False):
            echo(f"Kept {target} as it is.")
            raise SystemExit(0)
    try:
        dir.mkdir(parents=True, exist_ok=True)
        target.write_text(stub_source(ex, flag=u.flag), encoding="utf-8")
        _write_helpers(dir, ex, u)
    except OSError as err:
        fail(f"cannot write {target}: {err.strerror or err}")
    store = _store()
    store.update_exercise(ex.id, course=u.key, started=True, file=str(target.resolve()))
    out = console()
    out.print(f"Wrote [bold]{target}[/]: write [bold]{ex.function}[/] there.")
    out.print(f"Check it with `tutor check {ex.id}{u.flag}` (add --watch to re-check on every save); "
              f"`tutor hint {ex.id}{u.flag}` gives a hint.")
    _warn(store)


def _write_helpers(folder: Path, current, u: Using) -> None:
    """folder/tutor_helpers.py with the helpers the started stubs import, so a stub also runs as a script.

    Only what a started exercise's stub imports, and never the answer of an
    exercise the learner has not passed yet: starting a later exercise must
    not hand out an earlier one's solution. Checks never use this file; they
    write their own.
    """
    from tutor.exercises.stubs import HELPERS_MODULE, module_source

    catalog = _catalog(u)
    store = _store()
    unpassed = {ex.function: ex.id for ex in catalog.values()
                if store.exercise(ex.id, course=u.key).get("passed") is not True}
    functions, withheld = {}, {}
    for ex in catalog.values():
        if ex.id == current.id or (folder / f"{ex.id}.py").is_file():
            for name, fn in ex.stub_helpers().items():
                if name in unpassed:
                    withheld[name] = unpassed[name]
                else:
                    functions[name] = fn
    if not functions and not withheld:
        return
    text = module_source(functions)
    for name, exercise_id in withheld.items():  # the import still works; calling it says why it is not there
        why = f"{name} is the answer to the exercise {exercise_id}: pass it first (`tutor check` lends the real one)."
        text += f"\n\ndef {name}(*args, **kwargs):\n    raise NotImplementedError({why!r})\n"
    (folder / f"{HELPERS_MODULE}.py").write_text(text, encoding="utf-8")


def _record(store, result, u: Using) -> None:
    from tutor.exercises.catalog import record_check

    record_check(store, result, course=u.key)


def _submission(path: Path) -> Path:
    """The learner's file, refused when it is one of the tutor's own (tutor_helpers.py holds reference helpers)."""
    from tutor.exercises.sourcefile import SourceProblem
    from tutor.exercises.stubs import HELPERS_MODULE

    if Path(path).name == f"{HELPERS_MODULE}.py":
        raise SourceProblem(f"{path} is the tutor's own file (the helpers your stubs import), not an answer; "
                            "check your exercise file, e.g. tutor check ID")
    return Path(path)


def _targets(exercise_id, file, folder, u: Using) -> list:
    from tutor.base.errors import TutorError
    from tutor.exercises.safetext import safe_text

    if exercise_id:
        ex = _exercise(exercise_id, u)
        return [(ex, Path(file) if file else folder / f"{ex.id}.py")]
    # The ids alone (tutor.exercises.catalog.exercise_ids): only the exercises checked are loaded.
    from tutor.exercises.catalog import exercise_ids

    ids = exercise_ids(u.course)
    if file:
        stem = Path(file).stem
        if stem not in ids:
            shown = safe_text(str(file))
            raise TutorError(f"cannot tell which exercise {shown} is; name it: tutor check ID --file {shown}")
        return [(_exercise(stem, u), Path(file))]
    found = [(_exercise(i, u), folder / f"{i}.py") for i in ids if (folder / f"{i}.py").is_file()]
    if not found:
        raise TutorError(f"no started exercises in {folder}/; start one with `tutor exercise start ID{u.flag}`")
    return found


def check(
    exercise_id: str = Argument(None, help="The exercise id; without it, every started exercise in --dir."),
    file: Path = Option(None, "--file", help="Your file (default: DIR/<id>.py)."),
    dir: Path = Option(DEFAULT_DIR, "--dir", help="Folder of your exercise files."),
    watch: bool = Option(False, "--watch", help="Re-check every time the file is saved (Ctrl-C stops)."),
    format: Format = Option(Format.text, "--format", help="text, json (one object; keyed by exercise id when checking several), or gradescope (writes --output)."),
    output: Path = Option(Path("results.json"), "--output", help="Where --format gradescope writes."),
    timeout: float = Option(10.0, "--timeout", min=0.5, max=3600, help="Seconds your code may run."),
    memory_mb: int = Option(2048, "--memory-mb", min=64, max=65536, help="Memory your code may use (MB)."),
    isolation: Isolation = Option(None, "--isolation", help="auto: isolate with bubblewrap when available; strict: refuse without it (the default for json and gradescope); off: a plain process."),
    course: str | None = course_option(),
) -> None:
    """Run your exercise code against its tests and explain the results."""
    from tutor.exercises.isolation import mode_from_env

    mode = isolation.value if isolation else mode_from_env("auto" if format is Format.text else "strict")
    # The sandbox starts first: it imports numpy on the other core while this process loads the exercise.
    server = None if watch else _early_server(mode)
    u = _use(course)
    from tutor.base.errors import TutorError
    from tutor.exercises.check import check_file, not_checked
    from tutor.exercises.report import render_text, to_json
    from tutor.exercises.sourcefile import SourceProblem

    try:
        targets = _targets(exercise_id, file, dir, u)
    except TutorError as err:
        fail(err.message)
    store = _store()
    if watch:
        if len(targets) != 1:
            fail("--watch follows one exercise; name it: tutor check ID --watch")
        _watch(targets[0], store, timeout, memory_mb, mode, u)
        raise SystemExit(0)

    results = []
    for ex, path in targets:
        try:
            result = check_file(ex, _submission(path), timeout=timeout, memory_mb=memory_mb, isolation=mode,
                                siblings=False, sandbox=server)
        except SourceProblem as err:
            if format is Format.text:
                fail(err.message)
            results.append(not_checked(ex, path, err.message))  # a grader's format always gets its document
            continue
        except TutorError as err:
            fail(err.message)
        _record(store, result, u)
        results.append(result)
    if format is not Format.text and any(r.notice for r in results):
        stderr_console().print(next(r.notice for r in results if r.notice), markup=False, highlight=False)
    if format is Format.json:
        docs = [to_json(r) for r in results]
        echo(json.dumps(docs[0] if exercise_id or file else {r.exercise_id: d for r, d in zip(results, docs)}, indent=2))
    elif format is Format.gradescope:
        doc = _gradescope(results, single=bool(exercise_id or file))
        try:
            output.write_text(json.dumps(doc, indent=2), encoding="utf-8")
        except OSError as err:
            fail(f"cannot write {output}: {err.strerror or err}")
        stderr_console().print(f"Wrote {output}: {doc['score']:g}/{doc['max_score']:g}.", markup=False, highlight=False)
    else:
        out = console()
        for r in results:
            out.print(render_text(r, flag=u.flag))
            out.print()
        bounds = next((r.bounds for r in results if r.bounds), "")
        if bounds:
            # Plain words (no ':name:' in them): emoji=False spares loading rich's emoji table for them.
            out.print(bounds, style="dim", markup=False, highlight=False, emoji=False)
    _warn(store)
    raise SystemExit(0 if all(r.passed for r in results) else 1)


def _early_server(mode: str):
    """A sandbox server started now, or None where it cannot be (the check then says why, as before)."""
    from tutor.base.errors import TutorError
    from tutor.exercises.server import Server

    try:
        server = Server(mode)
    except (TutorError, OSError):
        return None
    # The server ends with this process (its socket closes; bubblewrap dies with its parent), but its
    # folder in the temporary directory would stay behind, one per check: removed on the way out, without
    # close()'s wait for every process to be gone (about 20 ms that the learner would wait for).
    import atexit

    atexit.register(_remove_folder, server)
    return server


def _remove_folder(server) -> None:
    from tutor.exercises.server import remove

    if server.folder is not None:
        remove(server.folder)


def _gradescope(results, single: bool) -> dict:
    from tutor.exercises.report import to_gradescope

    docs = [to_gradescope(r) for r in results]
    if single:
        return docs[0]
    tests = [{**t, "name": f"{r.exercise_id}: {t['name']}"} for r, d in zip(results, docs) for t in d["tests"]]
    doc = {"score": sum(d["score"] for d in docs), "max_score": sum(d["max_score"] for d in docs), "tests": tests}
    # Each exercise's diagnoses and gradient check, under its id (they are per exercise, not per test).
    notes = [f"{r.exercise_id}:\n{d['output']}" for r, d in zip(results, docs) if d.get("output")]
    if notes:
        doc["output"] = "\n\n".join(notes)
    return doc


def _watch(target, store, timeout, memory_mb, mode, u: Using) -> None:
    import signal

    from tutor.base.errors import TutorError
    from tutor.exercises.check import check_file
    from tutor.exercises.report import render_text
    from tutor.exercises.sourcefile import read_source
    from tutor.exercises.watch import watch

    ex, path = target
    out = console()
    # Started in the background from a non-interactive shell, SIGINT arrives ignored
    # (SIG_IGN is inherited); watching must stop on Ctrl-C, so restore Python's handler.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    warm = [_early_server(mode)]  # one sandbox for the whole session: a re-check pays no numpy import

    def once():
        out.clear()
        if warm[0] is not None and not warm[0].available:
            warm[0].close()
            warm[0] = _early_server(mode)
        try:
            result = check_file(ex, _submission(path), timeout=timeout, memory_mb=memory_mb, isolation=mode,
                                siblings=False, sandbox=warm[0])
        except TutorError as err:
            out.print(f"error: {err.message}", markup=False, highlight=False)
        else:
            _record(store, result, u)
            out.print(render_text(result, flag=u.flag))
        out.print(f"\n[dim]Watching {escape_markup(str(path))} - save to re-check, Ctrl-C to stop.[/]")

    try:
        read_source(path, f"; start the exercise with `tutor exercise start {ex.id}`")
    except TutorError as err:
        fail(err.message)
    try:
        watch(path, once)
    finally:
        if warm[0] is not None:
            warm[0].close()


def escape_markup(text: str) -> str:
    from rich.markup import escape

    from tutor.exercises.safetext import safe_text

    return escape(safe_text(text))


def hint(
    exercise_id: str = Argument(..., help="The exercise id."),
    course: str | None = course_option(),
) -> None:
    """Show the next hint (each call reveals one more)."""
    u = _use(course)
    from tutor.base.errors import TutorError

    try:
        ex = _exercise(exercise_id, u)
    except TutorError as err:
        fail(err.message)
    store = _store()
    shown = int(store.exercise(ex.id, course=u.key).get("hints_shown", 0))
    n = min(shown + 1, len(ex.hints))
    store.update_exercise(ex.id, course=u.key, hints_shown=n)
    from tutor.render.prose import prose

    out = console()
    for i in range(n):
        out.print(prose(f"**Hint {i + 1}/{len(ex.hints)}:** {ex.hints[i]}"))  # Markdown, as in a lesson
    if n == len(ex.hints):
        out.print("[dim]That was the last hint.[/]")
    _warn(store)


def solution(
    exercise_id: str = Argument(..., help="The exercise id."),
    instructor: bool = Option(False, "--instructor", help="Show it before the exercise is passed (needs --key)."),
    key: Path = Option(None, "--key", help="The instructor's key file (see docs/instructors.md)."),
    course: str | None = course_option(),
) -> None:
    """Show the reference solution, once you have passed the exercise."""
    u = _use(course)
    import inspect

    from rich.syntax import Syntax

    from tutor.base.errors import TutorError
    from tutor.exercises.catalog import status
    from tutor.exercises.instructor import verify_key

    try:
        ex = _exercise(exercise_id, u)
    except TutorError as err:
        fail(err.message)
    if instructor:
        try:
            verify_key(key, ex.path.parent)
        except TutorError as err:
            fail(err.message, code=1)
    elif status(ex.id, course=u.key) != "passed":
        fail(f"the solution of {ex.id} opens once your code passes `tutor check {ex.id}{u.flag}`", code=1)
    try:
        source = inspect.getsource(ex.reference)
    except (OSError, TypeError, TutorError):
        fail(f"the reference of {ex.id} has no source to show", code=1)
    out = console()
    out.print(f"Reference for [bold]{ex.id}[/] ({escape_markup(ex.reference_path)}):")
    out.print(Syntax(source, "python", theme="ansi_dark", line_numbers=False))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    import typer  # here, not at the top: `tutor exercises` and `tutor check` run without the app

    app.command("exercises", rich_help_panel="Exercises")(list_exercises)
    exercise_app = typer.Typer(help="Start a self-check exercise.", no_args_is_help=True)
    exercise_app.command("start")(start)
    app.add_typer(exercise_app, name="exercise", rich_help_panel="Exercises")
    app.command("check", rich_help_panel="Exercises")(check)
    app.command("hint", rich_help_panel="Exercises")(hint)
    app.command("solution", rich_help_panel="Exercises")(solution)
