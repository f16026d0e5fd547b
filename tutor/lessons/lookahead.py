"""Computing later steps ahead, on one background thread, while the learner reads.

A step kind says it can be computed ahead by returning a `Plan` from
`Step.plan()`: the names it reads and a pure function of their values. The
compute step does so for an operation registered with `ahead=True` (a slow,
deterministic one, such as a training run whose result is kept on disk); a
course opts in there, and the engine names no operation.

The session hands each such later step to `LookAhead.schedule` as soon as
every name it reads has a value. One daemon thread runs the jobs in step
order. Nothing is bound into the lesson's context: the result waits in its
job. When the learner reaches the step, the step asks `LookAhead.take`
for it with the values it would compute from *now*:

- same values (the key, a digest of the inputs, matches) and the job done or
  running: its result, waited for if need be; an error it raised is raised
  again here, the same exception, as if the step had computed it;
- the job not started yet, or the inputs changed since (a step in between
  rebound one): the job is dropped and the step computes in the foreground.

So a value is computed once, and is the one the foreground would compute.
`close` drops the jobs not started; a running one is not waited for (the
thread is a daemon: quitting never waits for it).
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Plan:
    """What a step computes, as a pure function of the values of `reads`.

    compute(values) -> the step's result, where values is {name: value} for
    every name in reads. It must not touch anything else (it runs on another
    thread, before the learner reaches the step).
    """

    reads: tuple[str, ...]
    compute: Callable[[Mapping[str, Any]], Any]


def digest(label: str, values: Mapping[str, Any]) -> str:
    """A key for `values`: array bytes, dtypes and shapes, sequences, mappings, else repr.

    Two calls give the same key exactly when the values are the same, so a
    result computed ahead is only served for the inputs it was computed from.
    """
    h = hashlib.blake2b(label.encode(), digest_size=20)

    def feed(v: Any) -> None:
        if isinstance(v, np.ndarray):
            h.update(f"array {v.dtype.str} {v.shape}|".encode())
            h.update(repr(v.tolist()).encode() if v.dtype.hasobject else v.tobytes())
        elif isinstance(v, (list, tuple)):
            h.update(f"{type(v).__name__} {len(v)}|".encode())
            for x in v:
                feed(x)
        elif isinstance(v, Mapping):
            h.update(f"map {len(v)}|".encode())
            for k in sorted(v, key=repr):
                h.update(repr(k).encode())
                feed(v[k])
        else:
            h.update(f"{type(v).__name__} {v!r}|".encode())

    for name in sorted(values):
        h.update(f"{name}=".encode())
        feed(values[name])
    return h.hexdigest()


class Job:
    """One step's computation: pending, then running, then done (a value or an error)."""

    def __init__(self, key: str, plan: Plan, values: Mapping[str, Any]) -> None:
        self.key = key
        self.plan = plan
        self.values = dict(values)
        self.state = "pending"  # -> "running" -> "done"; or "dropped" before it starts
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread: str | None = None  # the thread that ran it (for tests and the benchmark)


class LookAhead:
    """The jobs of one session and the one thread that runs them."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}  # step id -> its job, until the step takes it
        self.scheduled: set[str] = set()  # every step id ever queued: none is queued twice
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.closed = False
        self.served = 0  # results handed to a step (for tests and the benchmark)

    def schedule(self, step_id: str, plan: Plan, values: Mapping[str, Any]) -> None:
        """Queue step `step_id` (once), computed from `values` ({name: value} for plan.reads)."""
        if self.closed or step_id in self.scheduled:
            return
        job = Job(digest(step_id, values), plan, values)
        self.scheduled.add(step_id)
        self.jobs[step_id] = job
        self._queue.put(job)
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="tutor-lookahead", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self._lock:
                if job.state != "pending":
                    continue
                job.state = "running"
            job.thread = threading.current_thread().name
            try:
                import numpy as np

                with np.errstate(all="ignore"):  # a step computed ahead says nothing on the learner's screen
                    job.result = job.plan.compute(job.values)
            except BaseException as err:  # kept for the step to raise as its own
                job.error = err
            job.values = {}
            job.state = "done"
            job.done.set()

    def take(self, step_id: str, values: Mapping[str, Any]) -> tuple[bool, Any]:
        """(True, result) when step `step_id` was computed ahead from these values; else (False, None).

        Waits for a running job. Raises what the job raised. A job not yet
        started, or made from other values, is dropped: the caller computes.
        """
        job = self.jobs.pop(step_id, None)
        if job is None:
            return False, None
        with self._lock:
            if job.state == "pending":
                job.state = "dropped"
                return False, None
        if job.key != digest(step_id, values):
            return False, None  # the running job's result is simply not used
        job.done.wait()
        self.served += 1
        if job.error is not None:
            raise job.error
        return True, job.result

    def close(self) -> None:
        """Drop every job not started and let the thread end; never waits for a running job."""
        self.closed = True
        with self._lock:
            for job in self.jobs.values():
                if job.state == "pending":
                    job.state = "dropped"
        self._queue.put(None)
