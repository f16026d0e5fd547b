"""Results of the lessons' longer training runs, kept on disk between runs.

Some steps train networks (the accuracy lesson's five `play` cases, its
held-out experiment, the 10000 gradient-descent updates on the moons, the two
short runs of the symmetry demo, and the training lesson's `train` steps when
nobody watches them run: an export or a pipe).
Each run is a pure function of its inputs: the same data, start and settings
give the same numbers to the last bit. So the first time a step runs, its
result is written to $TUTOR_HOME/cache (as the setup's trained weights are),
and a demo, an export or a second visit reads it back instead of training
again. The key hashes the operation's name and version and every input
(array bytes, dtype and shape included): any change trains afresh.

Stored with numpy's own format, pickle off: arrays, numbers, strings and
lists of arrays only. A file that cannot be read is ignored (and rewritten).

The course ships the results its lessons need with their default settings in
`data/kept` (`scripts/bake_kept.py` writes them; a test recomputes every one
and fails when one is stale or missing). A result missing from the home is
looked up there, by the same file name: the name is the key, so it is found
only for exactly the inputs it was computed from, and a fresh install's first
handout or demo does not wait for training. TUTOR_SHIPPED_RESULTS=0 turns
that off (the tests do, to compute everything they check).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

import numpy as np


def shipped_dir() -> Path | None:
    """The folder of results the course ships (`data/kept`), or None when TUTOR_SHIPPED_RESULTS=0."""
    if os.environ.get("TUTOR_SHIPPED_RESULTS", "1").strip() == "0":
        return None
    from tutor.plugin import data_dir

    return data_dir() / "kept"


def find(path: Path) -> Path | None:
    """`path` (in the home's cache) if it is there, else the shipped file of the same name, else None."""
    if path.is_file():
        return path
    shipped = shipped_dir()
    if shipped is not None and (shipped / path.name).is_file():
        return shipped / path.name
    return None


def _digest(name: str, version: int, args: tuple, kwargs: dict) -> str:
    h = hashlib.sha256(f"{name}/{version}".encode())

    def feed(v):
        if isinstance(v, np.ndarray):
            a = np.ascontiguousarray(v)
            h.update(f"array {a.dtype.str} {a.shape}".encode())
            h.update(a.tobytes())
        elif isinstance(v, (list, tuple)):
            h.update(f"seq {len(v)} {type(v).__name__}".encode())
            for x in v:
                feed(x)
        else:
            h.update(f"value {type(v).__name__} {v!r}".encode())

    feed(tuple(args))
    for k in sorted(kwargs):
        h.update(k.encode())
        feed(kwargs[k])
    return h.hexdigest()[:32]


def _save(path, result: dict) -> None:
    arrays, kinds = {}, {}
    for k, v in result.items():
        if isinstance(v, np.ndarray):
            arrays[k], kinds[k] = v, "array"
        elif isinstance(v, list) and all(isinstance(x, np.ndarray) for x in v):
            for i, x in enumerate(v):
                arrays[f"{k}/{i}"] = x
            kinds[k] = f"list {len(v)}"
        elif isinstance(v, (bool, int, float, str)) or isinstance(v, np.generic):
            arrays[k], kinds[k] = np.asarray(v), f"scalar {type(v.item() if isinstance(v, np.generic) else v).__name__}"
        else:
            return  # something this format cannot hold: keep it in memory only
    arrays["__kinds__"] = np.asarray(json.dumps(kinds))
    path.parent.mkdir(parents=True, exist_ok=True)
    _drop_orphans(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")  # two tutors at once write apart
    np.savez(tmp, **arrays)
    tmp.replace(path)


def _drop_orphans(path) -> None:
    """Remove half-written copies of `path` left by processes that no longer run.

    A tutor that ends while a look-ahead job is writing (the job's thread does
    not hold the exit up) leaves its `<name>.<pid>.tmp.npz` behind; the next
    writer of the same result clears it. A copy whose process still runs is
    another tutor writing now, and is left alone.
    """
    for tmp in path.parent.glob(f"{path.name}.*.tmp.npz"):
        pid = tmp.name[len(path.name) + 1:-len(".tmp.npz")]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # it exists but is not ours to signal: still running


def _load(path) -> dict | None:
    try:
        with np.load(path, allow_pickle=False) as f:
            kinds = json.loads(str(f["__kinds__"]))
            out = {}
            for k, kind in kinds.items():
                if kind == "array":
                    out[k] = f[k]
                elif kind.startswith("list "):
                    out[k] = [f[f"{k}/{i}"] for i in range(int(kind.split()[1]))]
                else:
                    cast = {"bool": bool, "int": int, "float": float, "str": str}[kind.split()[1]]
                    out[k] = cast(f[k].item())
            return out
    except (OSError, KeyError, ValueError, TypeError, IndexError):
        return None


class Entry:
    """One kept result: where the result of `name` (at `version`) for these
    arguments lives. read() gives it back or None; write(result) keeps it."""

    def __init__(self, name: str, version: int, args: tuple = (), kwargs: dict | None = None) -> None:
        from tutor.plugin import tutor_home

        self.path = tutor_home() / "cache" / f"op-{name}-{_digest(name, version, tuple(args), dict(kwargs or {}))}.npz"

    def read(self) -> dict | None:
        found = find(self.path)
        return _load(found) if found is not None else None

    def write(self, result: dict) -> None:
        try:
            _save(self.path, result)
        except OSError:
            pass  # a read-only home only costs the computing next time


def kept(name: str, version: int = 1):
    """Decorate an operation whose dict result depends only on its arguments: kept on disk.

    `version` is part of the key: bump it when the operation's maths changes.
    """

    def wrap(func):
        @functools.wraps(func)
        def cached(*args, **kwargs):
            entry = Entry(name, version, args, kwargs)
            found = entry.read()
            if found is not None:
                return found
            result = func(*args, **kwargs)
            entry.write(result)
            return result

        return cached

    return wrap
