"""Re-check on every save: watchfiles when it can be imported, polling otherwise.

The folder is watched rather than the file, because many editors save by
writing a new file and renaming it over the old one. Ctrl-C ends the loop
quietly.
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


def poll_changes(path: Path, interval: float = 0.3):
    """Yield whenever the file's modification time or size changes."""
    last = _stamp(path)
    while True:
        time.sleep(interval)
        now = _stamp(path)
        if now != last:
            last = now
            yield


def file_changes(path: Path):
    """An endless iterator that yields after each change to path."""
    path = path.resolve()
    if os.environ.get("TUTOR_WATCH_POLL", "") not in ("", "0"):
        yield from poll_changes(path)
        return
    try:
        import watchfiles
    except ImportError:
        yield from poll_changes(path)
        return
    for _ in watchfiles.watch(path.parent, watch_filter=lambda _c, p: Path(p).resolve() == path,
                              debounce=300, raise_interrupt=False):
        yield


def watch(path: Path, run_once: Callable[[], None]) -> None:
    """run_once() now and after every change, until Ctrl-C."""
    try:
        run_once()
        for _ in file_changes(Path(path)):
            run_once()
    except KeyboardInterrupt:
        pass
