"""Re-check on every save: watchfiles when it can be imported, polling otherwise.

The folder is watched rather than the file, because many editors save by
writing a new file and renaming it over the old one. Ctrl-C ends the loop
quietly.

A save can land while a check runs, before the watcher has started: each
wait starts from the file's stamp (modification time, size) as it was when
the last check began, so such a save is seen at once rather than missed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path


def _stamp(path: Path):
    try:
        st = path.stat()
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return None


def poll_changes(path: Path, interval: float = 0.3, since=None):
    """Yield whenever the file's modification time or size changes (from `since`, else from now)."""
    last = _stamp(path) if since is None else since
    while True:
        time.sleep(interval)
        now = _stamp(path)
        if now != last:
            last = now
            yield True


def file_changes(path: Path, since=None):
    """An endless iterator that yields after each change to path (compared with the stamp `since`)."""
    path = path.resolve()
    if os.environ.get("TUTOR_WATCH_POLL", "") not in ("", "0"):
        yield from poll_changes(path, since=since)
        return
    try:
        import watchfiles
    except ImportError:
        yield from poll_changes(path, since=since)
        return
    last = _stamp(path) if since is None else since
    if _stamp(path) != last:  # saved before the watcher started
        last = _stamp(path)
        yield True
    # Wakes at least every half second, so a save made while the watcher was
    # starting is still caught by the stamp comparison.
    for _ in watchfiles.watch(path.parent, watch_filter=lambda _c, p: Path(p).resolve() == path,
                              debounce=300, raise_interrupt=False, yield_on_timeout=True, rust_timeout=500):
        now = _stamp(path)
        if now != last:
            last = now
            yield True


def watch(path: Path, run_once: Callable[[], None]) -> None:
    """run_once() now and after every change, until Ctrl-C, which ends it with one line on stderr."""
    import logging
    import sys

    path = Path(path)
    # watchfiles logs its own "KeyboardInterrupt caught, stopping watch" at Ctrl-C: the line below says it
    quiet = logging.getLogger("watchfiles")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        while True:
            since = _stamp(path)  # as the check reads it
            run_once()
            # the first change after `since`; None when the watcher stopped (Ctrl-C inside it)
            if next(file_changes(path, since=since), None) is None:
                break
    except KeyboardInterrupt:
        pass
    finally:
        quiet.setLevel(level)
    sys.stderr.write(f"\nStopped watching {path.name}.\n")
    sys.stderr.flush()
