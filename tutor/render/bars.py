"""Horizontal bars with their numbers: one row per value, on a linear or a log scale.

A log scale is what per-layer gradient norms need: across a deep sigmoid
network they span five powers of ten, and on a linear scale every bar but
the last would be empty. Each row prints its value too, so the bars are
never the only place a figure lives.
"""

from __future__ import annotations

import math

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from tutor.render import numbers, styles
from tutor.render.symbols import plain, wants_ascii

_EIGHTHS = " ▏▎▍▌▋▊▉█"


class Bars:
    """values: (k,) numbers; labels: k row names; log: lengths by log10 of the value.

    On a log scale a bar's length runs from `floor` (default: a tenth of the
    smallest positive value) to the largest value; zero and negative values
    get no bar. `unit` is written after the scale note (e.g. "||D_l||").
    """

    def __init__(self, values, labels, *, title: str | None = None, log: bool = False, floor: float | None = None,
                 width: int = 40, note: str | None = None):
        self.values = np.asarray(values, dtype=float).ravel()
        self.labels = [str(s) for s in labels]
        if len(self.labels) != self.values.size:
            raise ValueError(f"{self.values.size} values but {len(self.labels)} labels")
        self.title = title
        self.log = bool(log)
        self.floor = floor
        self.width = max(int(width), 4)
        self.note = note

    def fractions(self) -> np.ndarray:
        """Each bar's length as a fraction of the longest (k,), in [0, 1]."""
        v = self.values
        ok = np.isfinite(v) & (v > 0 if self.log else np.isfinite(v))
        if not ok.any():
            return np.zeros_like(v)
        if not self.log:
            top = np.abs(v[ok]).max()
            return np.where(ok, np.abs(v) / top if top > 0 else 0.0, 0.0)
        hi = math.log10(v[ok].max())
        floor = self.floor if self.floor else v[ok].min() / 10
        lo = math.log10(floor)
        if hi <= lo:
            return np.where(ok, 1.0, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = (np.log10(np.where(ok, v, 1.0)) - lo) / (hi - lo)
        return np.where(ok, np.clip(f, 0.0, 1.0), 0.0)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ascii = wants_ascii(console, options)
        lw = max((len(s) for s in self.labels), default=0)
        texts = [numbers.significant(x, 3) if np.isfinite(x) else str(x) for x in self.values]
        tw = max((len(s) for s in texts), default=0)
        W = max(min(self.width, options.max_width - lw - tw - 4), 4)
        if self.title:
            yield Text(plain(self.title, ascii), style=styles.NAME)
        for label, frac, text in zip(self.labels, self.fractions(), texts):
            line = Text(plain(label, ascii).rjust(lw) + " ", style=styles.AXIS)
            eighths = round(frac * W * 8)
            if ascii:
                bar = "#" * (eighths // 8)
            else:
                bar = "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")
            line.append(bar.ljust(W), style="cyan")
            line.append(" " + text.rjust(tw))
            yield line
        if self.log or self.note:
            words = ["log scale: equal lengths are equal ratios"] if self.log else []
            if self.note:
                words.append(self.note)
            yield Text(plain(" · ".join(words), ascii), style=styles.DIM)
