"""Numerical and analytical gradients side by side, and what their gap means.

    param   numerical  analytical  difference
        0   0.0123457   0.0123457     9.1e-12
      ...
    relative difference ||num - ana|| / ||num + ana|| = 2.3e-11
    PASS  (below 1e-09 pass, below 1e-05 warn, otherwise fail)

Long vectors keep their first and last rows around an ellipsis row. The
verdict is a word; the bands are printed so the learner sees why.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

# One source for the verdict bands: the core's (tutor.core imports only numpy).
from tutor.core.gradcheck import PASS_BELOW, WARN_BELOW
from tutor.core.gradcheck import verdict as verdict_of
from tutor.render import numbers, styles
from tutor.render.grid import grid_lines, line_width
from tutor.render.symbols import symbols_for

_VERDICTS = {"pass": ("PASS", styles.PASS), "warn": ("WARN", styles.WARN), "fail": ("FAIL", styles.FAIL)}


def _sci(value, figures: int) -> str:
    """Every entry in the same scientific form, so that the figures the two
    columns share line up one under the other and the first differing digit
    stands out (mixed 0.0069 / 6.4e-05 forms hide that)."""
    v = float(value)
    return f"{v:.{figures - 1}e}" if np.isfinite(v) else str(v)


class GradientComparison:
    """numerical, analytical: the two gradients (same length, unrolled);
    relative_difference: ||num - ana|| / ||num + ana||; verdict: "pass",
    "warn" or "fail" (None: derived from the bands). indices: the parameter
    numbers of the entries (a spot check's sample; default 0..n-1).
    max_rows: longer vectors show their first and last rows only."""

    def __init__(self, numerical, analytical, relative_difference: float, verdict: str | None = None, *,
                 indices=None, max_rows: int = 10, title: str | None = None):
        self.numerical = np.asarray(numerical, dtype=float).ravel()
        self.analytical = np.asarray(analytical, dtype=float).ravel()
        if self.numerical.shape != self.analytical.shape:
            raise ValueError(f"{self.numerical.size} numerical and {self.analytical.size} analytical values")
        self.relative_difference = float(relative_difference)
        self.verdict = (verdict or verdict_of(self.relative_difference)).lower()
        if self.verdict not in _VERDICTS:
            raise ValueError(f"verdict must be pass, warn or fail, not {verdict!r}")
        n = self.numerical.size
        self.indices = np.arange(n) if indices is None else np.asarray(indices).ravel()
        self.max_rows = max(int(max_rows), 2)
        self.title = title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        sym = symbols_for(console, options)
        width = options.max_width
        num, ana = self.numerical, self.analytical
        n = num.size
        if self.title:
            yield Text(self.title, style=styles.NAME)
        if n <= self.max_rows:
            rows = list(range(n))
        else:
            half = self.max_rows // 2
            rows = list(range(half)) + [None] + list(range(n - half, n))
        label_w = max(len("param"), max((len(str(int(i))) for i in self.indices), default=1))
        # Fewer significant figures, then shorter headings and gaps, until it
        # fits; the last choice is small enough for about 34 columns.
        choices = [(("numerical", "analytical", "difference"), d, 2) for d in (10, 8, 6)]
        choices += [(("num", "ana", "num-ana"), d, 1) for d in (6, 4)]
        for heads, figures, gap in choices:
            cells = {r: (_sci(num[r], figures), _sci(ana[r], figures),
                         numbers.short(num[r] - ana[r])) for r in rows if r is not None}
            widths = [max(len(h), *(len(c[k]) for c in cells.values())) if cells else len(h)
                      for k, h in enumerate(heads)]
            if line_width(label_w, widths, gap=gap) <= width:
                break
        body = []
        for r in rows:
            if r is None:
                body.append(((sym.vellipsis, styles.DIM), [(sym.vellipsis, styles.DIM)] * 3))
            else:
                a, b, d = cells[r]
                body.append(((str(int(self.indices[r])), styles.INDEX), [(a, None), (b, None), (d, styles.DIM)]))
        header = [(h, styles.INDEX) for h in heads]
        yield from grid_lines(sym, "param", label_w, header, widths, body, gap=gap)
        if n > self.max_rows:
            yield Text(f"showing {len(rows) - 1} of {n} parameters", style=styles.DIM)
        line = Text()
        line.append("relative difference ", styles.DIM)
        line.append("||num - ana|| / ||num + ana||", styles.DIM)
        line.append(" = ")
        line.append(numbers.short(self.relative_difference), styles.NAME)
        yield line
        word, style = _VERDICTS[self.verdict]
        mark = {"pass": sym.tick, "warn": sym.warn_mark, "fail": sym.cross_mark}[self.verdict]
        badge = Text()
        badge.append(f"{mark} {word}" if mark else word, style)
        badge.append(f"  (below {PASS_BELOW:g} pass, below {WARN_BELOW:g} warn, otherwise fail)", styles.DIM)
        yield badge
