"""A function of two variables drawn in the terminal: contour lines, arrows across them, marked points.

Each character cell takes the value of the nearest grid point; a cell whose
band (the value cut into `levels` equal bands) differs from its right or lower
neighbour's is on a contour line and drawn as a dot. Arrows are drawn at
every few cells in one of eight directions (ASCII: > / ^ \\ < / v \\); the
arrows point the way the value rises fastest on the picture as drawn, at
right angles to its lines. A legend line carries the
numbers, so the picture is never the only place they live.
"""

from __future__ import annotations

import math

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tutor.render import numbers, styles
from tutor.render.symbols import plain, wants_ascii, wants_color

_UNICODE_ARROWS = "→↗↑↖←↙↓↘"
_ASCII_ARROWS = ">/^\\</v\\"
_RAMP = " .:-=+*#%@"  # low to high, the same in ASCII
_BAND_COLORS = ["grey15", "grey23", "grey30", "grey37", "grey42", "grey50", "grey58", "grey66", "grey74", "grey82"]


def arrow_glyph(dx: float, dy: float, ascii: bool = False) -> str:
    """The one of eight arrows closest to the direction (dx right, dy up)."""
    k = round(math.atan2(dy, dx) / (math.pi / 4)) % 8
    return (_ASCII_ARROWS if ascii else _UNICODE_ARROWS)[k]


class ContourPlot:
    """Z: (rows, cols) values on the grid xs (cols,) by ys (rows,), row 0 the LOWEST y.

    arrows: (k, 4) rows (x, y, dx, dy) drawn as direction glyphs at the cell of
    (x, y); marks: [(x, y, label)] drawn on top as the label's first
    character; levels: how many bands the contour lines separate; height:
    plot rows (the width follows, twice as many columns for axes of equal range).
    """

    def __init__(self, Z, xs, ys, *, arrows=None, marks=(), levels: int = 8, title: str | None = None,
                 x_label: str = "x", y_label: str = "y", height: int = 11, legend: str | None = None):
        self.Z = np.asarray(Z, dtype=float)
        self.xs = np.asarray(xs, dtype=float).ravel()
        self.ys = np.asarray(ys, dtype=float).ravel()
        if self.Z.shape != (self.ys.size, self.xs.size):
            raise ValueError(f"Z has shape {self.Z.shape}, expected ({self.ys.size}, {self.xs.size})")
        self.arrows = np.zeros((0, 4)) if arrows is None else np.asarray(arrows, dtype=float).reshape(-1, 4)
        self.marks = list(marks)
        self.levels = max(int(levels), 2)
        self.title = title
        self.x_label, self.y_label = x_label, y_label
        self.height = max(int(height), 4)
        self.legend = legend

    def _cells(self, P: int, H: int) -> np.ndarray:
        xs, ys = self.xs, self.ys
        gi = np.clip(np.rint((np.arange(P) + 0.5) / P * (xs.size - 1)).astype(int), 0, xs.size - 1)
        gj = np.clip(np.rint((1 - (np.arange(H) + 0.5) / H) * (ys.size - 1)).astype(int), 0, ys.size - 1)
        return self.Z[np.ix_(gj, gi)]  # (H, P), top row first

    def _cell_of(self, x: float, y: float, P: int, H: int) -> tuple[int, int] | None:
        x0, x1, y0, y1 = self.xs[0], self.xs[-1], self.ys[0], self.ys[-1]
        if not (min(x0, x1) <= x <= max(x0, x1) and min(y0, y1) <= y <= max(y0, y1)):
            return None
        c = int(np.clip((x - x0) / (x1 - x0) * P, 0, P - 1))
        r = int(np.clip((y1 - y) / (y1 - y0) * H, 0, H - 1))
        return r, c

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ascii = wants_ascii(console, options)
        color = wants_color(console)
        x0, x1, y0, y1 = self.xs[0], self.xs[-1], self.ys[0], self.ys[-1]
        ylab = [numbers.significant(y1, 3), numbers.significant(y0, 3)]
        lw = max(len(s) for s in ylab + [self.y_label])
        H = self.height
        P = int(max(min(options.max_width - lw - 2, 64), 8))
        cells = self._cells(P, H)
        finite = np.isfinite(cells)
        lo = float(cells[finite].min()) if finite.any() else 0.0
        hi = float(cells[finite].max()) if finite.any() else 1.0
        # Equally spaced levels: where the bands crowd, the slope is steep; close up, a smooth
        # function's bands become straight, evenly spaced stripes (its tangent plane).
        edges = np.linspace(lo, hi, self.levels + 1)[1:-1]
        band = np.where(finite, np.searchsorted(edges, np.where(finite, cells, 0.0)), -1).astype(int)
        ramp = _RAMP[:: max(1, len(_RAMP) // self.levels)][: self.levels] if self.levels <= len(_RAMP) else _RAMP
        glyphs = np.array([[ramp[min(b, len(ramp) - 1)] if b >= 0 else "!" for b in row] for row in band], dtype=object)
        kinds = np.zeros((H, P), dtype=int)  # 0 ground, 1 arrow, 2 mark
        for x, y, dx, dy in self.arrows:
            at = self._cell_of(x, y, P, H)
            if at is None or (dx == 0 and dy == 0) or not (math.isfinite(dx) and math.isfinite(dy)):
                continue
            # Steepest ascent as drawn: a column spans (x1-x0)/P, a row (y1-y0)/H and looks two columns
            # tall, so the direction at right angles to the lines on screen is the gradient scaled by
            # those spans (for axes drawn to equal scale it is the gradient's own direction).
            sx = dx * abs(x1 - x0) / P
            sy = dy * abs(y1 - y0) / H / 2
            glyphs[at] = arrow_glyph(sx, sy, ascii)
            kinds[at] = 1
        for x, y, label in self.marks:
            at = self._cell_of(x, y, P, H)
            if at is not None:
                glyphs[at] = plain(str(label), ascii)[:1] or "*"
                kinds[at] = 2
        title = plain(self.title, ascii) if self.title else "Contours"
        yield Text(title, style=styles.NAME)
        vbar, corner, hbar = ("|", "+", "-") if ascii else ("│", "└", "─")
        axis = Style.parse(styles.AXIS)
        for r in range(H):
            label = self.y_label if r == H // 2 else ylab[0] if r == 0 else ylab[1] if r == H - 1 else ""
            yield Segment(plain(label, ascii).rjust(lw) + " ", axis)
            yield Segment(vbar, axis)
            for c in range(P):
                st = None
                if color:
                    bg = _BAND_COLORS[int(band[r, c] * (len(_BAND_COLORS) - 1) / max(self.levels - 1, 1))] \
                        if band[r, c] >= 0 else "red"
                    fg = "bright_yellow" if kinds[r, c] == 1 else "bright_white" if kinds[r, c] == 2 else "grey70"
                    st = Style(color=fg, bgcolor=bg, bold=kinds[r, c] > 0)
                yield Segment(glyphs[r, c], st)
            yield Segment.line()
        yield Text(" " * (lw + 1) + corner + hbar * P, style=styles.AXIS)
        xl, xr = numbers.significant(x0, 3), numbers.significant(x1, 3)
        mid = plain(self.x_label, ascii)
        gap = max(P + 1 - len(xl) - len(xr), 1)
        left = max((gap - len(mid)) // 2, 1)
        bottom = xl + " " * left + mid + " " * max(gap - left - len(mid), 1) + xr if gap > len(mid) + 2 \
            else xl + " " * gap + xr
        yield Text(" " * (lw + 1) + bottom, style=styles.AXIS)
        shades = "".join(ramp)
        legend = self.legend or (f"shading '{shades}' from low to high, one band each for "
                                 f"{numbers.significant(lo, 3)}, "
                                 + ", ".join(numbers.significant(e, 3) for e in edges)
                                 + f" to {numbers.significant(hi, 3)}")
        yield Text(plain(legend, ascii), style=styles.DIM)
