"""The bundled course's longer training steps: one CG run serves every checkpoint of the
held-out experiment, and results kept on disk come back identical (and are retrained when
anything they depend on changes, or the file is damaged)."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.core import initialize_params, train_network
from tutor.courses.backprop import ops_accuracy
from tutor.courses.backprop.datasets import load_digits
from tutor.courses.backprop.resultcache import kept

SIZES = (64, 8, 10)


@pytest.fixture(scope="module")
def small():
    ds = load_digits()
    return np.asarray(ds.X[:240], dtype=float), np.asarray(ds.y[:240], dtype=np.intp)


@pytest.mark.parametrize("lam", [0.0, 2.0])
def test_checkpoints_of_one_cg_run_equal_separate_runs_to_the_last_bit(small, lam):
    X, y = small
    p0 = initialize_params(SIZES, "uniform", epsilon=0.12, seed=3)
    counts = (3, 7, 15, 30)
    snaps = ops_accuracy.cg_checkpoints(SIZES, X, y, p0, lam, "sigmoid", counts)
    for k in counts:
        alone = train_network(SIZES, X, y, p0, lam, "sigmoid", "cg", k).params
        assert np.array_equal(snaps[k], alone), k
    assert not np.array_equal(snaps[3], snaps[30])


def test_a_run_that_converges_early_gives_its_end_to_every_later_count(small):
    X, y = small
    p0 = initialize_params((64, 2, 10), "uniform", epsilon=0.12, seed=0)
    snaps = ops_accuracy.cg_checkpoints((64, 2, 10), X[:20], y[:20], p0, 1e3, "sigmoid", (2, 5000))
    alone = train_network((64, 2, 10), X[:20], y[:20], p0, 1e3, "sigmoid", "cg", 5000).params
    assert np.array_equal(snaps[5000], alone)


def _counting():
    calls = []

    @kept("test-op")
    def op(X, n: int = 2) -> dict:
        calls.append(n)
        return {"table": np.array([["a", "b"]]), "values": X * n, "total": float(X.sum() * n), "count": int(n),
                "parts": [X, X + 1]}

    return op, calls


def _same(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    for k in a:
        if isinstance(a[k], list):
            if not all(np.array_equal(x, z) for x, z in zip(a[k], b[k])):
                return False
        elif isinstance(a[k], np.ndarray):
            if not (np.array_equal(a[k], b[k]) and a[k].dtype == b[k].dtype):
                return False
        elif not (a[k] == b[k] and type(a[k]) is type(b[k])):
            return False
    return True


def test_a_kept_result_comes_back_identical_without_running_again(tutor_home):
    op, calls = _counting()
    X = np.arange(6.0).reshape(2, 3) / 7
    first = op(X, n=3)
    again = op(X, n=3)
    assert calls == [3] and _same(first, again)
    op(X, n=4)  # another argument
    op(X + 1e-12, n=3)  # other data, however close
    assert calls == [3, 4, 3]
    assert len(list((tutor_home / "cache").glob("op-test-op-*.npz"))) == 3


def test_a_damaged_kept_file_is_ignored_and_rewritten(tutor_home):
    op, calls = _counting()
    X = np.ones((2, 2))
    first = op(X)
    (path,) = (tutor_home / "cache").glob("op-test-op-*.npz")
    path.write_bytes(b"not an npz file")
    assert _same(op(X), first) and calls == [2, 2]
    assert _same(op(X), first) and calls == [2, 2]  # rewritten whole


def test_the_lessons_steps_give_the_same_figures_from_the_disk(small, tutor_home):
    X, y = small
    first = ops_accuracy.overfitting(SIZES, X, y, lam=0.0, train_size=120, seed=0)
    assert len(list((tutor_home / "cache").glob("op-overfitting-*.npz"))) == 1
    again = ops_accuracy.overfitting(SIZES, X, y, lam=0.0, train_size=120, seed=0)
    assert _same(first, again)


# -- the train step: a live run for a watcher, a kept one for a page ------------------------------


class _Ctx:
    """What TrainStep.run reads and writes of a lesson context, with a chosen kind of progress."""

    def __init__(self, values: dict, progress) -> None:
        self.values = dict(values)
        self.progress = progress

    def get(self, name):
        return self.values[name]

    def bind(self, name, value):
        self.values[name] = value

    def markdown(self, text):
        return text

    def training(self, total, title):
        import contextlib

        return contextlib.nullcontext(self.progress)


class _Watching:
    """A live display (no `watched` attribute, like the terminal's and a notebook's); may stop the run."""

    def __init__(self, stop_at: int | None = None) -> None:
        self.stop_at = stop_at
        self.seen = []

    def update(self, record) -> bool:
        self.seen.append(record.iteration)
        return self.stop_at is not None and record.iteration >= self.stop_at


def _printed(renderables) -> str:
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=100, color_system=None)
    for r in renderables:
        console.print(r)
    return console.file.getvalue()


def _train_step(method="cg", iterations=12):
    from tutor.courses.backprop.step_train import TrainStep

    return TrainStep(None, method=method, iterations=iterations, lam=1.0, start="p0", bind="run")


@pytest.fixture
def counted_training(monkeypatch):
    import tutor.core

    calls = []
    real = tutor.core.train_network

    def counting(*args, **kwargs):
        calls.append(kwargs.get("method"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tutor.core, "train_network", counting)
    return calls


def test_an_unwatched_train_step_shows_a_kept_run_and_a_watched_one_always_trains(small, tutor_home,
                                                                                     counted_training):
    from tutor.lessons.context import Unwatched

    X, y = small
    values = {"X": X, "y": y, "p0": initialize_params(SIZES, "uniform", epsilon=0.12, seed=5),
              "layer_sizes": list(SIZES), "activation": "sigmoid"}
    step = _train_step()
    watched = _Ctx(values, _Watching())
    shown_live = step.run(watched)
    assert counted_training == ["cg"] and watched.progress.seen[0] == 0  # trained, live
    page = _Ctx(values, Unwatched())
    shown_kept = step.run(page)
    assert counted_training == ["cg"]  # read back: no training, same page
    assert _printed(shown_kept) == _printed(shown_live)
    for suffix in ("", "_history"):
        assert np.array_equal(page.values["run" + suffix], watched.values["run" + suffix])
    assert page.values["run_cost"] == watched.values["run_cost"]
    again = _Ctx(values, _Watching())
    step.run(again)
    assert counted_training == ["cg", "cg"]  # a watcher sees the run happen every time
    # Anything the run depends on changes the key: another iteration count trains afresh.
    _train_step(iterations=13).run(_Ctx(values, Unwatched()))
    assert counted_training == ["cg", "cg", "cg"]


def test_a_run_the_learner_stopped_is_not_kept(small, tutor_home, counted_training):
    from tutor.lessons.context import Unwatched

    X, y = small
    values = {"X": X, "y": y, "p0": initialize_params(SIZES, "uniform", epsilon=0.12, seed=6),
              "layer_sizes": list(SIZES), "activation": "sigmoid"}
    step = _train_step(method="gd", iterations=40)
    stopped = _Ctx(values, _Watching(stop_at=3))
    step.run(stopped)
    assert len(stopped.values["run_history"]) == 4
    page = _Ctx(values, Unwatched())
    step.run(page)
    assert counted_training == ["gd", "gd"]  # the cut-short run was not served as the step's result
    assert len(page.values["run_history"]) == 41


def test_a_half_written_copy_left_by_a_dead_process_is_cleared_by_the_next_writer(tutor_home):
    import os
    import subprocess
    import sys

    op, calls = _counting()
    X = np.ones((2, 2))
    op(X)
    (path,) = (tutor_home / "cache").glob("op-test-op-*.npz")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()  # a pid whose process has ended
    orphan = path.with_name(f"{path.name}.{gone}.tmp.npz")
    orphan.write_bytes(b"half of an npz")
    alive = path.with_name(f"{path.name}.{os.getppid()}.tmp.npz")  # a process that still runs
    alive.write_bytes(b"being written")
    path.unlink()  # the result must be computed and written again
    op(X)
    assert calls == [2, 2] and path.is_file()
    assert not orphan.exists() and alive.exists()
