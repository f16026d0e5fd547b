"""The same checks on a Dask distributed cluster: `tutor grade ... --cluster SCHEDULER`.

No shared file system is assumed: each task carries what one check needs
(the submission's files as bytes, the exercise id, the course, the limits)
and returns the record and whether the private copy stayed intact; the
parent keeps the gradebook, the resume state and the report exactly as in a
local run (tutor.grading.run.grade_all, with DaskChecks instead of
LocalChecks). Each worker needs the same tutor (and bubblewrap) installed;
a worker whose tutor or exercise definition differs refuses the task, so a
class is never graded by two different checkers. Dask is an optional extra:
`pip install 'tutor[cluster]'`.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import Future
from functools import partial
from pathlib import Path

from tutor.base.errors import TutorError
from tutor.grading.discover import Submission


class WorkerMismatch(RuntimeError):
    """The worker's tutor or exercise is not the one the class is graded with."""


def course_ref(course) -> dict:
    """How a worker finds the course: the bundled one, a folder at the same path, or an installed id."""
    if course is None:
        return {"bundled": True, "root": "", "id": ""}
    return {"bundled": bool(course.bundled), "root": str(course.root), "id": course.id}


def payload(sub: Submission, exercise, course, *, timeout: float, memory_mb: int, isolation: str) -> dict:
    """Everything one check needs, as plain picklable data (the files travel as bytes)."""
    from tutor.base.version import __version__
    from tutor.grading.run import definition_hash

    return {"student": sub.student, "display": sub.display, "name": sub.name, "files": dict(sub.files),
            "exercise": sub.exercise, "definition": definition_hash(exercise), "version": __version__,
            "course": course_ref(course), "timeout": timeout, "memory_mb": memory_mb, "isolation": isolation}


_SERVERS: dict = {}  # isolation mode -> tutor.exercises.server.Pool, per worker process
_CATALOGS: dict = {}


def _course_and_catalog(ref: dict):
    key = (ref["bundled"], ref["root"], ref["id"])
    if key not in _CATALOGS:
        from tutor.course import bundled_course, resolve_course
        from tutor.exercises.catalog import load_catalog

        if ref["bundled"]:
            course = bundled_course()
        else:
            course = resolve_course(ref["root"] if Path(ref["root"]).is_dir() else ref["id"])
        _CATALOGS[key] = (course, load_catalog(course))
    return _CATALOGS[key]


def check_payload(task: dict) -> tuple[dict, bool]:
    """Run on a worker: stage the files in a private folder, check them, return (record, intact)."""
    from tutor.base.version import __version__
    from tutor.grading.checker import grade_one
    from tutor.grading.run import check_copy, definition_hash

    if task["version"] != __version__:
        raise WorkerMismatch(f"this worker runs tutor {__version__}, the class is graded with {task['version']}")
    try:
        _, catalog = _course_and_catalog(task["course"])
    except TutorError as err:
        raise WorkerMismatch(f"this worker cannot find the course: {err.message}") from None
    exercise = catalog.get(task["exercise"])
    if exercise is None or definition_hash(exercise) != task["definition"]:
        raise WorkerMismatch(f"this worker's exercise {task['exercise']} differs from the one the class is graded with")
    sub = Submission(task["student"], task["display"], task["name"], task["files"], task["exercise"])
    root = Path(tempfile.mkdtemp(prefix="tutor-task-"))
    servers = _warm_servers(task["isolation"])
    server = servers.take() if servers is not None else None
    try:
        return check_copy(sub, exercise, root, partial(grade_one, isolation=task["isolation"], sandbox=server),
                          task["timeout"], task["memory_mb"])
    finally:
        if server is not None:
            servers.give(server)
        shutil.rmtree(root, ignore_errors=True)


def _warm_servers(mode: str):
    """This worker's warm sandboxes for `mode` (kept for the worker's life, like its catalogs), or None."""
    import os

    from tutor.exercises.server import Pool

    if os.environ.get("TUTOR_WARM", "1") == "0":
        return None
    if mode not in _SERVERS:
        try:
            _SERVERS[mode] = Pool(1, mode)
        except TutorError:  # this worker cannot isolate: each check says so in its row
            return None
    return _SERVERS[mode]


def connect(scheduler: str):
    """A distributed.Client for the scheduler's address (tcp://host:8786), or a clear TutorError."""
    try:
        from distributed import Client
    except ImportError:
        raise TutorError("--cluster needs Dask distributed, which is not installed: "
                         "pip install 'tutor[cluster]' (here and on every worker)") from None
    try:
        return Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as err:
        raise TutorError(f"cannot reach the Dask scheduler at {scheduler} ({err})") from None


class DaskChecks:
    """grade_all's `checks` on a Dask cluster: submit(sub) -> a concurrent future of (record, intact)."""

    def __init__(self, client, catalog: dict, course, *, timeout: float, memory_mb: int, isolation: str):
        self.client, self.catalog, self.course = client, catalog, course
        self.settings = {"timeout": timeout, "memory_mb": memory_mb, "isolation": isolation}
        self.running: list = []

    def submit(self, sub: Submission) -> Future:
        task = payload(sub, self.catalog[sub.exercise], self.course, **self.settings)
        remote = self.client.submit(check_payload, task, pure=False)
        local: Future = Future()

        def done(f):
            try:
                local.set_result(f.result())
            except BaseException as err:  # noqa: BLE001 - handed to the parent, which writes the row
                local.set_exception(err)
        remote.add_done_callback(done)
        self.running.append(remote)  # a future nobody holds is forgotten by the scheduler
        return local

    def close(self, interrupted: bool) -> None:
        if interrupted:
            self.client.cancel([f for f in self.running if not f.done()])
        self.running.clear()
