"""GradientComparison: columns side by side, abbreviation, verdict bands."""

from __future__ import annotations

import numpy as np
import pytest
from test_render_support import assert_fits, show

from tutor.core import check_nn_gradients
from tutor.render import GradientComparison


@pytest.fixture(scope="module")
def check():
    return check_nn_gradients(0.0)


@pytest.mark.parametrize("width", [40, 100])
def test_debug_network_comparison(check, width):
    view = GradientComparison(check.numerical, check.analytical, check.relative_difference, check.verdict)
    text = show(view, width)
    assert_fits(text, width)
    assert "PASS" in text and "below 1e-09 pass, below 1e-05 warn" in " ".join(text.split())
    assert "showing 10 of 38 parameters" in text and "⋮" in text
    row0 = next(l for l in text.splitlines() if l.split("│")[0].strip() == "0").split("│")[1].split()
    assert float(row0[0]) == pytest.approx(check.numerical[0], rel=1e-3)
    assert float(row0[1]) == pytest.approx(check.analytical[0], rel=1e-3)
    rows37 = [l for l in text.splitlines() if l.split("│")[0].strip() == "37"]
    assert rows37, "the last parameter is shown"


def test_verdict_words_follow_the_bands():
    a = np.array([1.0, 2.0])
    assert "WARN" in show(GradientComparison(a, a, 1e-7), 60)
    assert "FAIL" in show(GradientComparison(a, a * 1.1, 0.05), 60)
    assert "PASS" in show(GradientComparison(a, a, 1e-12), 60)
    assert "FAIL" in show(GradientComparison(a, a, float("nan")), 60)


def test_spot_check_indices_and_ascii():
    text = show(GradientComparison([0.1, 0.2], [0.1, 0.2], 0.0, "pass", indices=[17, 9000]), 40, ascii=True)
    assert text.isascii() and "9000|" in text.replace(" ", "") and "PASS" in text
