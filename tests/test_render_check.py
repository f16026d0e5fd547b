"""CheckBadge: the verdict as a word, the numbers behind it."""

from __future__ import annotations

import numpy as np
import pytest
from test_render_support import assert_fits, raw, show

from tutor.render import CheckBadge


@pytest.mark.parametrize("width", [40, 100])
def test_pass_badge_shows_value_expected_difference_tolerance(width):
    text = show(CheckBadge("Cost of the course weights, λ = 0", True, 0.28762916516131876, 0.287629, 1e-6,
                           detail="Published in the course handout."), width)
    assert "PASS" in text and "FAIL" not in text
    assert "0.2876291652" in text and "0.287629" in text
    assert "1.7e-07" in text  # |0.2876291652 - 0.287629|
    assert "1e-06" in text and "Published" in text
    assert_fits(text, width)


def test_fail_badge_for_arrays_gives_largest_difference():
    a, b = np.zeros((25, 401)), np.zeros((25, 401))
    b[3, 7] = 0.5
    text = show(CheckBadge("loop vs vectorized", False, a, b, 1e-9), 60)
    assert "FAIL" in text and "PASS" not in text
    assert "array 25 x 401" in text and "max |diff|" in text and "0.5" in text


def test_shapes_that_cannot_be_compared():
    text = show(CheckBadge("shapes", False, np.zeros((2, 3)), np.zeros((3, 2))), 60)
    assert "cannot compare" in text


def test_colour_is_extra_not_the_message():
    colored = raw(CheckBadge("x", False, 1.0, 2.0, 0.1))
    assert "\x1b[" in colored and "FAIL" in colored


def test_ascii_badge():
    text = show(CheckBadge("Θ check, λ = 3", True, 1.0, 1.0, 1e-9), 40, ascii=True)
    assert text.isascii() and "PASS" in text and "lambda = 3" in text and "Theta" in text
    assert text.startswith("+---")


def test_bound_badge_shows_the_bound_and_the_margin():
    text = show(CheckBadge("Training accuracy (%) is at least 95", True, 98.72, at_least=95), 100)
    assert "PASS" in text and "at least 95" in text and "margin" in text and "3.72" in text
    short = show(CheckBadge("Accuracy (%) is at least 95", False, 90.0, at_least=95), 100)
    assert "FAIL" in short and "5 short" in short
