"""The progress store under damage, contention and sudden death.

A learner's progress must survive: a damaged or unreadable file is set aside
(kept, renamed) with a warning instead of a traceback; two tutors writing at
once lose no update and never leave a half-written file; a process killed
with SIGKILL between (or inside) writes leaves a file that still loads; and
Ctrl-C during `tutor learn` keeps the steps already done.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tutor.progress import VERSION, ProgressStore

# fork keeps the child start cheap; the store itself needs nothing inherited.
CTX = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")


def _valid_progress(path: Path) -> dict:
    """Parse the file the way a stranger would and check its shape."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == VERSION
    assert isinstance(doc["lessons"], dict) and isinstance(doc["exercises"], dict)
    return doc


def _damaged_copies(home: Path) -> list[Path]:
    return sorted(home.glob("progress.damaged-*.json"))


# -- damaged files are moved aside ---------------------------------------------

DAMAGED = {
    "garbage text": b"this is not json at all {",
    "truncated json": b'{"version": 1, "lessons": {"network": {"step": 3',
    "empty file": b"",
    "a json list": b"[1, 2, 3]",
    "a json number": b"42",
    "wrong version": json.dumps({"version": 99, "lessons": {}, "exercises": {}}).encode(),
    "no sections": json.dumps({"version": 1}).encode(),
    "lessons is a list": json.dumps({"version": 1, "lessons": [], "exercises": {}}).encode(),
    "a record is a string": json.dumps({"version": 1, "lessons": {"network": "step 3"}, "exercises": {}}).encode(),
    "binary": bytes(range(256)) * 4,
    "latin-1 bytes": '{"version": 1, "lessons": {"caf\u00e9": {}}, "exercises": {}}'.encode("latin-1"),
    "utf-16 json": json.dumps({"version": 1, "lessons": {}, "exercises": {}}).encode("utf-16"),
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_file_is_set_aside_with_a_warning(tutor_home, content):
    tutor_home.mkdir(parents=True)
    (tutor_home / "progress.json").write_bytes(content)
    store = ProgressStore()

    assert store.load() == {"version": VERSION, "lessons": {}, "exercises": {}}
    assert len(store.warnings) == 1
    warning = store.warnings[0]
    assert "progress" in warning and "moved" in warning
    # The damaged bytes are kept, byte for byte, under the name the warning gives.
    (copy,) = _damaged_copies(tutor_home)
    assert copy.name in warning
    assert copy.read_bytes() == content
    assert not (tutor_home / "progress.json").exists()

    # The learner carries on: the next write makes a fresh valid file.
    store.update_lesson("network", step=2)
    assert _valid_progress(store.path)["lessons"]["network"]["step"] == 2
    assert ProgressStore().lesson("network")["step"] == 2


def test_good_file_is_left_alone(tutor_home):
    store = ProgressStore()
    store.update_lesson("cost", step=4, done=False)
    again = ProgressStore()
    assert again.lesson("cost")["step"] == 4
    assert again.warnings == [] and _damaged_copies(tutor_home) == []


def test_unreadable_file_chmod_000_is_set_aside(tutor_home):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root reading (the directory case below covers OSError)")
    store = ProgressStore()
    store.update_lesson("network", step=1)
    store.path.chmod(0)
    try:
        fresh = ProgressStore()
        assert fresh.load()["lessons"] == {}
        assert len(fresh.warnings) == 1 and "could not be read" in fresh.warnings[0]
        assert len(_damaged_copies(tutor_home)) == 1
    finally:
        for p in tutor_home.iterdir():
            p.chmod(0o644)


def test_unreadable_file_a_directory_in_its_place_is_set_aside(tutor_home):
    """Reading fails with an OSError (EISDIR) for every user, root included."""
    (tutor_home / "progress.json").mkdir(parents=True)
    store = ProgressStore()
    assert store.load()["lessons"] == {}
    assert len(store.warnings) == 1 and "could not be read" in store.warnings[0]
    assert len(_damaged_copies(tutor_home)) == 1
    store.update_lesson("network", step=5)
    assert ProgressStore().lesson("network")["step"] == 5


def test_damaged_via_the_cli_is_reported_not_a_traceback(tutor_home):
    """The warning reaches the learner through a real command."""
    import subprocess

    tutor_home.mkdir(parents=True)
    (tutor_home / "progress.json").write_bytes(b"\x00\xff garbage")
    env = {**os.environ, "TUTOR_HOME": str(tutor_home)}
    proc = subprocess.run([sys.executable, "-m", "tutor", "exercises"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == 0, proc.stderr
    assert "moved" in proc.stderr + proc.stdout
    assert len(_damaged_copies(tutor_home)) == 1


# -- two processes at once -----------------------------------------------------

UPDATES = 150


def _hammer(home: str, who: str, n: int) -> None:
    store = ProgressStore(home)
    for i in range(n):
        # A shared counter (lost updates would show as a smaller total) and
        # a private record per writer.
        store.update("lessons", "shared", lambda r: {**r, "n": r.get("n", 0) + 1})
        store.update("exercises", who, lambda r, i=i: {**r, "last": i, "count": r.get("count", 0) + 1})
    if store.warnings:
        raise SystemExit(3)


def _reader(home: str, stop, bad) -> None:
    """Reads without the lock while others write: must never see a damaged file."""
    store = ProgressStore(home)
    while not stop.is_set():
        store.load()
        if store.warnings:
            bad.value = 1
            return


@pytest.mark.timeout(120)
def test_two_processes_lose_no_update_and_never_corrupt(tutor_home):
    home = str(tutor_home)
    ProgressStore(home).update_lesson("seed", step=0)
    stop, bad = CTX.Event(), CTX.Value("i", 0)
    reader = CTX.Process(target=_reader, args=(home, stop, bad))
    writers = [CTX.Process(target=_hammer, args=(home, f"w{k}", UPDATES)) for k in range(2)]
    reader.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join(90)
        assert w.exitcode == 0
    stop.set()
    reader.join(10)

    doc = _valid_progress(tutor_home / "progress.json")
    assert doc["lessons"]["shared"]["n"] == 2 * UPDATES
    assert doc["exercises"]["w0"] == {**doc["exercises"]["w0"], "last": UPDATES - 1, "count": UPDATES}
    assert doc["exercises"]["w1"]["count"] == UPDATES
    assert doc["lessons"]["seed"]["step"] == 0
    assert bad.value == 0, "a lock-free reader saw a damaged progress file"
    assert _damaged_copies(tutor_home) == []
    assert list(tutor_home.glob(".progress-*.tmp")) == []


# -- SIGKILL in the middle of many writes ----------------------------------------


def _write_forever(home: str, ready) -> None:
    store = ProgressStore(home)
    big = "x" * 20000  # a large record makes the write window wide
    i = 0
    while True:
        store.update("lessons", "network", lambda r, i=i: {"step": i, "pad": big})
        i += 1
        if i == 5:
            ready.set()


@pytest.mark.timeout(120)
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL on this platform")
@pytest.mark.parametrize("delay", [0.0, 0.013, 0.037, 0.11])
def test_sigkill_mid_writes_leaves_a_valid_file(tutor_home, delay):
    home = str(tutor_home)
    ready = CTX.Event()
    proc = CTX.Process(target=_write_forever, args=(home, ready))
    proc.start()
    assert ready.wait(30)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL

    doc = _valid_progress(tutor_home / "progress.json")
    assert doc["lessons"]["network"]["step"] >= 4
    store = ProgressStore(home)
    assert store.lesson("network")["step"] == doc["lessons"]["network"]["step"]
    assert store.warnings == []
    # A temporary file may be left behind by the kill; it never replaces the real one
    # and the next write still works (the lock died with the process).
    store.update_lesson("network", step=-1)
    assert ProgressStore(home).lesson("network")["step"] == -1


def test_two_damaged_files_in_the_same_second_are_both_kept(tmp_path):
    store = ProgressStore(tmp_path)
    for garbage in (b"first {", b"second {"):
        store.path.parent.mkdir(parents=True, exist_ok=True)
        store.path.write_bytes(garbage)
        assert store.load()["lessons"] == {}
    kept = sorted(p.read_bytes() for p in tmp_path.glob("progress.damaged-*.json"))
    assert kept == [b"first {", b"second {"]
