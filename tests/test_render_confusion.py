"""ConfusionTable: counts, diagonal, per-class accuracy, totals, narrow blocks."""

from __future__ import annotations

import numpy as np
import pytest
from test_render_support import assert_fits, show

from tutor.core import confusion_matrix
from tutor.render import ConfusionTable

NAMES = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")


@pytest.fixture
def C():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 10, 2000)
    pred = np.where(rng.random(2000) < 0.9, y, rng.integers(0, 10, 2000))
    return confusion_matrix(y, pred, 10)


def _row(text, label):
    return [l for l in text.splitlines() if l.split("│")[0].strip() == label]


def test_totals_and_accuracy_at_100(C):
    text = show(ConfusionTable(C, NAMES), 100)
    total = _row(text, "total")[0].split("│")[1].split()
    assert [int(t) for t in total[:10]] == C.sum(axis=0).tolist()
    assert int(total[10]) == 2000
    assert total[11] == f"{100 * np.trace(C) / 2000:.1f}%"
    first = _row(text, "1")[0].split("│")[1].split()
    assert first[0] == f"[{C[0, 0]}]"  # diagonal bracketed without colour
    assert int(first[10]) == C[0].sum() and first[11] == f"{100 * C[0, 0] / C[0].sum():.1f}%"
    assert_fits(text, 100)


def test_narrow_screen_splits_columns_without_losing_any(C):
    text = show(ConfusionTable(C, NAMES), 40)
    assert_fits(text, 40)
    rows_of_1 = _row(text, "1")
    cells = [c for r in rows_of_1 for c in r.split("│")[1].split()]
    assert len(rows_of_1) >= 2 and len(cells) == 12
    assert [int(c.strip("[]")) for c in cells[:10]] == C[0].tolist()


def test_colour_marks_diagonal_with_colour_only(C):
    text = show(ConfusionTable(C, NAMES), 100, color=True)
    assert "[" not in _row(text, "1")[0]


def test_properties_and_ascii(C):
    t = ConfusionTable(C, NAMES)
    assert t.accuracy == pytest.approx(np.trace(C) / C.sum())
    assert np.allclose(t.per_class_accuracy, np.diag(C) / C.sum(axis=1))
    assert show(t, 40, ascii=True).isascii()
    with pytest.raises(ValueError):
        ConfusionTable(np.zeros((2, 3)))
