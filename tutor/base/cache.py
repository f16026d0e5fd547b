"""One small JSON file of facts read from files, valid while each file is unchanged.

`tutor`, `tutor lessons` and `tutor --help` need each lesson's id, title and
step count and each course manifest's fields; reading them properly means
YAML and, for a lesson, the course's vocabulary. They are remembered here,
in `headers.json` in the cache folder ($TUTOR_HOME/cache, else the
platform's user cache folder), one entry per file keyed by its absolute
path and valid while the file's modification time (ns) and size are the
ones recorded. A cache that cannot be read, or was written by another
version, is ignored and rewritten; one that cannot be written costs only
the re-reading next time. What an entry holds is up to its caller
(`cache().get(path, kind, build)`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 4  # bump when what an entry holds changes (2: lesson headers count questions, name exercises;
# 3: exercise headers carry the signature; 4: they no longer do, a lesson's step reads `exercise_card`)
CACHE_NAME = "headers.json"


def cache_dir() -> Path:
    """$TUTOR_HOME/cache, else the platform's user cache folder for 'tutor'."""
    env = os.environ.get("TUTOR_HOME")
    if env:
        return Path(env).expanduser() / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tutor", appauthor=False))


def stamp() -> str:
    from tutor.base.version import __version__

    return f"{FORMAT}/{__version__}"


class HeaderCache:
    """{absolute path: {"key": [mtime_ns, size], kind: data}} read once, written when changed."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.entries: dict[str, dict] = {}
        self.dirty = False
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and doc.get("stamp") == stamp() and isinstance(doc.get("files"), dict):
                self.entries = {k: v for k, v in doc["files"].items() if isinstance(v, dict)}
        except (OSError, ValueError, UnicodeDecodeError):
            pass  # missing or damaged: start empty, rewrite on the next change

    def get(self, path: Path, kind: str, build: Callable[[Path], Any]) -> Any:
        """The cached `kind` data of `path`, or build(path) (cached when it returns)."""
        try:
            st = os.stat(path)
        except OSError:
            return build(path)  # let the builder say what is wrong with the file
        name = str(Path(path).absolute())
        key = [st.st_mtime_ns, st.st_size]
        entry = self.entries.get(name)
        if entry is not None and entry.get("key") == key and kind in entry:
            return entry[kind]
        data = build(path)
        if entry is None or entry.get("key") != key:
            entry = {"key": key}
            self.entries[name] = entry
        entry[kind] = data
        self.dirty = True
        self.save()
        return data

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"stamp": stamp(), "files": self.entries}), encoding="utf-8")
            os.replace(tmp, self.file)
            self.dirty = False
        except OSError:
            pass  # a read-only home: read the files again next time


_CACHES: dict[str, HeaderCache] = {}


def cache() -> HeaderCache:
    """This process's cache for the current cache folder (tests change $TUTOR_HOME)."""
    file = cache_dir() / CACHE_NAME
    found = _CACHES.get(str(file))
    if found is None:
        found = _CACHES[str(file)] = HeaderCache(file)
    return found


# -- course manifests ----------------------------------------------------------------------


def manifest_fields(path: Path, read: Callable[[Path], dict]) -> dict:
    """A course manifest's checked fields: read(path) once, then from the cache while unchanged."""
    return cache().get(path, "course", read)
