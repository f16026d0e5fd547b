"""Where a learner's progress lives, and how it survives crashes.

One JSON file, `progress.json`, under `$TUTOR_HOME` when set, else the
platform's user data directory. Every change is a read-modify-write under an
exclusive lock (two tutors at once cannot interleave), written to a temporary
file and renamed over the old one (a crash mid-write leaves the old file
whole). A file that cannot be read as progress is moved aside, with a warning,
and the learner starts from an empty record instead of a traceback.

Layout: {"version": 1, "lessons": {key: {...}}, "exercises": {key: {...}}}.
A record's key is the lesson (or exercise) id for the bundled course, as it
always was, so no learner's progress is lost; other courses' records are
keyed `course-id/lesson-id`. Every method takes `course=` (a course id;
None means the bundled course).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

VERSION = 1
SECTIONS = ("lessons", "exercises")


def tutor_home() -> Path:
    """$TUTOR_HOME, or the platform's user data directory for 'tutor'."""
    env = os.environ.get("TUTOR_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("tutor", appauthor=False))


def exercise_status(record: dict) -> str:
    """'not started', 'failing' or 'passed', from one exercise's progress record."""
    if record.get("passed"):
        return "passed"
    if record.get("started") or record.get("checks"):
        return "failing"
    return "not started"


def exercise_state(exercise_id: str, store: ProgressStore | None = None, *, course: str | None = None) -> str:
    """'not started', 'failing' or 'passed' for one exercise of the learner's progress
    (course: its id; None: the bundled course)."""
    return exercise_status((store or ProgressStore()).exercise(exercise_id, course=course))


def _empty() -> dict:
    return {"version": VERSION, "lessons": {}, "exercises": {}}


def _valid(doc) -> bool:
    return (
        isinstance(doc, dict)
        and doc.get("version") == VERSION
        and all(isinstance(doc.get(s), dict) for s in SECTIONS)
        and all(isinstance(v, dict) for s in SECTIONS for v in doc[s].values())
    )


class ProgressStore:
    """Read and change the progress file safely.

    `warnings` collects what the learner should be told (a damaged file that
    was moved aside); the CLI prints them.
    """

    def __init__(self, home: Path | str | None = None) -> None:
        self.home = Path(home) if home is not None else tutor_home()
        self.path = self.home / "progress.json"
        self.warnings: list[str] = []

    # -- reading -----------------------------------------------------------
    def load(self) -> dict:
        """The whole document (a fresh copy); empty when there is none yet."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return _empty()
        except OSError as err:
            self._set_aside(f"could not be read ({err.strerror})")
            return _empty()
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            doc = None
        if not _valid(doc):
            self._set_aside("was damaged")
            return _empty()
        return doc

    @staticmethod
    def key(item_id: str, course: str | None = None) -> str:
        """The record's key: the bare id for the bundled course, else `course/id`."""
        if course is None:
            return item_id
        from tutor.course import bundled_course

        return item_id if course == bundled_course().id else f"{course}/{item_id}"

    def lesson(self, lesson_id: str, *, course: str | None = None) -> dict:
        return dict(self.load()["lessons"].get(self.key(lesson_id, course), {}))

    def exercise(self, exercise_id: str, *, course: str | None = None) -> dict:
        return dict(self.load()["exercises"].get(self.key(exercise_id, course), {}))

    def records(self, section: str = "lessons", *, course: str | None = None) -> dict[str, dict]:
        """{id: record} of one course's lessons (or exercises), the ids without the course prefix."""
        doc = self.load()[section]
        if course is None or self.key("x", course) == "x":
            return {k: v for k, v in doc.items() if "/" not in k}
        prefix = f"{course}/"
        return {k[len(prefix):]: v for k, v in doc.items() if k.startswith(prefix)}

    # -- writing -----------------------------------------------------------
    def update(self, section: str, key: str, change: Callable[[dict], dict | None], *,
               course: str | None = None) -> dict:
        """Apply change(record) to one record under the lock; return the new record."""
        if section not in SECTIONS:
            raise ValueError(f"unknown progress section {section!r}")
        key = self.key(key, course)
        with self._locked():
            doc = self.load()
            record = dict(doc[section].get(key, {}))
            new = change(record)
            record = record if new is None else new
            record["updated"] = time.time()
            doc[section][key] = record
            self._write(doc)
        return record

    def update_lesson(self, lesson_id: str, *, course: str | None = None, **fields) -> dict:
        return self.update("lessons", lesson_id, lambda r: {**r, **fields}, course=course)

    def update_exercise(self, exercise_id: str, *, course: str | None = None, **fields) -> dict:
        return self.update("exercises", exercise_id, lambda r: {**r, **fields}, course=course)

    def reset(self, section: str = "lessons", key: str | None = None, *, course: str | None = None) -> None:
        """Forget one record, or the whole section when key is None (with course: that course's part)."""
        with self._locked():
            doc = self.load()
            if key is None and course is None:
                doc[section] = {}
            elif key is None:
                mine = set(self.records(section, course=course))
                doc[section] = {k: v for k, v in doc[section].items()
                                if not any(k == self.key(i, course) for i in mine)}
            else:
                doc[section].pop(self.key(key, course), None)
            self._write(doc)

    # -- mechanics ---------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.home.mkdir(parents=True, exist_ok=True)
        lock_path = self.home / "progress.lock"
        with open(lock_path, "a+") as lock:
            try:
                import fcntl
            except ImportError:  # Windows: rename is still atomic, just unlocked
                yield
                return
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _write(self, doc: dict) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=self.home)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _set_aside(self, why: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"progress.damaged-{stamp}.json")
        n = 1
        while target.exists():  # two damaged files in one second: keep both
            n += 1
            target = self.path.with_name(f"progress.damaged-{stamp}-{n}.json")
        try:
            os.replace(self.path, target)
            self.warnings.append(f"Your progress file {self.path} {why}; it was moved to {target.name} and a new one started.")
        except OSError:
            self.warnings.append(f"Your progress file {self.path} {why} and could not be moved aside; progress starts empty.")
