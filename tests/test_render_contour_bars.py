"""Contour plots with arrows, and bars on a log scale, read as text at 80 columns (unicode and ASCII)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from tutor.render.bars import Bars
from tutor.render.contour import ContourPlot, arrow_glyph


def text(renderable, width=80) -> str:
    c = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    c.print(renderable)
    return c.export_text()


@pytest.mark.parametrize("dx,dy,glyph,ascii_glyph", [
    (1, 0, "→", ">"), (1, 1, "↗", "/"), (0, 1, "↑", "^"), (-1, 1, "↖", "\\"),
    (-1, 0, "←", "<"), (-1, -1, "↙", "/"), (0, -1, "↓", "v"), (1, -1, "↘", "\\"),
])
def test_arrow_glyphs(dx, dy, glyph, ascii_glyph):
    assert arrow_glyph(dx, dy) == glyph
    assert arrow_glyph(dx, dy, ascii=True) == ascii_glyph


def _bowl():
    xs = np.linspace(-1, 1, 33)
    ys = np.linspace(-1, 1, 17)
    A, B = np.meshgrid(xs, ys)
    return A ** 2 + B ** 2, xs, ys


def test_contour_shades_low_in_the_middle_and_draws_arrows_and_marks():
    Z, xs, ys = _bowl()
    arrows = [(0.6, 0.0, 1.2, 0.0), (-0.6, 0.0, -1.2, 0.0), (0.0, 0.6, 0.0, 1.2)]
    out = text(ContourPlot(Z, xs, ys, arrows=arrows, marks=[(0.0, -0.6, "●")], title="bowl", height=9,
                           x_label="a", y_label="b"))
    lines = out.splitlines()
    assert lines[0] == "bowl"
    rows = [ln.split("│", 1)[1] for ln in lines[1:10]]
    middle = rows[4]
    assert middle[len(middle) // 2] == " "  # the lowest band in the centre
    assert rows[0][0] in "#*"  # a corner is high
    assert "→" in middle and "←" in middle and middle.index("←") < middle.index("→")
    assert any("↑" in r for r in rows[:4]) and any("●" in r for r in rows[5:])
    assert "shading ' .:-=+*#' from low to high" in " ".join(out.split())
    assert out.splitlines()[-3].strip().startswith("-1") and "a" in out.splitlines()[-2]


def test_contour_refuses_a_grid_of_the_wrong_shape():
    Z, xs, ys = _bowl()
    with pytest.raises(ValueError, match=r"\(17, 33\)"):
        ContourPlot(Z.T, xs, ys)


def test_bars_on_a_log_scale_give_equal_steps_to_equal_ratios():
    b = Bars([1e-4, 1e-3, 1e-2, 1e-1], ["D1", "D2", "D3", "D4"], log=True, floor=1e-5, width=40)
    f = b.fractions()
    assert np.allclose(np.diff(f), 0.25)
    out = text(b)
    assert [ln.split()[0] for ln in out.splitlines()[:4]] == ["D1", "D2", "D3", "D4"]
    assert out.splitlines()[0].rstrip().endswith("0.0001") and out.splitlines()[3].rstrip().endswith("0.1")
    assert "log scale" in out


def test_bars_linear_and_zero():
    b = Bars([0.0, 2.0, 4.0], ["a", "b", "c"], width=8)
    assert b.fractions().tolist() == [0.0, 0.5, 1.0]
    lines = text(b).splitlines()
    assert lines[2].count("█") == 8 and lines[1].count("█") == 4 and "█" not in lines[0]
    with pytest.raises(ValueError, match="3 values but 2 labels"):
        Bars([1, 2, 3], ["a", "b"])
