"""A pass/fail badge for a checked claim, with every number behind it.

    ╭────────────────────────────────────────╮
    │ ✓ PASS  Cost of the course weights     │
    │ value       0.2876291652               │
    │ expected    0.287629                   │
    │ difference  1.7e-07 (tolerance 1e-06)  │
    ╰────────────────────────────────────────╯

The verdict is always a word (PASS / FAIL); the colour and the ✓/✗ only add
to it. value and expected may be numbers or arrays (then the badge gives
their shapes and the largest absolute difference).
"""

from __future__ import annotations

import numpy as np
from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.panel import Panel
from rich.text import Text

from tutor.render import numbers, styles
from tutor.render.matrix import shape_text
from tutor.render.symbols import plain, symbols_for, wants_ascii


def _describe(x) -> str:
    a = np.asarray(x)
    if a.ndim == 0:
        v = a.item()
        if isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
            return numbers.scalar(v, 6) if isinstance(v, float) and abs(v) >= 1e6 else f"{v:.10g}"
        return str(v)
    return f"array {shape_text(a.shape)}"


def difference(value, expected):
    """|value - expected| for numbers, the largest one for arrays; None if
    the two cannot be compared (different shapes, not numbers)."""
    try:
        a, b = np.asarray(value, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return None
    if a.shape != b.shape and a.size != 1 and b.size != 1:
        return None
    d = np.abs(a - b)
    return float(d.max()) if d.size else 0.0


class CheckBadge:
    """label: what is checked; passed: the verdict (decided by the caller);
    value / expected: what was found and what it should be; tol: the
    tolerance used (or None); detail: optional sentence (e.g. the source of
    the expected figure, or a hint when it fails)."""

    def __init__(self, label: str, passed: bool, value=None, expected=None, tol=None, detail: str | None = None,
                 *, at_least=None, at_most=None):
        # at_least / at_most: a bound check ("accuracy at least 95"); shown as
        # the bound and the margin to it instead of an expected value.
        self.at_least = at_least
        self.at_most = at_most
        self.label = str(label)
        self.passed = bool(passed)
        self.value = value
        self.expected = expected
        self.tol = tol
        self.detail = detail

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        sym = symbols_for(console, options)
        ascii = wants_ascii(console, options)
        word, style, mark = ("PASS", styles.PASS, sym.tick) if self.passed else ("FAIL", styles.FAIL, sym.cross_mark)
        head = Text()
        head.append(f"{mark} {word}" if mark else word, style)
        head.append("  ")
        head.append(plain(self.label, ascii), styles.NAME)
        lines = [head]
        rows = []
        if self.value is not None:
            rows.append(("value", _describe(self.value)))
        if self.expected is not None:
            rows.append(("expected", _describe(self.expected)))
        bounds = [(f"at least {_describe(self.at_least)}", self.at_least, 1.0) if self.at_least is not None else None,
                  (f"at most {_describe(self.at_most)}", self.at_most, -1.0) if self.at_most is not None else None]
        bounds = [b for b in bounds if b]
        if bounds:
            rows.append(("expected", " and ".join(b[0] for b in bounds)))
            if self.value is not None and np.size(self.value) == 1:
                v = float(np.asarray(self.value, dtype=float).ravel()[0])
                margin = min(sign * (v - float(bound)) for _, bound, sign in bounds)
                rows.append(("margin", numbers.short(margin) if margin >= 0 else f"{numbers.short(-margin)} short"))
        if self.value is not None and self.expected is not None:
            d = difference(self.value, self.expected)
            if d is None:
                shapes = f"{_describe(self.value)} vs {_describe(self.expected)}"
                rows.append(("difference", f"cannot compare: {shapes}"))
            else:
                key = "difference" if np.size(self.value) == 1 and np.size(self.expected) == 1 else "max |diff|"
                rows.append((key, numbers.short(d)))
        if self.tol is not None:
            rows.append(("tolerance", f"{float(self.tol):g}"))
        key_w = max((len(k) for k, _ in rows), default=0)
        for key, val in rows:
            t = Text()
            t.append(key.ljust(key_w + 2), styles.DIM)
            t.append(val)
            lines.append(t)
        if self.detail:
            lines.append(Text(plain(self.detail, ascii), style=styles.DIM))
        yield Panel(Group(*lines), box=box.ASCII if ascii else box.ROUNDED, expand=False,
                    border_style=style, width=min(options.max_width, _natural_width(lines) + 4))


def _natural_width(lines) -> int:
    return max(t.cell_len for t in lines)
