"""Grade many submissions in parallel, resuming from what was graded before.

Each check already runs the learner's code in a child process (a fresh fork
of a warm sandbox server, one server per job), so the parent needs only
threads to keep `jobs` checks going at once. Every check gets a
fresh private folder holding its student's files as read at discovery, so a
submission that writes around it cannot change another's input. A stop
request (Ctrl-C) starts no new check and keeps no result that finished after
it (a child killed by the same Ctrl-C would look like a crash).
"""

from __future__ import annotations

import ast
import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tutor.base.pyparse import parse as parse_python
from tutor.grading.checker import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, grade_one, not_graded
from tutor.grading.discover import Submission
from tutor.grading.state import GradeState
from tutor.grading.text import safe

EXCERPT_LINES = 40
EXCERPT_CHARS = 3000


@dataclass
class RunResult:
    records: list[dict] = field(default_factory=list)  # one per submission, in submission order
    checked: int = 0  # checks run now
    reused: int = 0  # records taken from the last run (same content)
    interrupted: bool = False


def excerpt(source: bytes, function: str | None) -> str:
    """The learner's function (or the file's start), at most EXCERPT_LINES lines, escaped."""
    text = source.decode("utf-8", errors="replace")
    lines = text.splitlines()
    start, end = 0, len(lines)
    try:
        tree = parse_python(source)  # one at a time: see tutor.base.pyparse
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
                start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
                end = node.end_lineno or end
                break
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    chosen = lines[start:min(end, start + EXCERPT_LINES)]
    out = "\n".join(chosen)[:EXCERPT_CHARS]
    if end - start > EXCERPT_LINES or len("\n".join(chosen)) > EXCERPT_CHARS:
        out += "\n..."
    return safe(out)


def definition_hash(exercise) -> str:
    """sha256 of the exercise's definition file (its id when the file cannot be read)."""
    try:
        return hashlib.sha256(Path(exercise.path).read_bytes()).hexdigest()
    except OSError:
        return exercise.id


def salt(exercise, timeout: float, memory_mb: int) -> str:
    """What besides the files decides a record: the tutor's version, the limits, the exercise."""
    from tutor.base.version import __version__

    return f"{__version__}|{timeout:g}|{memory_mb}|{definition_hash(exercise)}"


def _stage(sub: Submission, root: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="s", dir=root))
    for name, data in sub.files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder


def _intact(sub: Submission, folder: Path) -> bool:
    """Are the staged files still exactly the bytes read at discovery, with no Python file added?

    (Other new files, such as a plot the code saved beside itself, cannot change a result.)"""
    try:
        found = {p.relative_to(folder).as_posix() for p in folder.rglob("*.py") if not p.is_dir()}
        return found == set(sub.files) and all((folder / n).read_bytes() == d for n, d in sub.files.items())
    except OSError:
        return False


def check_copy(sub: Submission, exercise, root: Path, grade: Callable, timeout: float, memory_mb: int) -> tuple[dict, bool]:
    """(record, intact): check a private copy of the submission; intact is False when
    something changed that copy while it ran (its own code, or another submission)."""
    try:
        folder = _stage(sub, root)
    except OSError as err:
        return not_graded(exercise, sub.display, f"could not stage the file for checking ({err})"), True
    try:
        record = grade(exercise, folder / sub.name, display=sub.display, timeout=timeout, memory_mb=memory_mb)
        return record, _intact(sub, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


TAMPERED = ("its files were changed while it was being checked, even with no other submission running: "
            "its own code writes over Python files")


def _finish(record: dict, sub: Submission, exercise) -> dict:
    record = dict(record)
    record["student"] = safe(sub.student, newlines=False)
    record["code"] = excerpt(sub.files.get(sub.name, b""), getattr(exercise, "function", None)) if sub.name else ""
    return record


class LocalChecks:
    """Checks run here, `jobs` at a time, from a thread pool.

    Each thread borrows a warm sandbox server (tutor.exercises.server.Pool):
    numpy is imported once per server, and every check still runs in a fresh
    fork of it, bounded and isolated as a cold check is.
    """

    def __init__(self, catalog: dict, jobs: int, grade: Callable, timeout: float, memory_mb: int,
                 stop: threading.Event, isolation: str | None = None):
        self.catalog, self.grade, self.timeout, self.memory_mb, self.stop = catalog, grade, timeout, memory_mb, stop
        self.root = Path(tempfile.mkdtemp(prefix="tutor-grade-"))
        atexit.register(shutil.rmtree, self.root, True)  # after an interrupt, checks still running finish first
        self.pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="grade")
        self.servers = _servers(jobs, isolation)

    def _task(self, sub: Submission):
        if self.stop.is_set():
            return None
        if self.servers is None:
            return check_copy(sub, self.catalog[sub.exercise], self.root, self.grade, self.timeout, self.memory_mb)
        server = self.servers.take()
        try:
            return check_copy(sub, self.catalog[sub.exercise], self.root, partial(self.grade, sandbox=server),
                              self.timeout, self.memory_mb)
        finally:
            self.servers.give(server)

    def submit(self, sub: Submission) -> Future:
        """A future of (record, intact), or of None when a stop came first."""
        return self.pool.submit(self._task, sub)

    def close(self, interrupted: bool) -> None:
        self.pool.shutdown(wait=not interrupted, cancel_futures=True)
        if self.servers is not None:
            self.servers.close()
        if not interrupted:
            shutil.rmtree(self.root, ignore_errors=True)


def _servers(jobs: int, isolation: str | None):
    """A pool of warm sandboxes for `jobs` threads; None when they cannot start (each check then says why)."""
    from tutor.base.errors import TutorError
    from tutor.exercises.isolation import mode_from_env
    from tutor.exercises.server import Pool

    if os.environ.get("TUTOR_WARM", "1") == "0":  # cold checks, one sandbox each: for comparison (bench/grade.py)
        return None
    try:
        return Pool(jobs, isolation or mode_from_env("strict"))
    except TutorError:
        return None


def grade_all(subs: list[Submission], catalog: dict, *, out: Path, jobs: int = 1,
              timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
              on_result: Callable[[dict, bool], None] | None = None, stop: threading.Event | None = None,
              grade: Callable = grade_one, checks=None, isolation: str | None = None) -> RunResult:
    """Grade every submission; records come back in the order of `subs`.

    on_result(record, reused) is called as each record is ready (in the
    calling thread). `grade` is the adapter (tests count its calls).
    checks: what runs the checks (default LocalChecks; tutor.grading.cluster's
    for a Dask cluster): `submit(sub)` -> a future of (record, intact) or None,
    and `close(interrupted)`. A check that fails to run at all (a worker lost)
    gives a row saying so, which is not kept for resuming: a rerun tries again.
    isolation: the mode of the warm sandboxes (default TUTOR_ISOLATION, else
    strict); a `grade` adapter asking for another mode gets cold checks.
    """
    stop = stop or threading.Event()
    state = GradeState(out)
    run = RunResult()
    records: dict[int, dict] = {}
    pending: list[tuple[int, Submission, str]] = []
    for i, sub in enumerate(subs):
        exercise = catalog.get(sub.exercise) if sub.exercise else None
        if sub.reason or exercise is None or sub.name is None:
            records[i] = _finish(not_graded(exercise or sub.exercise or "", sub.display,
                                            sub.reason or "no exercise"), sub, exercise)
            if on_result:
                on_result(records[i], False)
            continue
        digest = sub.content_hash(salt(exercise, timeout, memory_mb))
        cached = state.get(sub.key, digest)
        if cached is not None:
            records[i] = cached
            run.reused += 1
            if on_result:
                on_result(cached, True)
            continue
        pending.append((i, sub, digest))

    checks = checks or LocalChecks(catalog, jobs, grade, timeout, memory_mb, stop, isolation)
    futures = {checks.submit(sub): (i, sub, digest) for i, sub, digest in pending}
    again: list[tuple[int, Submission, str]] = []

    def keep(i: int, sub: Submission, digest: str, record: dict, *, store: bool = True) -> None:
        records[i] = record
        run.checked += 1
        if store:
            state.add(sub.key, digest, record)
        if on_result:
            on_result(record, False)

    def lost(i: int, sub: Submission, err: BaseException) -> None:
        why = f"the check could not be run ({type(err).__name__}: {err}); run the same command again"
        keep(i, sub, "", _finish(not_graded(catalog[sub.exercise], sub.display, why), sub, catalog[sub.exercise]),
             store=False)
    try:
        waiting = set(futures)
        while waiting:
            done, waiting = wait(waiting, timeout=0.2, return_when=FIRST_COMPLETED)
            if stop.is_set():
                run.interrupted = True
                break
            for fut in done:
                i, sub, digest = futures[fut]
                try:
                    outcome = fut.result()
                except Exception as err:  # noqa: BLE001 - a lost worker costs one row, not the class
                    lost(i, sub, err)
                    continue
                if outcome is None:
                    continue
                if not outcome[1]:
                    again.append((i, sub, digest))  # maybe another submission wrote over it
                    continue
                keep(i, sub, digest, _finish(outcome[0], sub, catalog[sub.exercise]))
        # Checks whose files were written over while they ran run again alone,
        # so a submission that writes around it can spoil only its own row.
        for i, sub, digest in ([] if run.interrupted else again):
            if stop.is_set():
                run.interrupted = True
                break
            exercise = catalog[sub.exercise]
            try:
                outcome = checks.submit(sub).result()
            except Exception as err:  # noqa: BLE001
                lost(i, sub, err)
                continue
            if outcome is None:
                run.interrupted = True
                break
            record, intact = outcome
            if not intact:
                record = not_graded(exercise, sub.display, TAMPERED, seconds=record["seconds"])
            keep(i, sub, digest, _finish(record, sub, exercise))
    finally:
        checks.close(run.interrupted)
        state.close(None if run.interrupted else {s.key for s in subs if not s.reason})
    run.records = [records[i] for i in sorted(records)]
    return run
