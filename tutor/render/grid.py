"""A labelled table laid out by hand, line by line.

The matrix, vector, confusion and gradient views all print a grid of
right-aligned cells with a label column on the left and a header row on top:

        │    [0]       1 …     400
    ────┼─────────────────────────
       0│ 1.0000  0.0000 …  0.0000

The caller decides which cells fit; this module only aligns them, so a
number is never cut or wrapped. A cell is (text, style); style may be None.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tutor.render import styles
from tutor.render.symbols import Symbols

Cell = tuple[str, "str | None"]


def line_width(label_width: int, widths: Sequence[int], gap: int = 1) -> int:
    """Characters taken by one row: label, rule, and the cells with their gaps."""
    return label_width + 1 + sum(w + gap for w in widths)


def grid_lines(
    sym: Symbols,
    corner: str,
    label_width: int,
    header: Sequence[Cell] | None,
    widths: Sequence[int],
    rows: Sequence[tuple[Cell, Sequence[Cell]]],
    gap: int = 1,
) -> list[Text]:
    """The lines of the grid as Text, each exactly `line_width(...)` long.

    header: one cell per column (or None for no header); rows: (label cell,
    one cell per column). Cells are right-aligned in their column.
    """
    lines = []
    pad = " " * gap
    if header is not None:
        line = Text(no_wrap=True, overflow="ignore")
        line.append(corner.rjust(label_width), styles.INDEX)
        line.append(sym.vbar, styles.DIM)
        for (text, style), w in zip(header, widths):
            line.append(pad + text.rjust(w), style)
        lines.append(line)
        rule = sym.hbar * label_width + sym.cross + sym.hbar * sum(w + gap for w in widths)
        lines.append(Text(rule, style=styles.DIM, no_wrap=True, overflow="ignore"))
    for (label, label_style), cells in rows:
        line = Text(no_wrap=True, overflow="ignore")
        line.append(label.rjust(label_width), label_style)
        line.append(sym.vbar, styles.DIM)
        for (text, style), w in zip(cells, widths):
            line.append(pad + text.rjust(w), style)
        lines.append(line)
    return lines


def pick_indices(n: int, fits, must: Sequence[int] = ()) -> list[int | None]:
    """Which of n positions to show, with None where a run is skipped.

    fits(layout) says whether a layout (indices with None gaps) fits. Start
    from the positions that must be shown, then add from both ends inwards,
    as numpy does, while the layout still fits. Always shows at least one.
    """
    if fits(list(range(n))):
        return list(range(n))
    chosen = sorted({i for i in must if 0 <= i < n})
    left, right = 0, n - 1
    take_left = True
    best = _with_gaps(chosen, n) if chosen else [0, None] if n > 1 else [0]
    while left <= right:
        i = left if take_left else right
        if take_left:
            left += 1
        else:
            right -= 1
        take_left = not take_left
        if i in chosen:
            continue
        trial = sorted(chosen + [i])
        layout = _with_gaps(trial, n)
        if not fits(layout):
            break
        chosen, best = trial, layout
    return best


def _with_gaps(indices: Sequence[int], n: int) -> list[int | None]:
    """Sorted indices with None inserted wherever positions are skipped."""
    out: list[int | None] = []
    prev = -1
    for i in indices:
        if i != prev + 1:
            out.append(None)
        out.append(i)
        prev = i
    if prev != n - 1:
        out.append(None)
    return out
