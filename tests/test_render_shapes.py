"""ShapeEquation: the product's shape, matches and mismatches, narrow and ASCII."""

from __future__ import annotations

import pytest
from test_render_support import assert_fits, show

from tutor.render import ShapeEquation

GOOD = ([("a1", (1797, 65), False), ("Theta1", (25, 65), True)], ("z2", (1797, 25)))


@pytest.mark.parametrize("width", [40, 100])
def test_matching_product(width):
    eq = ShapeEquation(*GOOD)
    assert eq.ok and eq.product == (1797, 25)
    text = show(eq, width)
    flat = " ".join(text.split())
    assert "a1 (1797 x 65) · Theta1ᵀ (65 x 25) → z2 (1797 x 25)" in flat
    assert "OK" in text and "65 = 65" in text and "MISMATCH" not in text
    assert_fits(text, width)


def test_inner_mismatch_is_marked_and_explained():
    eq = ShapeEquation([("a1", (1797, 65), False), ("Theta1", (25, 64), True)], ("z2", (1797, 25)))
    assert not eq.ok and eq.product is None
    text = show(eq, 100)
    assert "(1797 x [65])" in text and "([64] x 25)" in text
    assert "MISMATCH" in text and "a1 has 65 columns but Theta1ᵀ has 64 rows" in text


def test_result_of_wrong_shape_is_a_mismatch():
    eq = ShapeEquation(GOOD[0], ("z2", (1797, 26)))
    assert not eq.ok
    text = show(eq, 100)
    assert "z2 (1797 x [26])" in text and "product gives 1797 x 25" in text


def test_chain_and_no_result():
    eq = ShapeEquation([("delta3", (5000, 10), True), ("a2", (5000, 26)), ("W", (26, 3))])
    assert eq.ok and eq.product == (10, 3)
    assert "result (10 x 3)" in show(eq, 100)


def test_ascii_fallback():
    text = show(ShapeEquation(*GOOD), 40, ascii=True)
    assert text.isascii()
    # the product reads @ in ASCII too: the course teaches * as elementwise
    assert "Theta1^T (65 x 25)" in text and " @ " in text and "*" not in text and "->" in text
