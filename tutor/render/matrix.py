"""Matrices, vectors and single numbers, each with its name and shape.

MatrixView shows a small matrix whole and a large one abbreviated like numpy
(first and last rows and columns around ellipsis cells), but laid out as a
table with 0-based row and column indices. Only the cells that are shown are
ever formatted, so a 5000 x 401 matrix costs the same as a 7 x 9 one; the
optional min/max/mean line is one numpy pass each.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from tutor.render import numbers, styles
from tutor.render.grid import grid_lines, line_width, pick_indices
from tutor.render.symbols import plain, symbols_for, wants_ascii, wants_color


def shape_text(shape, times: str = "x") -> str:
    """(5000, 401) -> '5000 x 401'; (10,) -> '10'; () -> 'scalar'."""
    shape = tuple(int(s) for s in shape)
    if not shape:
        return "scalar"
    return f" {times} ".join(str(s) for s in shape)


def _title(name: str, shape, dtype, ascii: bool, note: str | None = None) -> Text:
    title = Text()
    title.append(plain(name, ascii), styles.NAME)
    title.append(f"  {shape_text(shape)}", "bold cyan")
    title.append(f"  {np.dtype(dtype).name}", styles.DIM)
    if note:
        title.append(f"  {plain(note, ascii)}", styles.DIM)
    return title


def _edge_rows(m: int, max_rows: int, edge: int, must) -> list[int | None]:
    """Row indices to show (None marks a skipped run): all, or both ends + must."""
    if m <= max_rows:
        return list(range(m))
    keep = set(range(min(edge, m))) | set(range(max(m - edge, 0), m)) | {r for r in must if 0 <= r < m}
    out: list[int | None] = []
    prev = -1
    for r in sorted(keep):
        if r != prev + 1:
            out.append(None)
        out.append(r)
        prev = r
    return out


class MatrixView:
    """A named 2-D array as a table with indices; abbreviated when large.

    array: (m, n) — a 1-D array is shown by VectorView, a 0-d one by
    ScalarView. highlight_rows / highlight_cols: 0-based indices drawn in
    colour and marked (▸ before a row index, [j] around a column index), e.g.
    the bias column 0 or the example being followed; highlighted rows are
    always shown, even in the middle of an abbreviated matrix. stats: add a
    min / max / mean line. precision: decimals of floating-point cells.
    max_rows: matrices with more rows are cut to `edge_rows` at each end.
    """

    def __init__(
        self,
        array,
        name: str,
        *,
        highlight_rows=(),
        highlight_cols=(),
        stats: bool = False,
        precision: int = 4,
        max_rows: int = 10,
        edge_rows: int = 3,
        note: str | None = None,
    ):
        self.array = np.asarray(array)
        self.name = str(name)
        self.highlight_rows = tuple(int(i) for i in np.atleast_1d(highlight_rows))
        self.highlight_cols = tuple(int(j) for j in np.atleast_1d(highlight_cols))
        self.stats = stats
        self.precision = int(precision)
        self.max_rows = max(int(max_rows), 1)
        self.edge_rows = max(int(edge_rows), 1)
        self.note = note

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        a = self.array
        if a.ndim == 0:
            yield ScalarView(a.item(), self.name, precision=self.precision)
            return
        if a.ndim == 1:
            yield VectorView(a, self.name, highlight=self.highlight_cols, stats=self.stats,
                             precision=self.precision, note=self.note)
            return
        if a.ndim > 2:
            # Show the first 2-D slice and say so, rather than refuse.
            note = f"showing [{', '.join(['0'] * (a.ndim - 2))}, :, :] of {shape_text(a.shape)}"
            yield MatrixView(a.reshape((-1,) + a.shape[-2:])[0], self.name, highlight_rows=self.highlight_rows,
                             highlight_cols=self.highlight_cols, stats=self.stats, precision=self.precision,
                             note=note)
            return
        yield from _render_table(self, console, options)


def _render_table(view: MatrixView, console: Console, options: ConsoleOptions) -> RenderResult:
    a = view.array
    m, n = a.shape
    ascii = wants_ascii(console, options)
    sym = symbols_for(console, options)
    color = wants_color(console)
    width = options.max_width
    yield _title(view.name, a.shape, a.dtype, ascii, view.note)
    if m == 0 or n == 0:
        yield Text("(empty)", style=styles.DIM)
        return

    hrows, hcols = set(view.highlight_rows), set(view.highlight_cols)
    rows = _edge_rows(m, view.max_rows, view.edge_rows, hrows)
    shown_rows = [r for r in rows if r is not None]
    # The candidate columns: never more than could possibly fit at each end.
    reach = max(width // 2, 1)
    cand = sorted(set(range(min(reach, n))) | set(range(max(n - reach, 0), n)) | {j for j in hcols if 0 <= j < n})
    block = a[np.ix_(shown_rows, cand)]
    fmt = numbers.array_formatter(block, view.precision)
    texts = {(r, c): fmt(v) for r, row in zip(shown_rows, block.tolist()) for c, v in zip(cand, row)}

    def col_header(j: int) -> str:
        return f"[{j}]" if j in hcols else str(j)

    cell_w = max(max(len(t) for t in texts.values()), len(sym.vellipsis))
    head_w = max(len(col_header(j)) for j in cand)
    cw = max(cell_w, head_w)
    ew = max(len(sym.ellipsis), len(sym.vellipsis))
    label_w = max(len(str(m - 1)) + (len(sym.marker) + 1 if hrows else 0), len(sym.vellipsis))

    def fits(layout) -> bool:
        widths = [ew if j is None else cw for j in layout]
        return line_width(label_w, widths) <= width

    # Each column takes at least two characters, so whatever fits lies within
    # `reach` of an end and has already been formatted in `texts`.
    cols = pick_indices(n, fits, must=sorted(hcols))
    widths = [ew if j is None else cw for j in cols]
    header = [(sym.ellipsis, styles.DIM) if j is None else (col_header(j), styles.HIGHLIGHT if j in hcols else styles.INDEX)
              for j in cols]
    body = []
    for r in rows:
        if r is None:
            body.append(((sym.vellipsis, styles.DIM), [(sym.vellipsis, styles.DIM)] * len(cols)))
            continue
        label = (f"{sym.marker} {r}" if r in hrows else str(r), styles.HIGHLIGHT if r in hrows else styles.INDEX)
        cells = []
        for j in cols:
            if j is None:
                cells.append((sym.ellipsis, styles.DIM))
            else:
                hot = r in hrows or j in hcols
                cells.append((texts[(r, j)], styles.HIGHLIGHT if hot and color else None))
        body.append((label, cells))
    yield from grid_lines(sym, "", label_w, header, widths, body)

    notes = []
    shown_c = sum(1 for j in cols if j is not None)
    if len(shown_rows) < m or shown_c < n:
        notes.append(f"showing {len(shown_rows)} of {m} rows, {shown_c} of {n} columns")
    if hcols:
        marked = ", ".join(f"[{j}]" for j in sorted(hcols))
        notes.append(f"highlighted column{'s' if len(hcols) > 1 else ''}: {marked}")
    if hrows:
        notes.append(f"{sym.marker} marks highlighted row{'s' if len(hrows) > 1 else ''} "
                     + ", ".join(str(r) for r in sorted(hrows)))
    for note in notes:
        yield Text(note, style=styles.DIM)
    if view.stats:
        yield _stats_line(a, view.precision)


def _stats_line(a: np.ndarray, precision: int) -> Text:
    """min / max / mean of the whole array, one numpy pass each."""
    if a.size == 0:
        return Text("min -  max -  mean -", style=styles.DIM)
    values = a.astype(np.float64, copy=False) if a.dtype.kind == "b" else a
    if a.dtype.kind == "f" and not np.isfinite(values).all():
        lo, hi, mean = np.nanmin(values), np.nanmax(values), np.nanmean(values)
        extra = f"  ({int(np.isnan(values).sum())} nan)"
    else:
        lo, hi, mean, extra = values.min(), values.max(), values.mean(), ""
    t = Text()
    for key, v in (("min", lo), ("max", hi), ("mean", mean)):
        t.append(f"{key} ", styles.DIM)
        t.append(numbers.scalar(v, precision) if key == "mean" or a.dtype.kind == "f" else str(v))
        t.append("  ")
    t.rstrip()
    t.append(extra, styles.DIM)
    return t


class VectorView:
    """A named 1-D array, laid out horizontally with its indices above.

    Abbreviated with an ellipsis cell when it does not fit the width;
    `highlight` marks chosen indices. vector: (n,).
    """

    def __init__(self, vector, name: str, *, highlight=(), stats: bool = False, precision: int = 4,
                 note: str | None = None):
        self.vector = np.asarray(vector).ravel() if np.ndim(vector) != 1 else np.asarray(vector)
        self.name = str(name)
        self.highlight = tuple(int(i) for i in np.atleast_1d(highlight))
        self.stats = stats
        self.precision = int(precision)
        self.note = note

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        v = self.vector
        n = v.size
        ascii = wants_ascii(console, options)
        sym = symbols_for(console, options)
        color = wants_color(console)
        width = options.max_width
        yield _title(self.name, v.shape, v.dtype, ascii, self.note)
        if n == 0:
            yield Text("(empty)", style=styles.DIM)
            return
        hot = set(self.highlight)
        reach = max(width // 2, 1)
        cand = sorted(set(range(min(reach, n))) | set(range(max(n - reach, 0), n)) | {j for j in hot if 0 <= j < n})
        fmt = numbers.array_formatter(v[cand], self.precision)
        texts = {j: fmt(x) for j, x in zip(cand, v[cand].tolist())}

        def head(j):
            return f"[{j}]" if j in hot else str(j)

        cw = max(max(len(t) for t in texts.values()), max(len(head(j)) for j in cand))
        ew = len(sym.ellipsis)
        label_w = len("index")

        def fits(layout):
            return line_width(label_w, [ew if j is None else cw for j in layout]) <= width

        cols = pick_indices(n, fits, must=sorted(hot))
        widths = [ew if j is None else cw for j in cols]
        header = [(sym.ellipsis, styles.DIM) if j is None else (head(j), styles.HIGHLIGHT if j in hot else styles.INDEX)
                  for j in cols]
        cells = [(sym.ellipsis, styles.DIM) if j is None else (texts[j], styles.HIGHLIGHT if j in hot and color else None)
                 for j in cols]
        yield from grid_lines(sym, "index", label_w, header, widths, [(("value", styles.INDEX), cells)])
        shown = sum(1 for j in cols if j is not None)
        if shown < n:
            yield Text(f"showing {shown} of {n} values", style=styles.DIM)
        if hot:
            marked = ", ".join(f"[{j}]" for j in sorted(hot))
            yield Text(f"highlighted index{'es' if len(hot) > 1 else ''}: {marked}", style=styles.DIM)
        if self.stats:
            yield _stats_line(v, self.precision)


class ScalarView:
    """A named number on one line: `J = 0.287629`.

    value: a Python or numpy number (or a 0-d / size-1 array). precision:
    decimals (scientific notation outside 1e-5..1e6). note: optional text
    after the number, e.g. the units or where it came from.
    """

    def __init__(self, value, name: str, *, precision: int = 6, note: str | None = None):
        arr = np.asarray(value)
        self.value = arr.item() if arr.size == 1 else value
        self.name = str(name)
        self.precision = int(precision)
        self.note = note

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ascii = wants_ascii(console, options)
        t = Text()
        t.append(plain(self.name, ascii), styles.NAME)
        t.append(" = ")
        t.append(numbers.scalar(self.value, self.precision), "bold cyan")
        if self.note:
            t.append(f"  {plain(self.note, ascii)}", styles.DIM)
        yield t
