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

from tutor.base.errors import LessonError, TutorError
from tutor.lessons.loader import MANIFEST, load_lesson


def _origin(func) -> str:
    """'engine' for the engine's own entries, else the module that registered it."""
    module = getattr(func, "__module__", "") or ""
    if module.startswith("tutor.lessons"):
        return "engine"
    if module.startswith("tutor.courses."):
        return module.split(".")[2]  # the bundled plugin's package name
    return module.removeprefix("tutor_course_plugin_").split(".")[0]


def list_operations(course) -> Table:
    """Every operation and view `course` may use: signature, what it gives, one-line doc, where it comes from."""
    from tutor.lessons.engine import lesson_vocabulary

    vocab = lesson_vocabulary(course)
    OPERATIONS, VIEWS = vocab.operations, vocab.views  # noqa: N806 - registries, read like constants
    table = Table(title="Operations (a compute step's op) and views (show / figure)", show_lines=False, box=None,
                  padding=(0, 1), expand=True)
    table.add_column("signature", style="bold cyan", overflow="fold", ratio=2)
    table.add_column("gives", overflow="fold", ratio=1)
    table.add_column("what it does", overflow="fold", ratio=3)
    table.add_column("from", style="dim", no_wrap=True)
    for _name, op in sorted(OPERATIONS.items()):
        table.add_row(Text(op.signature()), ", ".join(op.outputs) or "one value", op.doc, _origin(op.func))
    for _name, v in sorted(VIEWS.items()):
        table.add_row(Text(v.signature()), "a view", v.doc, _origin(v.func))
    return table


def validate_lesson(path: Path, course=None) -> tuple[list[str], int]:
    """Problems in one lesson file (empty: fine), and its number of steps."""
    problems, _, n = check_lesson(path, course)
    return problems, n


def check_lesson(path: Path, course=None) -> tuple[list[str], list[str], int]:
    """(problems, warnings, number of steps) of one lesson file; warnings are advice and fail nothing."""
    import io

    from rich.console import Console as _Console

    from tutor.lessons.loader import lesson_warnings
    from tutor.lessons.runner import render_lesson

    try:
        lesson = load_lesson(path, course)
    except LessonError as err:
        return [p.locate() for p in err.problems], [], 0
    except TutorError as err:
        return [f"{path}: {err.message}"], [], 0
    warnings = [f"{path}: {w}" for w in lesson_warnings(lesson)]
    missing = exercise_step_problems(lesson)
    try:
        session = render_lesson(lesson, _Console(file=io.StringIO(), width=100), answers=True, notes=True)
    except LessonError as err:
        return [p.locate() for p in err.problems], warnings, len(lesson.steps)
    except TutorError as err:
        return [f"{path}: setup: {err.message}"], warnings, len(lesson.steps)
    warnings += [f"{path}: {w}" for w in session.describe_warnings()]
    return missing + [f"{path}: {p}" for p in session.describe_problems()], warnings, len(lesson.steps)


def exercise_step_problems(lesson) -> list[str]:
    """An exercise step must name an exercise of the lesson's course (its file is `<id>.yaml`)."""
    from tutor.base.errors import did_you_mean

    course = lesson.course
    if course is None:
        return []
    known = sorted(p.stem for p in course.exercises_dir.glob("*.yaml")) if course.exercises_dir.is_dir() else []
    out = []
    for _i, step in enumerate(lesson.steps):
        name = getattr(step, "exercise", None) if step.kind == "exercise" else None
        if name is not None and name not in known:
            where = step.common.where
            hint = did_you_mean(name, known) or (f" (its exercises: {', '.join(known)})" if known else
                                                  " (it has no exercises folder)")
            out.append(where.error(f"exercise: the course {course.id!r} has no exercise {name!r}{hint}").locate())
    return out


def validate_manifest(path: Path) -> list[str]:
    """Problems in a course.yaml: its keys, its plugin, and lessons or exercises it lists without a file."""
    from tutor.course import course_vocabulary, load_course

    try:
        course = load_course(path)
        course_vocabulary(course)
    except LessonError as err:
        return [p.locate() for p in err.problems]
    except TutorError as err:
        return [f"{path}: {err.message}"]
    problems = [f"{path}: lessons: {lesson_id!r} is listed but {course.lesson_path(lesson_id)} does not exist"
                for lesson_id in course.lessons if not course.lesson_path(lesson_id).is_file()]
    problems += [f"{path}: exercises: {ex!r} is listed but {course.exercises_dir / (ex + '.yaml')} does not exist"
                 for ex in course.exercises if not (course.exercises_dir / f"{ex}.yaml").is_file()]
    return problems


def _is_exercise(path: Path) -> bool:
    return any(part == "exercises" for part in path.resolve().parts[-2:]) and path.name != MANIFEST


def _exercise_problems(paths: list[Path], default_course=None) -> list[str] | None:
    """Problems of exercise files, each checked in its own course (the manifest one folder up), else default_course."""
    try:
        from tutor.exercises.validate import validate_exercises
    except ImportError:
        return None
    from tutor.course import course_of_lesson

    by_course: dict = {}
    for p in paths:
        by_course.setdefault(course_of_lesson(p) or default_course, []).append(p)
    return [problem for course, files in by_course.items() for problem in validate_exercises(files, course)]


def validate_paths(paths, console: Console, course=None, *, default_course=None) -> bool:
    """Validate every file; print one line per file and every problem. True when all pass.

    course: validate that whole course (its manifest, every lesson file, its exercises) too.
    default_course: the course a loose lesson file (no course.yaml beside it) is read in.
    """
    files: list[Path] = []
    exercise_files: list[Path] = []
    problems_total = 0
    if course is not None:
        files.append(Path(course.file))
        files.extend(course.lesson_path(i) for i in course.lesson_ids() if course.lesson_path(i).is_file())
        if course.exercises_dir.is_dir():
            exercise_files.extend(sorted(course.exercises_dir.glob("*.yaml")))
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
    files = _unique(files)
    exercise_files = _unique(exercise_files)
    for path in files:
        start = time.perf_counter()
        if path.name == MANIFEST:
            problems, warnings, what = validate_manifest(path), [], "course manifest"
        else:
            from tutor.course import course_of_lesson

            problems, warnings, n = check_lesson(path, course_of_lesson(path) or default_course)
            what = f"{n} steps"
        seconds = time.perf_counter() - start
        _report(console, path, problems, f"{what}, {seconds:.1f} s")
        for w in warnings:
            console.print(Text.assemble(("  warning: ", "yellow"), w))
        problems_total += len(problems)
    if exercise_files:
        problems = _exercise_problems(exercise_files, course or default_course)
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


def shown_path(path: Path) -> Path:
    """The one way validate names a file: relative to the working folder when it is inside it, else absolute.

    Every message about the file (its line, the loader's problems) uses this
    same form, however the file was reached (an argument, the course's list).
    """
    import os

    full = Path(path).resolve()
    try:
        full.relative_to(Path.cwd().resolve())
    except ValueError:
        return full
    return Path(os.path.relpath(full))


def _unique(paths: list[Path]) -> list[Path]:
    """The paths in their shown form, each file once (a file named twice, or reached twice, is checked once)."""
    seen: dict[Path, Path] = {}
    for p in paths:
        seen.setdefault(Path(p).resolve(), shown_path(p))
    return list(seen.values())


def _report(console: Console, path: Path, problems: list[str], detail: str) -> None:
    if problems:
        console.print(Text.assemble(("FAIL ", "bold red"), str(path), (f"  ({detail})", "dim")))
        for p in problems:
            console.print(Text(f"  - {p}"))
    else:
        console.print(Text.assemble(("ok   ", "bold green"), str(path), (f"  ({detail})", "dim")))
