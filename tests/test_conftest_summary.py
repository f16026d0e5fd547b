"""The run's summary says loudly when the tests that need ../shared/ex4 were skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _pytest(ex4_dir: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TUTOR_EX4_DIR": ex4_dir}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           str(TESTS / "backprop" / "test_datasets.py"), "-k", "ex4_weights"],
                          env=env, capture_output=True, text=True, timeout=300, cwd=str(TESTS.parent), check=False)


def test_missing_weights_are_named_in_the_summary(tmp_path):
    run = _pytest(str(tmp_path / "nowhere"))
    assert run.returncode == 0, run.stdout[-2000:]
    lines = [line for line in run.stdout.splitlines() if "need the course's weights were SKIPPED" in line]
    assert len(lines) == 1 and lines[0].startswith("!") and lines[0].endswith("!")
    assert "2 tests that need" in lines[0] and str(tmp_path / "nowhere") in lines[0]


def test_no_such_line_when_the_weights_are_there():
    from conftest import EX4_DIR, EX4_WEIGHTS

    if not EX4_WEIGHTS.is_file():
        import pytest

        pytest.skip(f"the course's weights are not at {EX4_WEIGHTS}: nothing to compare with")
    run = _pytest(str(EX4_DIR))
    assert run.returncode == 0 and "2 passed" in run.stdout
    assert "need the course's weights" not in run.stdout
