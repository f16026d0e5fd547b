"""The results the course ships (data/kept) are exactly what a fresh home computes, and are used.

A first handout or demo in a fresh install reads them instead of training
(tutor/courses/backprop/resultcache.py). They are named by the hash of their
inputs, so they can only ever stand for the very computation that made them;
what this file guards is that the repository's copies are current: every
result a default run keeps is shipped, nothing else is, and each holds the
numbers the code computes now. When this fails, run `python scripts/bake_kept.py`.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from tutor.courses.backprop import resultcache

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "kept"
STALE = "data/kept is stale: run `python scripts/bake_kept.py` and commit the files"


# The moons are made with numpy's sin and cos, whose last bit depends on the
# CPU's vector unit (on AVX-512 numpy uses other code). Where the points differ
# from the baking machine's, the moons' result is named by other inputs: it is
# then computed, not read, and cannot be compared here.
MOONS_SHA256 = "39198958fb50f6e0"  # of make_moons(200, noise=0.2, seed=0).X's bytes where data/kept was baked
MOONS_OPS = ("op-gd_from_scratch-",)


def _moons_as_baked() -> bool:
    import hashlib

    from tutor.courses.backprop.datasets import make_moons

    return hashlib.sha256(make_moons(n_samples=200, noise=0.2, seed=0).X.tobytes()).hexdigest()[:16] == MOONS_SHA256


REPO_ROOT = Path(__file__).resolve().parents[2]


def _comparable(names) -> list[str]:
    return sorted(n for n in names if _moons_as_baked() or not n.startswith(MOONS_OPS))


@pytest.fixture(scope="module")
def baked(tmp_path_factory):
    target = tmp_path_factory.mktemp("kept")
    import importlib.util

    spec = importlib.util.spec_from_file_location("bake_kept", REPO_ROOT / "scripts" / "bake_kept.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return target, script.bake(target)


def test_every_kept_result_of_a_default_run_is_shipped_and_nothing_else(baked):
    _, names = baked
    assert names, "a default run of the course keeps its training results"
    shipped = [p.name for p in SHIPPED.glob("*.npz")]
    assert _comparable(names) == _comparable(shipped), STALE
    assert sorted(n.split("-")[1] for n in names) == sorted(n.split("-")[1] for n in shipped), STALE


def test_each_shipped_result_holds_the_numbers_computed_now(baked):
    target, names = baked
    for name in _comparable(names):
        with np.load(SHIPPED / name, allow_pickle=False) as shipped, np.load(target / name, allow_pickle=False) as now:
            assert sorted(shipped.files) == sorted(now.files), (name, STALE)
            for key in now.files:
                a, b = shipped[key], now[key]
                assert a.dtype == b.dtype and a.shape == b.shape, (name, key, STALE)
                if np.issubdtype(b.dtype, np.floating):
                    # bit for bit on the machine that baked them; another CPU's
                    # BLAS may round differently over a long CG run
                    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9, err_msg=f"{name} {key}: {STALE}")
                else:
                    assert np.array_equal(a, b), (name, key, STALE)


def test_a_fresh_home_reads_them_instead_of_training(monkeypatch, tutor_home):
    import importlib

    import tutor.core
    from tutor.course import bundled_course
    from tutor.courses.backprop import ops_accuracy, ops_sigmoid_gradient, setups
    from tutor.lessons.loader import find_lesson
    from tutor.lessons.runner import render_lesson

    monkeypatch.setenv("TUTOR_SHIPPED_RESULTS", "1")
    monkeypatch.setattr(setups, "_MEMORY", {})

    def no_training(*a, **k):
        raise AssertionError("trained although the course ships this result")

    monkeypatch.setattr(importlib.import_module("tutor.core.train"), "train_network", no_training)
    monkeypatch.setattr(tutor.core, "train_network", no_training)
    monkeypatch.setattr(ops_accuracy, "train_network", no_training)
    monkeypatch.setattr(ops_sigmoid_gradient, "train_network", no_training)
    lessons = ["accuracy", "training", "sigmoid-gradient"] + (["moons-from-scratch"] if _moons_as_baked() else [])
    for lesson in lessons:
        console = Console(file=io.StringIO(), width=100, color_system=None)
        session = render_lesson(find_lesson(lesson, bundled_course()), console)
        assert not session.problems, (lesson, session.problems)
    # whatever is computed is kept in the home; nothing was
    assert not list((tutor_home / "cache").glob("op-*.npz")) and not list((tutor_home / "cache").glob("trained-*"))


def test_turned_off_or_for_other_inputs_they_are_not_used(monkeypatch, tutor_home):
    name = next(SHIPPED.glob("op-play_table-*.npz")).name
    entry = resultcache.Entry("play_table", 1)
    entry.path = tutor_home / "cache" / name  # as if its key were the shipped one
    monkeypatch.setenv("TUTOR_SHIPPED_RESULTS", "1")
    assert entry.read() is not None
    monkeypatch.setenv("TUTOR_SHIPPED_RESULTS", "0")
    assert entry.read() is None
    monkeypatch.setenv("TUTOR_SHIPPED_RESULTS", "1")
    assert resultcache.Entry("play_table", 1, (np.zeros(3),)).read() is None  # other inputs, other name
