"""Look-ahead: later slow, pure steps computed on one background thread while the learner reads.

Test operations registered here (ahead=True) record which thread ran them and
how often; a lesson file uses them. Each test proves one promise of
tutor.lessons.lookahead: computed before the step is reached and served
from there once; the same values and screens as without it; an error shown at
its own step; quitting never waits; stale inputs never served.
"""

from __future__ import annotations

import os
import textwrap
import threading
import time

import numpy as np
import pytest

from tutor.course import bundled_course
from tutor.lessons import registry
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import load_lesson
from tutor.lessons.lookahead import digest
from tutor.lessons.runner import Session, play
from tutor.lessons.ui import RecordingUI

CALLS: list[tuple[str, str]] = []  # (operation, thread name) per call
GATE = threading.Event()  # the "held" operation waits on it


def _slow_double(A):
    """2 A, after a pause (a stand-in for a training run)."""
    CALLS.append(("double", threading.current_thread().name))
    time.sleep(0.2)
    return 2.0 * np.asarray(A)


def _held(A):
    """A + 1, once the test opens the gate."""
    CALLS.append(("held", threading.current_thread().name))
    GATE.wait(30)
    return np.asarray(A) + 1.0


def _refuses(A):
    """Always fails, as an operation given impossible inputs does."""
    CALLS.append(("refuses", threading.current_thread().name))
    raise ValueError("the network has 7 layers and this needs 2")


def _plus_one(A):
    """A + 1 (fast, not computed ahead)."""
    CALLS.append(("plus-one", threading.current_thread().name))
    return np.asarray(A) + 1.0


OPS = {"test-ahead-double": (_slow_double, True), "test-ahead-held": (_held, True),
       "test-ahead-refuses": (_refuses, True), "test-plus-one": (_plus_one, False)}


@pytest.fixture(autouse=True)
def test_ops():
    for name, (func, ahead) in OPS.items():
        registry.operation(name, ahead=ahead)(func)
    CALLS.clear()
    GATE.clear()
    yield
    GATE.set()  # a held job still running ends
    for name in OPS:
        registry.ENGINE.operations.remove(name)


def lesson_file(tmp_path, steps: str):
    return load_lesson(write_lesson(tmp_path, steps), bundled_course())


def write_lesson(tmp_path, steps: str):
    text = textwrap.dedent("""\
        id: ahead
        title: Ahead
        summary: Steps to compute ahead.
        setup:
          dataset: debug
          weights: debug
        steps:
          - id: one
            kind: text
            text: First, m = {m}.
          - id: two
            kind: text
            text: Second.
        """) + textwrap.indent(textwrap.dedent(steps), "  ")
    p = tmp_path / "ahead.yaml"
    p.write_text(text, encoding="utf-8")
    return p


# A job held at the gate on the worker, and a second one queued behind it.
HELD_THEN_SLOW = """\
- id: held
  kind: compute
  op: test-ahead-held
  inputs: {A: X}
  bind: held
- id: slow
  kind: compute
  op: test-ahead-double
  inputs: {A: X}
  bind: doubled
"""

DOUBLE = """\
- id: slow
  kind: compute
  op: test-ahead-double
  inputs: {A: X}
  bind: doubled
  show: [doubled]
  text: "X doubled, {doubled.shape}:"
- id: after
  kind: text
  text: The end.
"""


def session(lesson, *, ahead: bool, keys=None, mode="learn"):
    ui = RecordingUI(keys=keys if keys is not None else [], width=90)
    return Session(lesson, build_environment(lesson), ui, mode=mode, lookahead=ahead), ui


def wait_until(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_slow_step_is_computed_while_the_learner_reads_and_served_once(tmp_path):
    lesson = lesson_file(tmp_path, DOUBLE)
    s, _ = session(lesson, ahead=True)
    s.ensure(0)  # the learner is on step 1: step 3's input (X) has a value, so it is queued
    job = s.lookahead.jobs["slow"]
    assert job.done.wait(10), "not computed while the learner read step 1"
    assert CALLS == [("double", "tutor-lookahead")]
    s.ensure(1)
    assert "doubled" not in s.ctx.values  # nothing leaks into the lesson before its step
    t0 = time.perf_counter()
    s.ensure(2)
    assert time.perf_counter() - t0 < 0.15  # served, not computed again (the op sleeps 0.2 s)
    assert CALLS == [("double", "tutor-lookahead")] and s.lookahead.served == 1
    np.testing.assert_array_equal(s.ctx.values["doubled"], 2.0 * s.ctx.values["X"])


def test_the_learner_reaching_a_running_step_waits_for_it_instead_of_starting_again(tmp_path):
    lesson = lesson_file(tmp_path, DOUBLE)
    s, _ = session(lesson, ahead=True)
    s.ensure(1)  # straight on: step 3 is still running when reached
    wait_until(lambda: CALLS)
    s.ensure(2)
    assert CALLS == [("double", "tutor-lookahead")]
    np.testing.assert_array_equal(s.ctx.values["doubled"], 2.0 * s.ctx.values["X"])


def test_screens_and_values_equal_a_run_without_look_ahead_going_back_and_again_included(tmp_path):
    lesson = lesson_file(tmp_path, DOUBLE)
    keys = ["n", "n", "b", "r", "n", "n", "n"]
    runs = []
    for ahead in (True, False):
        s, ui = session(lesson, ahead=ahead, keys=list(keys))
        assert play(s) == "completed"
        runs.append((ui.text(), [i for i, _ in ui.pages], s.ctx.values["doubled"]))
    assert runs[0][0] == runs[1][0] and runs[0][1] == runs[1][1] == [0, 1, 2, 1, 1, 2, 3]
    assert "X doubled" in runs[0][0]
    np.testing.assert_array_equal(runs[0][2], runs[1][2])
    assert [t for _, t in CALLS] == ["tutor-lookahead", "MainThread"]  # once per session


def test_an_error_computed_ahead_is_shown_at_its_step_with_the_same_message(tmp_path):
    lesson = lesson_file(tmp_path, """\
        - id: bad
          kind: compute
          op: test-ahead-refuses
          inputs: {A: X}
          bind: nothing
        """)
    texts, problems = [], []
    for ahead in (True, False):
        s, ui = session(lesson, ahead=ahead)
        s.ensure(1)
        if ahead:
            s.lookahead.jobs["bad"].done.wait(10)
        ui.show_step(s, 2, s.ensure(2))
        texts.append(ui.text().split("Step 3")[-1])
        problems.append(s.problems)
    assert [t for _, t in CALLS] == ["tutor-lookahead", "MainThread"]
    assert texts[0] == texts[1]
    assert "could not run: operation 'test-ahead-refuses' failed: the network has 7 layers" in " ".join(texts[0].split())
    assert problems[0] == problems[1] == {2: ["operation 'test-ahead-refuses' failed: the network has 7 layers "
                                              "and this needs 2"]}


def test_quitting_while_a_step_is_computed_ahead_returns_at_once_and_drops_what_is_queued(tmp_path):
    lesson = lesson_file(tmp_path, HELD_THEN_SLOW)
    s, _ = session(lesson, ahead=True, keys=["q"])
    t0 = time.perf_counter()
    assert play(s) == "quit"
    wait_until(lambda: CALLS)  # the held job had started ...
    assert time.perf_counter() - t0 < 1.0  # ... and quitting did not wait for it
    assert s.lookahead.jobs["slow"].state == "dropped"
    GATE.set()
    s.lookahead.jobs["held"].done.wait(10)
    time.sleep(0.3)
    assert CALLS == [("held", "tutor-lookahead")]  # the dropped one never ran
    worker = [t for t in threading.enumerate() if t.name == "tutor-lookahead"]
    assert all(t.daemon for t in worker)  # never keeps the process alive


def test_a_step_reached_before_its_job_starts_is_computed_in_the_foreground_once(tmp_path):
    lesson = lesson_file(tmp_path, HELD_THEN_SLOW)
    s, _ = session(lesson, ahead=True)
    s.ensure(1)
    wait_until(lambda: CALLS)  # the worker is busy with `held`; `slow` waits in the queue
    GATE.set()
    s.ensure(2)  # held: waited for, served
    s.ensure(3)  # slow: perhaps started by now, perhaps not; either way computed exactly once
    time.sleep(0.3)
    assert sorted(op for op, _ in CALLS) == ["double", "held"]
    np.testing.assert_array_equal(s.ctx.values["doubled"], 2.0 * s.ctx.values["X"])


def test_inputs_rebound_before_the_step_are_not_served_stale(tmp_path):
    # Queued with the setup's X; a step in between rebinds X: the result made
    # from the old X is not used, the step computes from the new one.
    lesson = lesson_file(tmp_path, textwrap.dedent("""\
        - id: shift
          kind: compute
          op: test-plus-one
          inputs: {A: X}
          bind: X
        """) + DOUBLE)
    s, _ = session(lesson, ahead=True)
    s.ensure(0)
    s.lookahead.jobs["slow"].done.wait(10)
    s.ensure(4)
    assert [t for op, t in CALLS if op == "double"] == ["tutor-lookahead", "MainThread"]
    assert s.lookahead.served == 0
    plain, _ = session(lesson, ahead=False)
    plain.ensure(4)
    np.testing.assert_array_equal(s.ctx.values["doubled"], plain.ctx.values["doubled"])


def test_a_parameter_change_changes_the_key_and_an_equal_copy_does_not():
    X = np.arange(6.0).reshape(2, 3)
    assert digest("s", {"X": X, "lam": 1.0}) == digest("s", {"X": X.copy(), "lam": 1.0})
    assert digest("s", {"X": X, "lam": 1.0}) != digest("s", {"X": X, "lam": 3.0})
    assert digest("s", {"X": X}) != digest("s", {"X": X.astype(np.float32)})
    assert digest("s", {"X": X}) != digest("s", {"X": X.reshape(3, 2)})
    assert digest("s", {"t": [X, X]}) != digest("s", {"t": [X]})


def test_look_ahead_is_on_only_where_a_learner_reads_between_steps(tmp_path, monkeypatch):
    lesson = lesson_file(tmp_path, DOUBLE)
    env = build_environment(lesson)
    on_terminal = RecordingUI(keys=[])  # interactive
    assert Session(lesson, env, on_terminal, mode="learn").lookahead is not None
    assert Session(lesson, env, on_terminal, mode="demo").lookahead is not None
    assert Session(lesson, env, RecordingUI(), mode="learn").lookahead is None  # a pipe: every step at once
    assert Session(lesson, env, None, mode="render").lookahead is None  # an export
    monkeypatch.setenv("TUTOR_LOOKAHEAD", "0")
    assert Session(lesson, env, on_terminal, mode="learn").lookahead is None


def test_only_operations_registered_ahead_are_planned(tmp_path):
    lesson = lesson_file(tmp_path, textwrap.dedent("""\
        - id: shift
          kind: compute
          op: test-plus-one
          inputs: {A: X}
          bind: Y
        """) + DOUBLE)
    plans = {st.id: st.plan() for st in lesson.steps}
    assert plans["shift"] is None and plans["one"] is None
    assert plans["slow"].reads == ("X",)


ROUNDS = """\
- id: shift
  kind: compute
  op: test-plus-one
  inputs: {A: X}
  bind: X_next
- id: total
  kind: compute
  op: sum
  inputs: {A: X}
  bind: total
- id: pause
  kind: text
  text: Read this while the rounds run.
- id: rounds
  kind: repeat
  run: [shift, total]
  times: 3
  carry: {X: X_next}
  trace: total
  ahead: true
  text: "After the rounds: {total:.6f}."
- id: after
  kind: text
  text: The end.
"""


def test_a_repeat_step_marked_ahead_runs_its_rounds_on_the_worker_without_binding_early(tmp_path):
    lesson = lesson_file(tmp_path, ROUNDS)
    runs = []
    for ahead in (True, False):
        CALLS.clear()
        s, ui = session(lesson, ahead=ahead, keys=["n"] * 7)
        X0 = s.ctx.values["X"]
        s.ensure(3)  # `total` ran: every name the rounds read has a value
        if ahead:
            s.lookahead.jobs["rounds"].done.wait(10)
            assert [t for _, t in CALLS] == ["MainThread"] + ["tutor-lookahead"] * 4  # 3 rounds and the last
            s.ensure(4)
            assert s.ctx.values["X"] is X0 and "total_trace" not in s.ctx.values  # nothing bound early
        assert play(s) == "completed"
        runs.append((ui.text(), {k: s.ctx.values[k] for k in ("X", "X_next", "total", "total_trace")}))
        if ahead:
            assert s.lookahead.served == 1 and len(CALLS) == 5  # served, not run again
    assert runs[0][0] == runs[1][0] and "After the rounds" in runs[0][0]
    for k, v in runs[0][1].items():
        np.testing.assert_array_equal(v, runs[1][1][k])
    np.testing.assert_array_equal(runs[0][1]["X"], ((X0 + 1.0) + 1.0) + 1.0)
    assert runs[0][1]["total_trace"].shape == (4,)


def test_a_repeat_step_is_not_computed_ahead_unless_marked(tmp_path):
    lesson = lesson_file(tmp_path, ROUNDS.replace("  ahead: true\n", ""))
    assert {st.id: st.plan() for st in lesson.steps}["rounds"] is None
    assert lesson_file(tmp_path, ROUNDS).steps[5].plan().reads == ("X", "X_next", "total")


def test_ctrl_c_while_waiting_for_a_step_computed_ahead_interrupts_at_once(tmp_path):
    import signal

    lesson = lesson_file(tmp_path, """\
        - id: held
          kind: compute
          op: test-ahead-held
          inputs: {A: X}
          bind: held
        """)
    s, _ = session(lesson, ahead=True)
    s.ensure(1)
    wait_until(lambda: CALLS)  # running on the worker, held at the gate
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        s.ensure(2)  # waits on the running job ...
    assert time.perf_counter() - t0 < 2.0  # ... and Ctrl-C ends the wait, as it would a computation
    s.close()


EXITING = """
import sys, time, numpy as np
from tutor.lessons import registry
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import load_lesson
from tutor.lessons.runner import Session, play
from tutor.lessons.ui import RecordingUI
from tutor.course import bundled_course

started = []

@registry.operation("test-ahead-busy", ahead=True)
def busy(A):
    started.append(1)
    end = time.monotonic() + 60
    while time.monotonic() < end:  # a long computation, numpy in and out of C
        np.linalg.svd(np.random.default_rng(0).normal(size=(60, 60)))
    return A

lesson = load_lesson(sys.argv[1], bundled_course())
s = Session(lesson, build_environment(lesson), RecordingUI(keys=["q"]), mode="learn", lookahead=True)
s.ensure(0)
while not started:
    time.sleep(0.01)
print(play(s), flush=True)
"""


def test_the_process_ends_at_once_when_the_learner_quits_during_a_long_computation_ahead(tmp_path):
    import subprocess
    import sys

    write_lesson(tmp_path, """\
        - id: busy
          kind: compute
          op: test-ahead-busy
          inputs: {A: X}
          bind: same
        """)
    script = tmp_path / "quit.py"
    script.write_text(EXITING)
    env = dict(os.environ, PYTHONPATH=str(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
               TUTOR_HOME=str(tmp_path / "home"))
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, str(script), str(tmp_path / "ahead.yaml")], capture_output=True, text=True,
                       env=env, timeout=50)
    took = time.perf_counter() - t0
    assert p.returncode == 0 and p.stdout.strip() == "quit", p.stderr
    assert "Fatal" not in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert took < 20, f"{took:.1f} s: the process waited for the computation (60 s) instead of quitting"
