"""Fixtures shared by every test module.

Every test gets its own empty $TUTOR_HOME, so no test reads or writes a real
learner's progress. The course's weights are read from ../shared/ex4 beside
the checkout; tests that need them skip, saying why, when they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EX4_DIR = Path(os.environ.get("TUTOR_EX4_DIR", REPO.parent / "shared" / "ex4"))
EX4_WEIGHTS = EX4_DIR / "ex4weights.mat"


@pytest.fixture(autouse=True)
def tutor_home(tmp_path, monkeypatch):
    """A private, empty $TUTOR_HOME for each test."""
    home = tmp_path / "tutor-home"
    monkeypatch.setenv("TUTOR_HOME", str(home))
    return home


@pytest.fixture
def ex4_weights_path() -> Path:
    """Path of the course's trained weights, or skip with the reason."""
    if not EX4_WEIGHTS.is_file():
        pytest.skip(f"the course's weights are not at {EX4_WEIGHTS} (set TUTOR_EX4_DIR to their folder)")
    return EX4_WEIGHTS


@pytest.fixture
def repo() -> Path:
    return REPO
