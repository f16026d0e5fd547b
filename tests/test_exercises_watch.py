"""The watch loop: a save made while a check runs is never missed."""

from __future__ import annotations

import os
import threading

import pytest

from tutor.exercises.watch import watch


@pytest.mark.parametrize("poll", ["0", "1"], ids=["watchfiles", "polling"])
def test_a_save_during_a_check_triggers_the_next_check(tmp_path, monkeypatch, poll):
    monkeypatch.setenv("TUTOR_WATCH_POLL", poll)
    target = tmp_path / "answer.py"
    target.write_text("first\n")
    calls = []

    def run_once():
        calls.append(target.read_text())
        if len(calls) == 1:
            # the learner saves while the first check is still running, before any watcher exists
            target.write_text("second, a little longer\n")
        else:
            raise KeyboardInterrupt  # the second check ran: stop as Ctrl-C would

    done = threading.Event()

    def go():
        watch(target, run_once)
        done.set()

    threading.Thread(target=go, daemon=True).start()
    assert done.wait(10), f"the save made during the first check was missed: {calls}"
    assert calls == ["first\n", "second, a little longer\n"]


def test_an_unchanged_file_is_not_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_WATCH_POLL", "1")
    target = tmp_path / "answer.py"
    target.write_text("x\n")
    calls = []
    stop = threading.Event()

    def run_once():
        calls.append(1)

    thread = threading.Thread(target=lambda: watch(target, run_once), daemon=True)
    thread.start()
    stop.wait(1.2)  # four polling intervals with no save
    assert calls == [1]
    os.utime(target, ns=(1, 1))  # a save (a new stamp) wakes it
    for _ in range(40):
        if len(calls) == 2:
            break
        stop.wait(0.1)
    assert calls == [1, 1]
