"""What was graded already, so that a rerun (after Ctrl-C, or with new files) resumes.

One JSON line per finished check in OUT/.grade-state.jsonl: the submission's
key, the hash of what was checked (its files, the exercise, the limits, the
tutor version) and the record. Lines are appended and flushed as checks
finish, so an interrupted run keeps everything it finished; a torn last line
is ignored. A submission is re-graded only when its hash changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

STATE_NAME = ".grade-state.jsonl"


class GradeState:
    def __init__(self, out: Path):
        self.path = Path(out) / STATE_NAME
        self.done: dict[str, tuple[str, dict]] = {}
        if self.path.is_file():
            with open(self.path, encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    try:
                        entry = json.loads(line)
                        self.done[entry["key"]] = (entry["hash"], entry["record"])
                    except (ValueError, KeyError, TypeError):
                        continue  # a line torn by an interrupted write
        self._fh = None

    def get(self, key: str, digest: str) -> dict | None:
        """The stored record when the same content was graded before."""
        found = self.done.get(key)
        return found[1] if found and found[0] == digest else None

    def add(self, key: str, digest: str, record: dict) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")
        self.done[key] = (digest, record)
        self._fh.write(json.dumps({"key": key, "hash": digest, "record": record}) + "\n")
        self._fh.flush()

    def close(self, keep: set[str] | None = None) -> None:
        """Flush; with keep, rewrite the file with just those keys (drops stale entries)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if keep is None:
            return
        tmp = self.path.with_suffix(".tmp")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            for key in keep:
                if key in self.done:
                    digest, record = self.done[key]
                    fh.write(json.dumps({"key": key, "hash": digest, "record": record}) + "\n")
        os.replace(tmp, self.path)
