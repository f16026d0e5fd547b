"""`tutor grade PATH...`: grade a whole class; gradebook, feedback, report and a summary.

Thin: finds the submissions (tutor.grading.discover), grades them in
parallel with a progress bar (tutor.grading.run), writes the files
(tutor.grading.writers, .html) and prints the summary
(tutor.grading.terminal). A usage problem is one `error:` line and exit 2;
Ctrl-C keeps what was graded (exit 130) and the same command resumes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.commands._common import fail, stderr_console, stdout_console
from tutor.commands.spec import Argument, Option

if TYPE_CHECKING:
    import typer


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _collect(paths: list[Path], catalog: dict, wanted: list[str], scratch: Path, out: Path) -> list:
    from tutor.base.errors import TutorError
    from tutor.grading.discover import discover
    from tutor.grading.safezip import extract

    subs, owner = [], {}
    for i, path in enumerate(paths):
        if not path.exists():
            raise TutorError(f"there is no file or folder {path}")
        if path.is_dir():
            folder = path
        elif path.is_file() and path.suffix.lower() == ".zip":
            target = scratch / f"zip{i}"
            target.mkdir()
            folder = extract(path, target)
        else:
            raise TutorError(f"{path} is neither a class folder nor a .zip of one")
        found = discover(folder, catalog, wanted, skip=out)
        for sub in found:
            if owner.setdefault(sub.student, path) != path:
                raise TutorError(f"student {sub.student!r} is in both {owner[sub.student]} and {path}; "
                                 "grade them separately or rename one")
        subs.extend(found)
    if not subs:
        raise TutorError(f"no submissions in {', '.join(str(p) for p in paths)}: "
                         "expected one .py file or one folder per student")
    return subs


def _progress(console, total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
        TextColumn("[red]{task.fields[failed]} failed[/]"),
        TextColumn("{task.fields[rate]}"), TextColumn("left"), TimeRemainingColumn(),
        console=console, disable=not console.is_terminal, transient=False,
    )


def grade(
    paths: list[Path] = Argument(..., help="Class folders (one .py file or one folder per student; the name is the student id) or zips of them."),
    exercise: list[str] = Option([], "--exercise", "-e", help="Grade against this exercise (repeatable); default: found from each file's function names."),
    jobs: int = Option(None, "--jobs", "-j", min=1, help="Checks run at once (default: the number of cores)."),
    out: Path = Option(Path("grades"), "--out", "-o", help="Folder for gradebook.csv, grades.json, report.html, feedback/ (and the state a rerun resumes from)."),
    timeout: float = Option(10.0, "--timeout", min=0.5, help="Seconds each submission may run (as `tutor check`)."),
    memory_mb: int = Option(2048, "--memory-mb", min=64, help="Memory each submission may use, MB (as `tutor check`)."),
    isolation: str = Option(None, "--isolation", metavar="strict|auto|off",
                            help="strict (default): every check isolated with bubblewrap, or none runs; auto: isolate where possible; off: plain processes."),
) -> None:
    """Grade a class: every submission checked as `tutor check` would, with a gradebook, feedback and a report."""
    import signal
    import tempfile
    import threading
    import time

    from tutor.base.errors import TutorError
    from tutor.exercises.catalog import load_catalog
    from tutor.grading.discover import check_ids
    from tutor.grading.run import grade_all

    from functools import partial

    from tutor.exercises.isolation import decide, mode_from_env
    from tutor.grading.checker import grade_one

    err = stderr_console()
    mode = (isolation or mode_from_env("strict")).strip().lower()
    try:
        _, notice = decide(mode)  # refuse once, up front, rather than in every row
    except TutorError as e:
        fail(e.message)
    if notice:
        err.print(f"note: {notice}", highlight=False, soft_wrap=True)
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder")
    try:
        catalog = load_catalog()
        wanted = check_ids(list(exercise), catalog)
    except TutorError as e:
        fail(e.message)
    jobs = jobs or _cores()
    with tempfile.TemporaryDirectory(prefix="tutor-class-") as scratch:
        try:
            subs = _collect(list(paths), catalog, wanted, Path(scratch), out)
            out.mkdir(parents=True, exist_ok=True)
        except TutorError as e:
            fail(e.message)
        except OSError as e:
            fail(f"cannot read the class or write {out}: {e.strerror or e}")

        stop = threading.Event()

        def on_sigint(signum, frame):
            stop.set()
            signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C ends at once

        try:
            previous = signal.signal(signal.SIGINT, on_sigint)
        except ValueError:  # not the main thread (embedded use): no Ctrl-C handling
            previous = None
        started = time.perf_counter()
        counts = {"done": 0, "failed": 0}
        with _progress(err, len(subs)) as bar:
            task = bar.add_task("grading", total=len(subs), failed=0, rate="")

            def on_result(record, reused):
                counts["done"] += 1
                counts["failed"] += not record["passed"]
                elapsed = time.perf_counter() - started
                bar.update(task, advance=1, failed=counts["failed"],
                           rate=f"{counts['done'] / elapsed:.1f}/s" if elapsed > 0 else "")

            try:
                run = grade_all(subs, catalog, out=out, jobs=jobs, timeout=timeout, memory_mb=memory_mb,
                                on_result=on_result, stop=stop, grade=partial(grade_one, isolation=mode))
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)
    if run.interrupted:
        err.print(f"Interrupted: {run.checked + run.reused} of {len(subs)} submissions graded and kept in {out}; "
                  "run the same command again to grade the rest.", highlight=False, soft_wrap=True)
        raise SystemExit(130)
    _write(run.records, catalog, out)
    from tutor.grading.summary import summarize
    from tutor.grading.terminal import render_summary

    console = stdout_console()
    console.print(render_summary(summarize(run.records, catalog)))
    seconds = time.perf_counter() - started
    console.print(f"\nWrote gradebook.csv, grades.json, report.html and feedback/ to {out} "
                  f"({run.checked} checked, {run.reused} unchanged since the last run, {seconds:.1f} s).",
                  highlight=False, markup=False, soft_wrap=True)


def _write(records: list[dict], catalog: dict, out: Path) -> None:
    from tutor.grading.html import render_report
    from tutor.grading.summary import summarize
    from tutor.grading.writers import write_feedback, write_gradebook, write_json

    try:
        write_gradebook(records, out / "gradebook.csv")
        write_json(records, catalog, out / "grades.json")
        write_feedback(records, out / "feedback")
        (out / "report.html").write_text(render_report(summarize(records, catalog), records), encoding="utf-8")
    except OSError as e:
        fail(f"cannot write to {out}: {e.strerror or e}")


def register(app: typer.Typer) -> None:
    app.command("grade", rich_help_panel="Instructors")(grade)
