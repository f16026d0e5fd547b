"""Self-check exercise commands: exercises, exercise start, check, hint, solution.

Each command is thin: it finds the exercise, calls tutor.exercises, records
progress and prints. User mistakes (an unknown id, a missing file) end as one
`error:` line and exit code 2; `tutor check` exits 0 when every test passes
and 1 when any fails.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

from tutor.commands._common import console, fail, stderr_console

DEFAULT_DIR = Path("tutor-exercises")

exercise_app = typer.Typer(help="Start a self-check exercise.", no_args_is_help=True)


class Format(str, Enum):
    text = "text"
    json = "json"
    gradescope = "gradescope"


def _exercise(exercise_id: str):
    from tutor.exercises.catalog import get_exercise

    return get_exercise(exercise_id)


def _store():
    from tutor.progress import ProgressStore

    store = ProgressStore()
    return store


def _warn(store) -> None:
    for w in store.warnings:
        stderr_console().print(f"warning: {w}")


def list_exercises() -> None:
    """List the exercises with their status and points."""
    from rich.table import Table

    from tutor.errors import TutorError
    from tutor.lessons.headers import exercise_headers  # cached: no numpy while no exercise changed
    from tutor.progress import exercise_status

    try:
        catalog = exercise_headers()
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
        st = exercise_status(store.exercise(ex.id))
        best = store.exercise(ex.id).get("best_score")
        pts = f"{best:g}/{ex.max_score:g}" if best is not None else f"-/{ex.max_score:g}"
        table.add_row(ex.id, ex.title, f"[{styles[st]}]{st}[/]", pts)
    out = console()
    out.print(table)
    out.print("Start one with `tutor exercise start ID`, then `tutor check ID`.")
    _warn(store)


def start(
    exercise_id: str = typer.Argument(..., help="The exercise id (see `tutor exercises`)."),
    dir: Path = typer.Option(DEFAULT_DIR, "--dir", help="Folder for your exercise files."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file without asking."),
) -> None:
    """Write the exercise's stub to DIR/<id>.py for you to fill in."""
    from tutor.errors import TutorError
    from tutor.exercises.stubs import stub_source

    try:
        ex = _exercise(exercise_id)
    except TutorError as err:
        fail(err.message)
    target = dir / f"{ex.id}.py"
    if target.exists() and not force:
        if not sys.stdin.isatty():
            fail(f"{target} already exists and holds your work; use --force to replace it with a fresh stub")
        if not typer.confirm(f"{target} already exists. Replace your work with a fresh stub?", default=False):
            typer.echo(f"Kept {target} as it is.")
            raise typer.Exit(0)
    try:
        dir.mkdir(parents=True, exist_ok=True)
        target.write_text(stub_source(ex), encoding="utf-8")
    except OSError as err:
        fail(f"cannot write {target}: {err.strerror or err}")
    store = _store()
    store.update_exercise(ex.id, started=True, file=str(target.resolve()))
    out = console()
    out.print(f"Wrote [bold]{target}[/]: write [bold]{ex.function}[/] there.")
    out.print(f"Check it with `tutor check {ex.id}` (add --watch to re-check on every save); "
              f"`tutor hint {ex.id}` gives a hint.")
    _warn(store)


def _record(store, result) -> None:
    def change(rec):
        rec = dict(rec)
        rec["started"] = True
        rec["checks"] = int(rec.get("checks", 0)) + 1
        rec["score"] = result.score
        rec["max_score"] = result.max_score
        rec["best_score"] = max(float(rec.get("best_score", 0.0)), result.score)
        rec["passed"] = bool(rec.get("passed")) or result.passed
        rec["last"] = "passed" if result.passed else "failing"
        return rec

    store.update("exercises", result.exercise_id, change)


def _targets(exercise_id, file, folder) -> list:
    from tutor.errors import TutorError
    from tutor.exercises.catalog import load_catalog

    if exercise_id:
        ex = _exercise(exercise_id)
        return [(ex, Path(file) if file else folder / f"{ex.id}.py")]
    if file:
        stem = Path(file).stem
        catalog = load_catalog()
        if stem not in catalog:
            raise TutorError(f"cannot tell which exercise {file} is; name it: tutor check ID --file {file}")
        return [(catalog[stem], Path(file))]
    catalog = load_catalog()
    found = [(ex, folder / f"{ex.id}.py") for ex in catalog.values() if (folder / f"{ex.id}.py").is_file()]
    if not found:
        raise TutorError(f"no started exercises in {folder}/; start one with `tutor exercise start ID`")
    return found


def check(
    exercise_id: str = typer.Argument(None, help="The exercise id; without it, every started exercise in --dir."),
    file: Path = typer.Option(None, "--file", help="Your file (default: DIR/<id>.py)."),
    dir: Path = typer.Option(DEFAULT_DIR, "--dir", help="Folder of your exercise files."),
    watch: bool = typer.Option(False, "--watch", help="Re-check every time the file is saved (Ctrl-C stops)."),
    format: Format = typer.Option(Format.text, "--format", help="text, json (one object; keyed by exercise id when checking several), or gradescope (writes --output)."),
    output: Path = typer.Option(Path("results.json"), "--output", help="Where --format gradescope writes."),
    timeout: float = typer.Option(10.0, "--timeout", min=0.5, help="Seconds your code may run."),
    memory_mb: int = typer.Option(2048, "--memory-mb", min=64, help="Memory your code may use (MB)."),
) -> None:
    """Run your exercise code against its tests and explain the results."""
    from tutor.errors import TutorError
    from tutor.exercises.check import check_file
    from tutor.exercises.report import render_text, to_gradescope, to_json

    try:
        targets = _targets(exercise_id, file, dir)
    except TutorError as err:
        fail(err.message)
    store = _store()
    if watch:
        if len(targets) != 1:
            fail("--watch follows one exercise; name it: tutor check ID --watch")
        _watch(targets[0], store, timeout, memory_mb)
        raise typer.Exit(0)

    results = []
    for ex, path in targets:
        try:
            result = check_file(ex, path, timeout=timeout, memory_mb=memory_mb)
        except TutorError as err:
            fail(err.message)
        _record(store, result)
        results.append(result)
    if format is Format.json:
        docs = [to_json(r) for r in results]
        typer.echo(json.dumps(docs[0] if exercise_id or file else {r.exercise_id: d for r, d in zip(results, docs)}, indent=2))
    elif format is Format.gradescope:
        doc = _gradescope(results, single=bool(exercise_id or file))
        try:
            output.write_text(json.dumps(doc, indent=2), encoding="utf-8")
        except OSError as err:
            fail(f"cannot write {output}: {err.strerror or err}")
        stderr_console().print(f"Wrote {output}: {doc['score']:g}/{doc['max_score']:g}.")
    else:
        out = console()
        for r in results:
            out.print(render_text(r))
            out.print()
    _warn(store)
    raise typer.Exit(0 if all(r.passed for r in results) else 1)


def _gradescope(results, single: bool) -> dict:
    from tutor.exercises.report import to_gradescope

    docs = [to_gradescope(r) for r in results]
    if single:
        return docs[0]
    tests = [{**t, "name": f"{r.exercise_id}: {t['name']}"} for r, d in zip(results, docs) for t in d["tests"]]
    return {"score": sum(d["score"] for d in docs), "max_score": sum(d["max_score"] for d in docs), "tests": tests}


def _watch(target, store, timeout, memory_mb) -> None:
    from tutor.errors import TutorError
    from tutor.exercises.check import check_file
    from tutor.exercises.report import render_text
    from tutor.exercises.watch import watch

    ex, path = target
    out = console()

    def once():
        out.clear()
        try:
            result = check_file(ex, path, timeout=timeout, memory_mb=memory_mb)
        except TutorError as err:
            out.print(f"error: {err.message}")
        else:
            _record(store, result)
            out.print(render_text(result))
        out.print(f"\n[dim]Watching {path} - save to re-check, Ctrl-C to stop.[/]")

    if not path.is_file():
        fail(f"there is no file {path}; start the exercise with `tutor exercise start {ex.id}`")
    watch(path, once)


def hint(exercise_id: str = typer.Argument(..., help="The exercise id.")) -> None:
    """Show the next hint (each call reveals one more)."""
    from tutor.errors import TutorError

    try:
        ex = _exercise(exercise_id)
    except TutorError as err:
        fail(err.message)
    store = _store()
    shown = int(store.exercise(ex.id).get("hints_shown", 0))
    n = min(shown + 1, len(ex.hints))
    store.update_exercise(ex.id, hints_shown=n)
    out = console()
    for i in range(n):
        style = "bold" if i == n - 1 else "dim"
        out.print(f"[{style}]Hint {i + 1}/{len(ex.hints)}:[/] {ex.hints[i]}", highlight=False, markup=True)
    if n == len(ex.hints):
        out.print("[dim]That was the last hint.[/]")
    _warn(store)


def solution(
    exercise_id: str = typer.Argument(..., help="The exercise id."),
    instructor: bool = typer.Option(False, "--instructor", help="Show it even before the exercise is passed."),
) -> None:
    """Show the reference solution, once you have passed the exercise."""
    import inspect

    from rich.syntax import Syntax

    from tutor.errors import TutorError
    from tutor.exercises.catalog import status

    try:
        ex = _exercise(exercise_id)
    except TutorError as err:
        fail(err.message)
    if not instructor and status(ex.id) != "passed":
        fail(f"the solution of {ex.id} opens once your code passes `tutor check {ex.id}` (instructors: --instructor)", code=1)
    source = inspect.getsource(ex.reference)
    out = console()
    out.print(f"Reference for [bold]{ex.id}[/] ({ex.reference_path}):")
    out.print(Syntax(source, "python", theme="ansi_dark", line_numbers=False))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("exercises", rich_help_panel="Exercises")(list_exercises)
    exercise_app.command("start")(start)
    app.add_typer(exercise_app, name="exercise", rich_help_panel="Exercises")
    app.command("check", rich_help_panel="Exercises")(check)
    app.command("hint", rich_help_panel="Exercises")(hint)
    app.command("solution", rich_help_panel="Exercises")(solution)
