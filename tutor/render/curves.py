"""Several curves on one pair of axes (cost against seconds, for instance), one letter per curve.

Each series is drawn with its own letter (its name's initial, or a, b, c ...
when two names share one), so the plot reads without colour and in ASCII;
where two curves cross a cell, the later one shows. The y axis may be
logarithmic. A legend line names each letter, and the numbers at the ends
of each curve are printed under the plot.
"""

from __future__ import annotations

import math

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tutor.render import numbers, styles
from tutor.render.symbols import plain, wants_ascii

_COLORS = ["cyan", "magenta", "yellow", "green", "red", "blue"]


def _letters(names) -> list[str]:
    out: list[str] = []
    for i, name in enumerate(names):
        c = (str(name)[:1] or "?").lower()
        out.append(c if c.isalnum() and c not in out else "abcdefghijklmnopqrstuvwxyz"[i % 26])
    return out


class Curves:
    """series: [(name, xs (n,), ys (n,))]; x_label / y_label: axis names; log_y: a log scale for y."""

    def __init__(self, series, *, title: str | None = None, x_label: str = "x", y_label: str = "y",
                 log_y: bool = False, height: int = 10):
        self.series = [(str(n), np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel())
                       for n, x, y in series]
        for n, x, y in self.series:
            if x.size != y.size:
                raise ValueError(f"series {n!r}: {x.size} x values but {y.size} y values")
        self.title = title
        self.x_label, self.y_label = x_label, y_label
        self.log_y = bool(log_y)
        self.height = max(int(height), 3)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ascii = wants_ascii(console, options)
        letters = _letters(n for n, _, _ in self.series)
        finite = [(x[np.isfinite(y) & np.isfinite(x)], y[np.isfinite(y) & np.isfinite(x)]) for _, x, y in self.series]
        if self.log_y:
            finite = [(x[y > 0], y[y > 0]) for x, y in finite]
        xs = np.concatenate([x for x, _ in finite]) if finite else np.zeros(0)
        ys = np.concatenate([y for _, y in finite]) if finite else np.zeros(0)
        if xs.size == 0:
            yield Text("(nothing to plot: no finite values)", style=styles.DIM)
            return
        fy = np.log10 if self.log_y else (lambda v: v)
        x0, x1 = float(xs.min()), float(xs.max())
        y0, y1 = float(fy(ys.min())), float(fy(ys.max()))
        x1 = x1 if x1 > x0 else x0 + 1.0
        y1 = y1 if y1 > y0 else y0 + 1.0
        top = 10 ** y1 if self.log_y else y1
        low = 10 ** y0 if self.log_y else y0
        ylab = [numbers.significant(top, 3), numbers.significant(low, 3)]
        lw = max(len(s) for s in ylab)
        H = self.height
        P = max(min(options.max_width - lw - 2, 70), 10)
        grid = [[" "] * P for _ in range(H)]
        owner = [[-1] * P for _ in range(H)]
        for k, (x, y) in enumerate(finite):
            if x.size == 0:
                continue
            # sample the curve at every column it spans, so a sparse series still reads as a line
            cols = np.arange(int((x.min() - x0) / (x1 - x0) * (P - 1)), int((x.max() - x0) / (x1 - x0) * (P - 1)) + 1)
            vals = np.interp(x0 + cols / (P - 1) * (x1 - x0), x, fy(y)) if x.size > 1 else np.full(cols.size, fy(y[0]))
            rows = np.clip(np.rint((y1 - vals) / (y1 - y0) * (H - 1)).astype(int), 0, H - 1)
            for c, r in zip(cols.tolist(), rows.tolist()):
                grid[r][c] = letters[k]
                owner[r][c] = k
        if self.title:
            yield Text(plain(self.title, ascii), style=styles.NAME)
        vbar, corner, hbar = ("|", "+", "-") if ascii else ("│", "└", "─")
        axis = Style.parse(styles.AXIS)
        for r in range(H):
            label = ylab[0] if r == 0 else ylab[1] if r == H - 1 else ""
            yield Segment(label.rjust(lw) + " ", axis)
            yield Segment(vbar, axis)
            for c in range(P):
                k = owner[r][c]
                yield Segment(grid[r][c], Style(color=_COLORS[k % len(_COLORS)], bold=True) if k >= 0 else None)
            yield Segment.line()
        yield Text(" " * (lw + 1) + corner + hbar * P, style=styles.AXIS)
        xl, xr = numbers.significant(x0, 3), numbers.significant(x1, 3)
        mid = plain(self.x_label, ascii)
        gap = max(P + 1 - len(xl) - len(xr), 1)
        if gap > len(mid) + 2:
            left = (gap - len(mid)) // 2
            bottom = xl + " " * left + mid + " " * (gap - left - len(mid)) + xr
        else:
            bottom = xl + " " * gap + xr
        yield Text(" " * (lw + 1) + bottom, style=styles.AXIS)
        scale = f"{plain(self.y_label, ascii)}" + (" (log scale)" if self.log_y else "")
        parts = [f"{letters[k]} = {plain(n, ascii)}" for k, (n, _, _) in enumerate(self.series)]
        yield Text(scale + ": " + ", ".join(parts), style=styles.DIM)
        for k, (_n, x, y) in enumerate(self.series):
            ok = np.isfinite(y)
            if ok.any():
                last = int(np.flatnonzero(ok)[-1])
                yield Text(f"  {letters[k]}: {numbers.significant(y[ok][0], 4)} at "
                           f"{numbers.significant(x[ok][0], 3)} -> {numbers.significant(y[last], 4)} at "
                           f"{numbers.significant(x[last], 3)}" if not math.isnan(x[last]) else "", style=styles.DIM)
