"""`tutor validate`: load lessons, run every step headless, report every problem.

A lesson passes when it loads (every key, type and name checked) and every
step runs on its default setup: no step fails, every check passes, every
shape equation fits, every quiz's answer can be worked out. Folders are
walked file by file; `course.yaml` is checked as the course manifest (each
listed lesson must have a file); exercise files go to the exercise checker.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.lessons.errors import LessonError
from tutor.lessons.loader import MANIFEST, load_lesson, load_manifest


def list_operations() -> Table:
    """The registered operations with their inputs and outputs."""
    from tutor.lessons.registry import load_operations

    table = Table(title="Operations a compute step can name", show_lines=False, box=None, padding=(0, 1))
    table.add_column("op", style="bold cyan", no_wrap=True)
    table.add_column("inputs (optional in brackets)")
    table.add_column("gives")
    table.add_column("what it does", ratio=1)
    for name, op in sorted(load_operations().items()):
        inputs = ", ".join(op.inputs + tuple(f"[{o}]" for o in op.optional))
        table.add_row(name, Text(inputs), ", ".join(op.outputs) or "one value (bind: name)", op.doc)
    return table


def validate_lesson(path: Path) -> tuple[list[str], int]:
    """Problems in one lesson file (empty: fine), and its number of steps."""
    from rich.console import Console as _Console
    import io

    from tutor.errors import TutorError
    from tutor.lessons.runner import render_lesson

    try:
        lesson = load_lesson(path)
    except LessonError as err:
        return [p.locate() for p in err.problems], 0
    try:
        session = render_lesson(lesson, _Console(file=io.StringIO(), width=100), answers=True, notes=True)
    except TutorError as err:
        return [f"{path}: setup: {err.message}"], len(lesson.steps)
    return [f"{path}: {p}" for p in session.describe_problems()], len(lesson.steps)


def validate_manifest(path: Path) -> list[str]:
    try:
        manifest = load_manifest(path)
    except LessonError as err:
        return [p.locate() for p in err.problems]
    folder = path.parent
    return [f"{path}: lessons: {lesson_id!r} is listed but {folder / (lesson_id + '.yaml')} does not exist"
            for lesson_id in manifest.lessons if not (folder / f"{lesson_id}.yaml").is_file()]


def _is_exercise(path: Path) -> bool:
    return any(part == "exercises" for part in path.resolve().parts[-2:]) and path.name != MANIFEST


def _exercise_problems(paths: list[Path]) -> list[str] | None:
    try:
        from tutor.exercises.validate import validate_exercises
    except ImportError:
        return None
    return list(validate_exercises(paths))


def validate_paths(paths, console: Console) -> bool:
    """Validate every file; print one line per file and every problem. True when all pass."""
    files: list[Path] = []
    exercise_files: list[Path] = []
    problems_total = 0
    for p in map(Path, paths):
        if p.is_dir():
            if p.resolve().name == "exercises":
                exercise_files.extend(sorted(p.glob("*.yaml")))
                continue
            found = sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml"))
            if not found:
                console.print(Text(f"FAIL {p}: no .yaml files in this folder", style="bold red"))
                problems_total += 1
            files.extend(found)
        elif not p.exists():
            console.print(Text(f"FAIL {p}: no such file or folder", style="bold red"))
            problems_total += 1
        elif _is_exercise(p):
            exercise_files.append(p)
        else:
            files.append(p)
    for path in files:
        start = time.perf_counter()
        if path.name == MANIFEST:
            problems, what = validate_manifest(path), "course manifest"
        else:
            problems, n = validate_lesson(path)
            what = f"{n} steps"
        seconds = time.perf_counter() - start
        _report(console, path, problems, f"{what}, {seconds:.1f} s")
        problems_total += len(problems)
    if exercise_files:
        problems = _exercise_problems(exercise_files)
        if problems is None:
            console.print(Text(f"skip {len(exercise_files)} exercise files: the exercise checker is not installed", style="yellow"))
        else:
            _report(console, Path("exercises"), problems, f"{len(exercise_files)} exercise files")
            problems_total += len(problems)
    if problems_total:
        console.print(Text(f"{problems_total} problem{'s' if problems_total != 1 else ''} found.", style="bold red"))
    else:
        console.print(Text("All valid.", style="bold green"))
    return problems_total == 0


def _report(console: Console, path: Path, problems: list[str], detail: str) -> None:
    if problems:
        console.print(Text.assemble(("FAIL ", "bold red"), str(path), (f"  ({detail})", "dim")))
        for p in problems:
            console.print(Text(f"  - {p}"))
    else:
        console.print(Text.assemble(("ok   ", "bold green"), str(path), (f"  ({detail})", "dim")))
