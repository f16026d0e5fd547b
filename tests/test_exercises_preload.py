"""An unisolated check imports everything the report may need before the learner's code runs.

Unisolated, that code runs as the same user as the tutor and could rewrite the
tutor's own files; a module imported after it ran would run what it wrote.
"""

from __future__ import annotations

import pytest

from tutor.course import bundled_course
from tutor.exercises import report
from tutor.exercises.catalog import get_exercise
from tutor.exercises.check import check_file
from tutor.exercises.isolation import decide

RIGHT = "from tutor_helpers import sigmoid\n\ndef sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n"


def _calls(monkeypatch) -> list:
    calls = []
    monkeypatch.setattr(report, "preload", lambda: calls.append(1))
    return calls


def test_an_unisolated_check_preloads_the_report(tmp_path, monkeypatch):
    calls = _calls(monkeypatch)
    (tmp_path / "a.py").write_text(RIGHT)
    result = check_file(get_exercise("sigmoid-gradient", bundled_course()), tmp_path / "a.py", isolation="off")
    assert result.passed and calls == [1]


@pytest.mark.skipif(decide("auto")[0] is None, reason="bubblewrap cannot run here")
def test_an_isolated_check_leaves_the_report_to_load_when_needed(tmp_path, monkeypatch):
    calls = _calls(monkeypatch)
    (tmp_path / "a.py").write_text(RIGHT)
    result = check_file(get_exercise("sigmoid-gradient", bundled_course()), tmp_path / "a.py", isolation="strict")
    assert result.passed and calls == []
