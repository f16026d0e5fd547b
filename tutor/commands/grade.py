"""`tutor grade PATH...`: grade a whole class; gradebook, feedback, report and a summary.

Thin: finds the submissions (tutor.grading.discover), grades them in
parallel with a progress bar (tutor.grading.run; on a Dask cluster with
--cluster, tutor.grading.cluster), writes the files (tutor.grading.writers,
.html, .exports) and prints the summary (tutor.grading.terminal). With
--shard K/N it grades one share and writes a part (tutor.grading.shard);
`tutor grade merge PART...` writes what one run would have, and `tutor
grade diff OLD NEW` says whose grade changed and why (tutor.grading.regrade).
A usage problem is one `error:` line and exit 2; Ctrl-C keeps what was
graded (exit 130) and the same command resumes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from tutor.base.options import Argument, Option
from tutor.commands._common import course_option, fail, resolve_course, stderr_console, stdout_console

if TYPE_CHECKING:
    import typer

SUBCOMMANDS = ("merge", "diff")


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _collect(paths: list[Path], catalog: dict, wanted: list[str], scratch: Path, out: Path) -> list:
    from tutor.base.errors import TutorError
    from tutor.grading.discover import discover, student_submissions, zip_is_one_student
    from tutor.grading.safezip import extract

    subs, owner = [], {}
    for i, path in enumerate(paths):
        if not path.exists():
            raise TutorError(f"there is no file or folder {path}")
        if path.is_dir():
            found = discover(path, catalog, wanted, skip=out, scratch=scratch / f"in{i}")
        elif path.is_file() and path.suffix.lower() == ".zip":
            target = scratch / f"zip{i}"
            target.mkdir()
            folder = extract(path, target)
            if zip_is_one_student(folder, catalog, wanted):  # one student's files, not a class (docs/grading.md)
                student = path.stem
                found = student_submissions(student, folder, catalog, wanted, label=path.name,
                                            scratch=scratch / f"in{i}")
            else:
                found = discover(folder, catalog, wanted, scratch=scratch / f"in{i}")
        else:
            raise TutorError(f"{path} is neither a class folder nor a .zip of one")
        for sub in found:
            if owner.setdefault(sub.student, path) != path:
                raise TutorError(f"student {sub.student!r} is in both {owner[sub.student]} and {path}; "
                                 "grade them separately or rename one")
        subs.extend(found)
    if not subs:
        raise TutorError(f"no submissions in {', '.join(str(p) for p in paths)}: "
                         "expected one .py file, folder or zip per student")
    return subs


def _progress(console, total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
        TextColumn("[red]{task.fields[failed]} failed[/]"),
        TextColumn("{task.fields[rate]}"), TextColumn("left"), TimeRemainingColumn(),
        console=console, disable=not console.is_terminal, transient=False,
    )


def _catalog(course):
    """The course's exercises (each knows its course: the checks use its plugin)."""
    from tutor.exercises.catalog import load_catalog

    return load_catalog(course)


def grade(
    paths: list[Path] = Argument(..., help="Class folders (one .py file, folder or zip per student; the name is the student id) or zips of them. `tutor grade merge PART... -o OUT` combines shares; `tutor grade diff OLD NEW` compares two runs."),
    exercise: list[str] = Option([], "--exercise", "-e", help="Grade against this exercise (repeatable); default: found from each file's function names."),
    jobs: int = Option(None, "--jobs", "-j", min=1, help="Checks run at once (default: the number of cores)."),
    out: Path = Option(Path("grades"), "--out", "-o", help="Folder for gradebook.csv, grades.json, report.html, feedback/ (and the state a rerun resumes from)."),
    timeout: float = Option(10.0, "--timeout", min=0.5, help="Seconds each submission may run (as `tutor check`)."),
    memory_mb: int = Option(2048, "--memory-mb", min=64, help="Memory each submission may use, MB (as `tutor check`)."),
    isolation: str = Option(None, "--isolation", metavar="strict|auto|off",
                            help="strict (default): every check isolated with bubblewrap, or none runs; auto: isolate where possible; off: plain processes."),
    cluster: str = Option(None, "--cluster", metavar="SCHEDULER",
                          help="Run the checks on a Dask cluster (tcp://host:8786); needs the cluster extra here and on every worker."),
    shard: str = Option(None, "--shard", metavar="K/N", help="Grade share K of N of the class (by a hash of each student's id) and write OUT/part.json for `tutor grade merge`."),
    export: str = Option(None, "--export", metavar="canvas|moodle", help="Also write OUT/canvas.csv or OUT/moodle.csv, ready to import."),
    roster: Path = Option(None, "--roster", help="CSV mapping the class's student ids (a `submission` column) to the LMS's identity columns."),
    assignment: list[str] = Option([], "--assignment", metavar="[EXERCISE=]TITLE", help="The export's grade column title (Canvas: 'Name (assignment id)'); default: the exercise's title."),
    course: Optional[str] = course_option(),
) -> None:
    """Grade a class: every submission checked as `tutor check` would, with a gradebook, feedback and a report."""
    if paths and str(paths[0]) in SUBCOMMANDS and not paths[0].exists():
        sub = str(paths[0])
        if sub == "merge":
            return _merge(list(paths[1:]), out, export, roster, list(assignment), course)
        return _diff(list(paths[1:]))
    import signal
    import tempfile
    import threading
    import time
    from functools import partial

    from tutor.base.errors import TutorError
    from tutor.exercises.isolation import decide, mode_from_env
    from tutor.grading.checker import grade_one
    from tutor.grading.discover import check_ids
    from tutor.grading.run import grade_all

    err = stderr_console()
    mode = (isolation or mode_from_env("strict")).strip().lower()
    try:
        share = None
        if shard is not None:
            from tutor.grading.shard import parse_shard

            share = parse_shard(shard)
        if export is not None and export not in ("canvas", "moodle"):
            raise TutorError(f"--export {export!r}: choose canvas or moodle")
        if roster is not None and not roster.is_file():
            raise TutorError(f"there is no roster file {roster}")
        if cluster is None:
            _, notice = decide(mode)  # refuse once, up front, rather than in every row
        else:
            notice = None  # the workers decide; a worker that cannot isolate says so in its rows
    except TutorError as e:
        fail(e.message)
    if notice:
        err.print(notice if notice.startswith("note:") else f"note: {notice}", highlight=False, soft_wrap=True)
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder")
    chosen = resolve_course(course)
    try:
        catalog = _catalog(chosen)
        wanted = check_ids(list(exercise), catalog)
    except TutorError as e:
        fail(e.message)
    jobs = jobs or _cores()
    client = None
    if cluster is not None:  # before anything is written: an unreachable scheduler leaves no trace
        from tutor.grading.cluster import connect

        try:
            client = connect(cluster)
        except TutorError as e:
            fail(e.message)
    with tempfile.TemporaryDirectory(prefix="tutor-class-") as scratch:
        try:
            everyone = _collect(list(paths), catalog, wanted, Path(scratch), out)
            out.mkdir(parents=True, exist_ok=True)
        except (TutorError, OSError) as e:
            if client is not None:
                client.close()
            fail(e.message if isinstance(e, TutorError) else f"cannot read the class or write {out}: {e.strerror or e}")
        subs, places = everyone, list(range(len(everyone)))
        if share is not None:
            from tutor.grading.shard import share_of

            places = [i for i, s in enumerate(everyone) if share_of(s.student, share[1]) == share[0]]
            subs = [everyone[i] for i in places]
        checks = None
        if client is not None:
            from tutor.grading.cluster import DaskChecks

            checks = DaskChecks(client, catalog, chosen, timeout=timeout, memory_mb=memory_mb, isolation=mode)

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
        try:
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
                                    on_result=on_result, stop=stop, grade=partial(grade_one, isolation=mode), isolation=mode,
                                    checks=checks)
                finally:
                    if previous is not None:
                        signal.signal(signal.SIGINT, previous)
        finally:
            if client is not None:
                client.close()
    if run.interrupted:
        err.print(f"Interrupted: {run.checked + run.reused} of {len(subs)} submissions graded and kept in {out}; "
                  "run the same command again to grade the rest.", highlight=False, soft_wrap=True)
        raise SystemExit(130)
    seconds = time.perf_counter() - started
    console = stdout_console()
    if share is not None:
        from tutor.grading.shard import write_part

        settings = {"exercises": wanted, "timeout": timeout, "memory_mb": memory_mb, "isolation": mode,
                    "course": chosen.id}
        write_part(out, share[0], share[1], everyone, places, run.records, settings)
        console.print(f"Wrote share {share[0]} of {share[1]} ({len(subs)} of {len(everyone)} submissions) to "
                      f"{out}/part.json ({run.checked} checked, {run.reused} unchanged, {seconds:.1f} s). "
                      "When every share is done: tutor grade merge PART_FOLDERS... -o OUT",
                      highlight=False, markup=False, soft_wrap=True)
        return
    _write(run.records, catalog, out, export, roster, list(assignment))
    from tutor.grading.summary import summarize
    from tutor.grading.terminal import render_summary

    console.print(render_summary(summarize(run.records, catalog)))
    console.print(f"\nWrote gradebook.csv, grades.json, report.html and feedback/ to {out} "
                  f"({run.checked} checked, {run.reused} unchanged since the last run, {seconds:.1f} s).",
                  highlight=False, markup=False, soft_wrap=True)


def _write(records: list[dict], catalog: dict, out: Path, export: str | None = None,
           roster: Path | None = None, assignments: list[str] = ()) -> None:
    from tutor.base.errors import TutorError
    from tutor.grading.html import render_report
    from tutor.grading.summary import summarize
    from tutor.grading.writers import write_feedback, write_gradebook, write_json

    try:
        write_gradebook(records, out / "gradebook.csv")
        write_json(records, catalog, out / "grades.json")
        write_feedback(records, out / "feedback")
        (out / "report.html").write_text(render_report(summarize(records, catalog), records), encoding="utf-8")
        if export is not None:
            from tutor.grading.exports import write_export

            path, notes = write_export(records, catalog, export, out, roster_path=roster, assignments=assignments)
            for note in notes:
                stderr_console().print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
            stdout_console().print(f"Wrote {path} for {export.capitalize()}'s gradebook import.",
                                   highlight=False, markup=False, soft_wrap=True)
    except TutorError as e:
        fail(e.message)
    except OSError as e:
        fail(f"cannot write to {out}: {e.strerror or e}")


def _merge(parts: list[Path], out: Path, export: str | None, roster: Path | None, assignments: list[str],
           course: str | None) -> None:
    """`tutor grade merge PART... -o OUT`: the files one run would have written, from every share."""
    from tutor.base.errors import TutorError
    from tutor.grading.shard import merge_parts

    if not parts:
        fail("tutor grade merge PART... -o OUT: give the folders every `--shard K/N` run wrote")
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder")
    try:
        records, settings = merge_parts(parts)
    except TutorError as e:
        fail(e.message)
    chosen = resolve_course(course)
    if settings.get("course") not in (None, chosen.id):
        fail(f"the shares were graded with course {settings['course']!r}; merge with --course {settings['course']}")
    catalog = _catalog(chosen)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"cannot write {out}: {e.strerror or e}")
    _write(records, catalog, out, export, roster, assignments)
    from tutor.grading.summary import summarize
    from tutor.grading.terminal import render_summary

    console = stdout_console()
    console.print(render_summary(summarize(records, catalog)))
    console.print(f"\nMerged {len(parts)} shares ({len(records)} submissions): wrote gradebook.csv, grades.json, "
                  f"report.html and feedback/ to {out}.", highlight=False, markup=False, soft_wrap=True)


def _diff(sides: list[Path]) -> None:
    """`tutor grade diff OLD NEW`: whose grade changed between two runs, and why."""
    from tutor.base.errors import TutorError
    from tutor.grading.regrade import describe, diff, read_grades

    if len(sides) != 2:
        fail("tutor grade diff OLD NEW: give two output folders of `tutor grade` (or their grades.json)")
    try:
        changes, same = diff(read_grades(sides[0]), read_grades(sides[1]))
    except TutorError as e:
        fail(e.message)
    console = stdout_console()
    for line in describe(changes, same):
        console.print(line, highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("grade", rich_help_panel="Instructors")(grade)
