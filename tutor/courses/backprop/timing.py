"""Timings the lessons show, taken now on the learner's machine.

A lesson that says "this is N times faster" measures it live, so the figure
is the learner's own. Two rules keep such figures fair:

- the fastest of a few runs: a busy machine only ever slows a run down, so
  the shortest one is closest to what the method costs (a single run of a
  millisecond product could come out slower than a loop and tell the learner
  the opposite of the truth);
- one BLAS thread: on a busy 2-core machine, BLAS threads waiting for each
  other make a small product many times slower, which says nothing about the
  method being timed;
- no garbage collection while timing (as `timeit` does): a lesson that has
  drawn many pages holds many objects, and a full collection landing inside
  the per-example loop made it look half as slow again.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable

from tutor.plugin import one_thread


@contextlib.contextmanager
def _no_collection():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fastest(fn: Callable[[], object], runs: int) -> float:
    """The shortest wall time, in seconds, of `runs` calls of fn() (at least one)."""
    best = float("inf")
    with _no_collection():
        for _ in range(max(1, int(runs))):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
    return best


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """fn()'s result and the wall time it took, on one BLAS thread."""
    with one_thread(), _no_collection():
        t0 = time.perf_counter()
        out = fn()
        return out, time.perf_counter() - t0


def cost_and_backprop_seconds(params, layer_sizes, X, y, lam: float = 0.0, activation: str = "sigmoid",
                              runs: int = 7) -> tuple[float, float]:
    """(one cost evaluation, one backprop pass) in seconds for params (P,) on X (m, n), y (m,).

    What a numerical gradient pays per nudge against what backpropagation
    pays for every partial derivative at once; each the fastest of `runs`.
    """
    import numpy as np

    from tutor.core import nn_cost, nn_cost_function, reshape_params

    sizes = tuple(int(s) for s in layer_sizes)
    params = np.asarray(params, dtype=float)
    X = np.ascontiguousarray(X, dtype=float)
    lam = float(lam)
    with one_thread():
        cost = fastest(lambda: nn_cost(reshape_params(params, sizes), X, y, lam, activation), runs)
        backprop = fastest(lambda: nn_cost_function(params, sizes, X, y, lam, activation), runs)
    return cost, backprop


__all__ = ["cost_and_backprop_seconds", "fastest", "one_thread", "timed"]
