"""Where a learner's progress lives, and how it survives crashes.

One JSON file, `progress.json`, under `$TUTOR_HOME` when set, else the
platform's user data directory. Every change is a read-modify-write under an
exclusive lock (two tutors at once cannot interleave), written to a temporary
file and renamed over the old one (a crash mid-write leaves the old file
whole). A file that cannot be read as progress is moved aside, with a warning,
and the learner starts from an empty record instead of a traceback.

Layout: {"version": 1, "lessons": {id: {...}}, "exercises": {id: {...}}}.
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

    def lesson(self, lesson_id: str) -> dict:
        return dict(self.load()["lessons"].get(lesson_id, {}))

    def exercise(self, exercise_id: str) -> dict:
        return dict(self.load()["exercises"].get(exercise_id, {}))

    # -- writing -----------------------------------------------------------
    def update(self, section: str, key: str, change: Callable[[dict], dict | None]) -> dict:
        """Apply change(record) to one record under the lock; return the new record."""
        if section not in SECTIONS:
            raise ValueError(f"unknown progress section {section!r}")
        with self._locked():
            doc = self.load()
            record = dict(doc[section].get(key, {}))
            new = change(record)
            record = record if new is None else new
            record["updated"] = time.time()
            doc[section][key] = record
            self._write(doc)
        return record

    def update_lesson(self, lesson_id: str, **fields) -> dict:
        return self.update("lessons", lesson_id, lambda r: {**r, **fields})

    def update_exercise(self, exercise_id: str, **fields) -> dict:
        return self.update("exercises", exercise_id, lambda r: {**r, **fields})

    def reset(self, section: str = "lessons", key: str | None = None) -> None:
        """Forget one record, or the whole section when key is None."""
        with self._locked():
            doc = self.load()
            if key is None:
                doc[section] = {}
            else:
                doc[section].pop(key, None)
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
