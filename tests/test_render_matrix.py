"""MatrixView, VectorView, ScalarView: names, shapes, corners, abbreviation, speed."""

from __future__ import annotations

import time

import numpy as np
import pytest
from test_render_support import assert_fits, console, lines, show

from tutor.render import MatrixView, ScalarView, VectorView

BIG = np.arange(5000 * 401, dtype=float).reshape(5000, 401) / 1e6  # corners known exactly


@pytest.mark.parametrize("width", [40, 100])
@pytest.mark.parametrize("color", [False, True])
def test_large_matrix_is_abbreviated_with_real_corners(width, color):
    text = show(MatrixView(BIG, "a1"), width, color)
    assert lines(text)[0].split() == ["a1", "5000", "x", "401", "float64"]
    first_row = next(l for l in lines(text) if l.strip().startswith("0│"))
    last_row = next(l for l in lines(text) if l.strip().startswith("4999│"))
    # Corners: BIG[0, 0], BIG[0, 400], BIG[4999, 0], BIG[4999, 400] at 4 decimals.
    assert first_row.split()[1] == "0.0000" and first_row.split()[-1] == "0.0004"
    assert last_row.split()[1] == f"{4999 * 401 / 1e6:.4f}" and last_row.split()[-1] == f"{(5000 * 401 - 1) / 1e6:.4f}"
    assert "…" in text and "⋮" in text
    assert "showing 6 of 5000 rows" in text
    assert_fits(text, width)


def test_small_matrix_is_whole_and_integers_stay_integers():
    A = np.arange(12).reshape(3, 4)
    text = show(MatrixView(A, "A"), 40)
    assert "…" not in text and "⋮" not in text and "showing" not in text
    assert "3 x 4" in text and "int64" in text
    body = [l.split("│")[1].split() for l in lines(text)[3:6]]
    assert body == [["0", "1", "2", "3"], ["4", "5", "6", "7"], ["8", "9", "10", "11"]]


def test_precision_controls_decimals():
    text = show(MatrixView(np.array([[1 / 3, 2 / 3]]), "p", precision=2), 40)
    assert "0.33" in text and "0.67" in text and "0.333" not in text


def test_tiny_values_switch_to_scientific_not_zero():
    text = show(MatrixView(np.array([[1.234e-6, -5.0e-7]]), "grad"), 40)
    assert "1.234e-06" in text and "-5.000e-07" in text and "0.0000" not in text


def test_highlighted_column_is_marked_without_colour():
    text = show(MatrixView(BIG, "a1", highlight_cols=[0]), 40)
    header = lines(text)[1]
    assert "[0]" in header and "[1]" not in header
    assert "highlighted column: [0]" in text


def test_highlighted_middle_row_is_shown_and_marked():
    text = show(MatrixView(BIG, "a1", highlight_rows=[2500]), 60)
    row = next(l for l in lines(text) if "2500│" in l)
    assert row.lstrip().startswith("▸")
    assert row.split("│")[1].split()[0] == f"{2500 * 401 / 1e6:.4f}"


def test_highlight_gets_colour_when_colour_is_on():
    con, read = console(60, color=True)
    con.print(MatrixView(np.zeros((2, 2)), "Z", highlight_cols=[1]))
    assert "\x1b[1;33m" in read()  # bold yellow on the highlighted cells


def test_stats_line_matches_numpy():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(50, 7))
    text = show(MatrixView(A, "A", stats=True), 100)
    stats = lines(text)[-1].split()
    assert stats[0] == "min" and float(stats[1]) == pytest.approx(A.min(), abs=1e-4)
    assert float(stats[3]) == pytest.approx(A.max(), abs=1e-4)
    assert float(stats[5]) == pytest.approx(A.mean(), abs=1e-4)


def test_ascii_stream_gets_only_ascii():
    text = show(MatrixView(BIG, "Θ1", highlight_cols=[0], highlight_rows=[3]), 40, ascii=True)
    assert text.isascii()
    assert "Theta1" in text and "..." in text and "|" in text
    assert_fits(text, 40)


def test_vector_view_is_horizontal_and_abbreviated():
    v = np.arange(1000) / 8
    text = show(MatrixView(v, "y"), 40)  # 1-D goes to VectorView
    rows = lines(text)
    assert rows[0].split() == ["y", "1000", "float64"]
    assert rows[1].split("│")[0].strip() == "index" and rows[3].split("│")[0].strip() == "value"
    values = rows[3].split("│")[1].split()
    assert values[0] == "0.0000" and values[-1] == "124.8750" and "…" in values
    assert_fits(text, 40)
    short = show(VectorView(np.array([1, 2, 3]), "k"), 40)
    assert "…" not in short and lines(short)[3].split("│")[1].split() == ["1", "2", "3"]


def test_scalar_view():
    assert show(ScalarView(0.28762916516131876, "J"), 40).strip() == "J = 0.287629"
    assert show(ScalarView(np.int64(5000), "m"), 40).strip() == "m = 5000"
    assert show(ScalarView(3e-11, "rel"), 40).strip() == "rel = 3.00000e-11"
    assert show(ScalarView(1.0, "λ"), 40, ascii=True).strip() == "lambda = 1.000000"


def test_rendering_5000_by_401_is_fast():
    A = np.random.default_rng(0).random((5000, 401))
    con, _ = console(100, color=True)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        con.print(MatrixView(A, "a1", stats=True, highlight_cols=[0]))
        best = min(best, time.perf_counter() - t0)
    assert best < 0.050, f"best of 5: {best * 1000:.1f} ms"


def test_whole_numbers_stored_as_floats_print_without_decimals():
    Y = np.eye(3)[[0, 2, 1, 0]]  # a one-hot matrix, float64
    text = show(MatrixView(Y, "Y"), 100)
    assert "float64" in text and "1.0000" not in text and "0.0000" not in text
    assert lines(text)[3].split("│")[1].split() == ["1", "0", "0"]
