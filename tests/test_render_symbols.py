"""The symbol table: ASCII twins, and every view ASCII-only on an ASCII stream."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_render_support import assert_fits, show

from tutor import render
from tutor.courses.backprop import render_digits
from tutor.render.symbols import ASCII, UNICODE, plain


def test_ascii_table_is_ascii_and_unicode_table_differs():
    for field in dataclasses.fields(ASCII):
        value = getattr(ASCII, field.name)
        assert not isinstance(value, str) or value.isascii(), field.name
    assert UNICODE.transpose == "ᵀ" and ASCII.transpose == "^T" and ASCII.arrow == "->"


def test_plain_spells_out_greek_and_marks():
    assert plain("λ/(2m) × Θ1ᵀ · δ3 ✓") == "lambda/(2m) x Theta1^T @ delta3 PASS"
    assert plain("λ", ascii=False) == "λ"
    assert plain("日本").isascii()


def _all_views():
    rng = np.random.default_rng(0)
    return [
        render.MatrixView(rng.random((300, 50)), "Θ1", highlight_cols=[0], highlight_rows=[5], stats=True),
        render.VectorView(rng.random(100), "δ"),
        render.ScalarView(0.5, "λ"),
        render.ShapeEquation([("a1", (10, 3), False), ("Θ1", (4, 2), True)], ("z2", (10, 4))),
        render.CheckBadge("λ = 1 ✓", False, 1.0, 2.0, 0.1, detail="→ see δ"),
        render.ConfusionTable(np.eye(3, dtype=int) * 5 + 1, ["α", "b", "c"]),
        render.GradientComparison(rng.random(30), rng.random(30), 0.3),
        render_digits.DigitGrid(rng.random((4, 8, 8)), labels=["Θ", 1, 2, 3], title="Digits λ"),
        render_digits.HiddenUnits(rng.random((3, 17)), (4, 4), "F"),
        render.CostCurve(np.linspace(2, 0.2, 40), title="Cost λ=1"),
        render.DecisionBoundary(np.linspace(0, 1, 5), np.linspace(0, 1, 4), np.eye(4, 5, dtype=int),
                                rng.random((6, 2)), np.arange(6) % 2),
        render.TrainSummary(0.3, 20, 0.9, method="cg", lam=1),
    ]


@pytest.mark.parametrize("width", [40, 80])
def test_every_view_is_pure_ascii_on_an_ascii_stream(width):
    for view in _all_views():
        text = show(view, width, ascii=True)  # the stream would raise on anything else
        assert text.isascii(), type(view).__name__
        assert_fits(text, width)


@pytest.mark.parametrize("width", [40, 120])
def test_every_view_fits_in_colour(width):
    for view in _all_views():
        assert_fits(show(view, width, color=True), width)


def test_the_matrix_product_reads_as_numpys_at_sign_on_an_ascii_stream():
    """The course teaches `*` as elementwise and `@` as the matrix product; a
    screen reader on --plain must hear `D2 = delta3^T @ a2 / m`, not `*`."""
    assert ASCII.dot == "@" and UNICODE.dot == "·"
    assert plain("D2 = delta3ᵀ · a2 / m") == "D2 = delta3^T @ a2 / m"
    assert plain("delta2 = (delta3 · Theta2)[:, 1:] .* g'(z2)") == "delta2 = (delta3 @ Theta2)[:, 1:] .* g'(z2)"
    eq = render.ShapeEquation([("delta3", (5, 10), True), ("a2", (5, 26), False)], ("D2", (10, 26)))
    text = show(eq, 80, ascii=True)
    assert "delta3^T (10 x 5) @ a2 (5 x 26) -> D2 (10 x 26)" in text, text
