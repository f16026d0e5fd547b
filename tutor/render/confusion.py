"""The confusion matrix as a table: which classes the network mixes up.

Rows are the true class, columns the predicted one, so the diagonal counts
the right answers (highlighted; in [brackets] when colour is off). Extra
columns give each true class's total and the share of it predicted right;
the last row gives the totals per predicted class and the overall accuracy.
Too wide for the screen, the columns are printed in several blocks, each
with the row labels, so no count is ever cut off.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from tutor.render import numbers, styles
from tutor.render.grid import grid_lines, line_width
from tutor.render.symbols import plain, symbols_for, wants_ascii, wants_color


class ConfusionTable:
    """C: (K, K) counts, C[i, j] = examples of true class i predicted as j.
    class_names: K labels (default "0".."K-1"); title: optional heading."""

    def __init__(self, C, class_names=None, title: str | None = None):
        self.C = np.asarray(C)
        if self.C.ndim != 2 or self.C.shape[0] != self.C.shape[1]:
            raise ValueError(f"a confusion matrix must be square, got shape {self.C.shape}")
        K = self.C.shape[0]
        names = [str(i) for i in range(K)] if class_names is None else [str(c) for c in class_names]
        if len(names) != K:
            raise ValueError(f"{len(names)} class names for {K} classes")
        self.class_names = tuple(names)
        self.title = title

    @property
    def row_totals(self) -> np.ndarray:
        return self.C.sum(axis=1)

    @property
    def col_totals(self) -> np.ndarray:
        return self.C.sum(axis=0)

    @property
    def per_class_accuracy(self) -> np.ndarray:
        """(K,) share of each true class predicted right (nan for an empty class)."""
        totals = self.row_totals
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, np.diag(self.C) / np.maximum(totals, 1), np.nan)

    @property
    def accuracy(self) -> float:
        total = self.C.sum()
        return float(np.trace(self.C) / total) if total else float("nan")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        sym = symbols_for(console, options)
        ascii = wants_ascii(console, options)
        color = wants_color(console)
        width = options.max_width
        C = self.C
        K = C.shape[0]
        names = [plain(n, ascii) for n in self.class_names]
        yield Text(plain(self.title, ascii), style=styles.NAME) if self.title else Text(
            "Confusion matrix", style=styles.NAME)
        yield Text("rows: true class, columns: predicted class", style=styles.DIM)

        def pct(x):
            return "-" if not np.isfinite(x) else numbers.percent(x)

        counts = C.tolist()
        row_tot, col_tot = self.row_totals.tolist(), self.col_totals.tolist()
        acc = self.per_class_accuracy.tolist()
        # Columns: one per predicted class, then the row total and the accuracy.
        columns = []  # (header cell, [cell per row incl. total row])
        for j in range(K):
            cells = []
            for i in range(K):
                text = str(counts[i][j])
                if i == j:
                    cells.append((text if color else f"[{text}]", styles.PASS if color else styles.NAME))
                else:
                    cells.append((text, None if counts[i][j] else styles.DIM))
            cells.append((str(col_tot[j]), styles.NAME))
            columns.append(((names[j], styles.INDEX), cells))
        columns.append((("total", styles.INDEX), [(str(t), styles.DIM) for t in row_tot] + [(str(int(C.sum())), styles.NAME)]))
        columns.append((("correct", styles.INDEX), [(pct(a), None) for a in acc] + [(pct(self.accuracy), styles.NAME)]))
        widths = [max(len(h[0]), *(len(c[0]) for c in cells)) for h, cells in columns]
        labels = [(n, styles.INDEX) for n in names] + [("total", styles.NAME)]
        label_w = max(len(n) for n, _ in labels)

        # Greedy blocks of columns that fit the width.
        blocks, current = [], []
        for k in range(len(columns)):
            if current and line_width(label_w, [widths[c] for c in current + [k]]) > width:
                blocks.append(current)
                current = []
            current.append(k)
        blocks.append(current)
        for b, block in enumerate(blocks):
            if b:
                yield Text("")
            header = [columns[k][0] for k in block]
            rows = [(labels[i], [columns[k][1][i] for k in block]) for i in range(K + 1)]
            yield from grid_lines(sym, "", label_w, header, [widths[k] for k in block], rows)
        note = "correct = share of each true class predicted right"
        if not color:
            note += "; [n] = correct (the diagonal)"
        yield Text(note, style=styles.DIM)
