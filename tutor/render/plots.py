"""Terminal plots: the cost curve of a training run and a decision boundary.

The cost curve draws with braille dots (2 x 4 dots per character) when the
stream takes unicode and with '*' otherwise; the axis labels and a summary
line (first, last and lowest cost, iterations) carry the numbers, so the
picture is never the only place a figure lives.

The decision boundary paints each character cell with the class the network
predicts there (a background colour plus a shading character, so it reads
without colour too) and draws the data points on top, one symbol per class.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tutor.render import numbers, styles
from tutor.render.symbols import plain, wants_ascii, wants_color

# Braille dot bits by (row, column) inside a 4 x 2 character cell.
_BRAILLE_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])


def _line(text: str, style=None) -> list[Text]:
    """One line of prose; rich wraps it at spaces if the screen is narrow."""
    return [Text(text, style=style or "")]


def _dots_to_braille(dots: np.ndarray) -> list[str]:
    """dots: (4H, 2W) bools, row 0 at the top -> H strings of W braille chars."""
    H4, W2 = dots.shape
    cells = dots.reshape(H4 // 4, 4, W2 // 2, 2)
    codes = 0x2800 + np.einsum("hrwc,rc->hw", cells.astype(np.int64), _BRAILLE_BITS)
    return ["".join(map(chr, row)) for row in codes.tolist()]


def _trace(values: np.ndarray, cols: int, rows: int) -> np.ndarray:
    """A (rows, cols) bool raster of the polyline through `values`, row 0 on top.

    Each raster column samples the curve by linear interpolation and is joined
    to the previous column by a vertical run, so steep drops stay connected.
    """
    n = values.size
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo if hi > lo else 1.0
    t = np.linspace(0, n - 1, cols) if n > 1 else np.zeros(cols)
    v = np.interp(t, np.arange(n), values) if n > 1 else np.full(cols, values[0])
    level = np.rint((v - lo) / span * (rows - 1)).astype(int) if hi > lo else np.full(cols, rows // 2)
    grid = np.zeros((rows, cols), dtype=bool)
    prev = level[0]
    for c, lv in enumerate(level.tolist()):
        a, b = sorted((prev, lv))
        grid[rows - 1 - b: rows - a, c] = True
        prev = lv
    return grid


class CostCurve:
    """costs: (n + 1,) the cost after 0..n iterations (a TrainResult.costs).
    title: optional heading; height: plot rows in characters."""

    def __init__(self, costs, title: str | None = None, height: int = 10):
        self.costs = np.asarray(costs, dtype=float).ravel()
        self.title = title
        self.height = max(int(height), 2)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ascii = wants_ascii(console, options)
        width = options.max_width
        c = self.costs
        title = plain(self.title, ascii) if self.title else "Cost per iteration"
        yield from _line(title, styles.NAME)
        finite = np.isfinite(c)
        bad_at = None if finite.all() else int(np.argmin(finite))
        shown = c if bad_at is None else c[:bad_at]
        if shown.size == 0:
            yield from _line("(no finite cost to plot yet)", styles.DIM)
        else:
            lo, hi = float(shown.min()), float(shown.max())
            hi_s, lo_s = numbers.significant(hi, 4), numbers.significant(lo, 4)
            lw = max(len(hi_s), len(lo_s), 4)
            plot_w = max(width - lw - 2, 4)
            rows = self.height
            vbar, corner, hbar = ("|", "+", "-") if ascii else ("│", "└", "─")
            if ascii:
                raster = _trace(shown, plot_w, rows)
                lines = ["".join("*" if d else " " for d in row) for row in raster.tolist()]
            else:
                lines = _dots_to_braille(_trace(shown, plot_w * 2, rows * 4))
            for r, text in enumerate(lines):
                label = hi_s if r == 0 else lo_s if r == rows - 1 else ""
                yield Segment(label.rjust(lw) + " ", Style.parse(styles.AXIS))
                yield Segment(vbar, Style.parse(styles.AXIS))
                yield Segment(text.rstrip(" \u2800"), Style.parse(styles.LINE))
                yield Segment.line()
            yield from _line(" " * (lw + 1) + corner + hbar * plot_w, styles.AXIS)
            n_it = shown.size - 1
            left, right, mid = "0", str(n_it), "iteration"
            gap = plot_w + 1 - len(left) - len(right)
            axis = left + (mid.center(gap) if gap >= len(mid) + 2 else " " * max(gap, 1)) + right
            yield from _line(" " * (lw + 1) + axis, styles.AXIS)
        if c.size:
            parts = [f"first {numbers.significant(c[0], 6)}"]
            if shown.size:
                k = int(np.argmin(shown))
                parts += [f"last {numbers.significant(shown[-1], 6)}",
                          f"min {numbers.significant(shown[k], 6)} at iteration {k}"]
            parts.append(f"{c.size - 1} iterations")
            yield from _wrapped(parts, width)
        if bad_at is not None:
            yield from _line(f"the cost became {c[bad_at]} at iteration {bad_at}: "
                             "the steps were too large (try a smaller learning rate)", styles.FAIL)


def _wrapped(parts, width: int):
    """Summary items joined by two spaces, broken only between items."""
    line = ""
    for p in parts:
        if line and len(line) + 2 + len(p) > width:
            yield from _line(line)
            line = p
        else:
            line = f"{line}  {p}" if line else p
    if line:
        yield from _line(line)


# Per class: point symbol, point colour, region background, region shading.
_POINTS = "ox+*#@%&"
_POINT_COLORS = ["bright_cyan", "bright_yellow", "bright_magenta", "bright_green", "bright_white",
                 "bright_red", "bright_blue", "white"]
_REGION_BG = ["#1d3557", "#6a2c1f", "#3d2b56", "#24502f", "#4a4a4a", "#5a1e2e", "#1e4a5a", "#555522"]
_REGION_NAMES = ["blue", "brown", "purple", "green", "grey", "wine", "teal", "olive"]
_SHADES = " .:-=~^'"


class DecisionBoundary:
    """xs: (cols,), ys: (rows,) grid coordinates; classes: (rows, cols) the
    predicted class at each grid point, row 0 the lowest y (as returned by
    tutor.core.decision_grid); X: (m, 2) data; y: (m,) 0-based labels.
    class_names: optional K names; height: plot rows (default: keep the
    data's proportions). predicted: optional (m,) the model's own class for
    each point; given, the count of wrong points is the model's, and the
    picture's own count (a point and its character cell can disagree near
    the boundary) is named only where it differs."""

    def __init__(self, xs, ys, classes, X, y, *, class_names=None, title: str | None = None,
                 height: int | None = None, predicted=None):
        self.xs = np.asarray(xs, dtype=float).ravel()
        self.ys = np.asarray(ys, dtype=float).ravel()
        self.classes = np.asarray(classes, dtype=int)
        if self.classes.shape != (self.ys.size, self.xs.size):
            raise ValueError(f"classes has shape {self.classes.shape}, expected ({self.ys.size}, {self.xs.size})")
        self.X = np.asarray(X, dtype=float)
        self.y = np.asarray(y, dtype=int).ravel()
        if self.X.ndim != 2 or self.X.shape[1] != 2 or self.X.shape[0] != self.y.size:
            raise ValueError(f"X must be (m, 2) with one label each; got X {self.X.shape}, y {self.y.shape}")
        K = int(max(self.classes.max(initial=0), self.y.max(initial=0))) + 1
        self.class_names = [str(c) for c in (class_names if class_names is not None else range(K))]
        self.title = title
        self.height = height
        self.predicted = None if predicted is None else np.asarray(predicted, dtype=int).ravel()
        if self.predicted is not None and self.predicted.size != self.y.size:
            raise ValueError(f"predicted has {self.predicted.size} classes for {self.y.size} points")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ascii = wants_ascii(console, options)
        color = wants_color(console)
        width = options.max_width
        xs, ys = self.xs, self.ys
        x0, x1, y0, y1 = xs[0], xs[-1], ys[0], ys[-1]
        ylab = [numbers.significant(y1, 3), numbers.significant(y0, 3)]
        lw = max(len(s) for s in ylab)
        P = max(min(width - lw - 2, 100), 8)
        if self.height:
            H = int(self.height)
        else:  # a character is about twice as tall as wide
            H = int(np.clip(round(P * (y1 - y0) / max(x1 - x0, 1e-12) / 2), 6, 24))
        # Class of each character cell: nearest grid point to its centre.
        cx = x0 + (np.arange(P) + 0.5) / P * (x1 - x0)
        cy = y1 - (np.arange(H) + 0.5) / H * (y1 - y0)  # top row first
        gi = np.clip(np.rint((cx - x0) / max(x1 - x0, 1e-12) * (xs.size - 1)).astype(int), 0, xs.size - 1)
        gj = np.clip(np.rint((cy - y0) / max(y1 - y0, 1e-12) * (ys.size - 1)).astype(int), 0, ys.size - 1)
        region = self.classes[np.ix_(gj, gi)]  # (H, P)
        points = np.full((H, P), -1)
        pc = np.clip(((self.X[:, 0] - x0) / max(x1 - x0, 1e-12) * P).astype(int), 0, P - 1)
        pr = np.clip(((y1 - self.X[:, 1]) / max(y1 - y0, 1e-12) * H).astype(int), 0, H - 1)
        points[pr, pc] = self.y

        title = plain(self.title, ascii) if self.title else "Decision boundary"
        yield from _line(title, styles.NAME)
        vbar, corner, hbar = ("|", "+", "-") if ascii else ("│", "└", "─")
        for r in range(H):
            label = ylab[0] if r == 0 else ylab[1] if r == H - 1 else ""
            yield Segment(label.rjust(lw) + " ", Style.parse(styles.AXIS))
            yield Segment(vbar, Style.parse(styles.AXIS))
            run, run_style = [], None
            for c in range(P):
                k, p = int(region[r, c]), int(points[r, c])
                bg = Color.parse(_REGION_BG[k % len(_REGION_BG)]) if color else None
                if p >= 0:
                    ch = _POINTS[p % len(_POINTS)]
                    st = Style(color=_POINT_COLORS[p % len(_POINT_COLORS)], bgcolor=bg, bold=True) if color else None
                else:
                    ch = _SHADES[k % len(_SHADES)]
                    st = Style(color="grey50", bgcolor=bg) if color else None
                if st != run_style and run:
                    yield Segment("".join(run), run_style)
                    run = []
                run_style = st
                run.append(ch)
            if run:
                yield Segment("".join(run), run_style)
            yield Segment.line()
        yield from _line(" " * (lw + 1) + corner + hbar * P, styles.AXIS)
        xl, xr = numbers.significant(x0, 3), numbers.significant(x1, 3)
        yield from _line(" " * (lw + 1) + xl + " " * max(P + 1 - len(xl) - len(xr), 1) + xr, styles.AXIS)
        parts = []
        for k, name in enumerate(self.class_names):
            shade = _SHADES[k % len(_SHADES)]
            region_word = f"{_REGION_NAMES[k % len(_REGION_NAMES)]}, " if color else ""
            shade_word = "blank" if shade == " " else f"'{shade}'"
            parts.append(f"{_POINTS[k % len(_POINTS)]} class {plain(name, ascii)} "
                         f"(region {region_word}{shade_word})")
        yield from _wrapped(parts, width)
        in_other_cell = int(np.sum(region[pr, pc] != self.y)) if self.y.size else 0
        if self.predicted is None:
            yield from _line(f"{in_other_cell} of {self.y.size} points fall in the other class's region", styles.DIM)
            return
        wrong = int(np.sum(self.predicted != self.y))
        line = f"The network misclassifies {wrong} of {self.y.size} points."
        if in_other_cell != wrong:
            line += (f" In this {P} x {H} character picture {in_other_cell} sit in a cell of the other"
                     " colour: each cell shows the class at one point of it, and near the boundary that"
                     " can differ from the class at the point itself.")
        yield from _line(line, styles.DIM)
