"""Fixtures shared by every test module.

Every test gets its own empty $TUTOR_HOME, so no test reads or writes a real
learner's progress. The course's weights are read from ../shared/ex4 beside
the checkout; tests that need them skip, saying why, when they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The tests check numbers, not speed. On a 2-core machine that also runs
# tutor subprocesses (tmux, sandboxes), several BLAS threads per process fight
# over the cores and make small-matrix training many times slower; one thread
# each keeps the suite quick and its timings steady. Subprocesses inherit it.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
# The suite computes every result it checks: the results the course ships
# (data/kept) are read only where a test turns them on, and
# tests/backprop/test_shipped_results.py recomputes them all.
os.environ.setdefault("TUTOR_SHIPPED_RESULTS", "0")
try:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
except ImportError:  # threadpoolctl comes with scikit-learn; without it the env vars still apply to children
    pass

REPO = Path(__file__).resolve().parent.parent
EX4_DIR = Path(os.environ.get("TUTOR_EX4_DIR", REPO.parent / "shared" / "ex4"))
EX4_WEIGHTS = EX4_DIR / "ex4weights.mat"


@pytest.fixture(autouse=True)
def tutor_home(tmp_path, monkeypatch):
    """A private, empty $TUTOR_HOME for each test."""
    home = tmp_path / "tutor-home"
    monkeypatch.setenv("TUTOR_HOME", str(home))
    return home


NO_WEIGHTS = "the course's weights are not at"


@pytest.fixture
def ex4_weights_path() -> Path:
    """Path of the course's trained weights, or skip with the reason."""
    if not EX4_WEIGHTS.is_file():
        pytest.skip(f"{NO_WEIGHTS} {EX4_WEIGHTS} (set TUTOR_EX4_DIR to their folder)")
    return EX4_WEIGHTS


def pytest_terminal_summary(terminalreporter):
    """Say loudly, at the end of the run, when the tests that need the course's weights did not run."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if NO_WEIGHTS in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} tests that need the course's weights were SKIPPED: "
                                        f"{EX4_WEIGHTS} is missing (set TUTOR_EX4_DIR)", red=True, bold=True)


@pytest.fixture
def repo() -> Path:
    return REPO
