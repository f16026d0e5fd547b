"""The engine's views: numbers, vectors, matrices, shapes, tables, curves, counts, regions.

Each is `func(value, ctx, spec) -> renderable`, registered by name; `auto`
chooses by the value (a number -> scalar, 1-D -> vector, 2-D -> matrix).
They raise ValueError for a value they cannot draw.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.text import Text

from tutor.lessons.registry import view
from tutor.render import ConfusionTable, CostCurve, DecisionBoundary, MatrixView, ScalarView, VectorView

_ARRAY_OPTIONS = {
    "highlight_rows": ("int_list", ()),
    "highlight_cols": ("int_list", ()),
    "stats": ("bool", False),
    "precision": ("int", 4),
}


def _kind_of(value: Any) -> str:
    a = np.asarray(value) if not isinstance(value, (str, dict)) else None
    if a is None or a.dtype == object:
        return "text"
    if a.ndim == 0 or a.size == 1 and a.ndim <= 1:
        return "scalar"
    if a.ndim == 1:
        return "vector"
    return "matrix"


@view("auto", options=_ARRAY_OPTIONS)
def auto(value, ctx, spec):
    """Chosen by the value: a number as scalar, 1-D as vector, 2-D as matrix, else text."""
    kind = _kind_of(value)
    if kind == "text":
        return Text(f"{spec.title(ctx)} = {value}")
    return {"scalar": scalar, "vector": vector, "matrix": matrix}[kind](value, ctx, spec)


@view("scalar", options={"precision": ("int", 6)})
def scalar(value, ctx, spec):
    """One number with its name: 6 decimals, or `precision` of them (0 for a ratio like "84 times")."""
    return ScalarView(value, spec.title(ctx), precision=int(spec.option("precision", 6)))


@view("vector", options=_ARRAY_OPTIONS)
def vector(value, ctx, spec):
    """A 1-D array, abbreviated to fit, with its length; highlight_cols picks entries."""
    return VectorView(np.asarray(value).ravel(), spec.title(ctx), highlight=spec.option("highlight_cols", ()),
                      stats=bool(spec.option("stats", False)), precision=int(spec.option("precision", 4)))


@view("matrix", options=_ARRAY_OPTIONS)
def matrix(value, ctx, spec):
    """A 2-D array, abbreviated to fit, with its shape; optional highlighted rows/columns and stats."""
    return MatrixView(value, spec.title(ctx), highlight_rows=spec.option("highlight_rows", ()),
                      highlight_cols=spec.option("highlight_cols", ()), stats=bool(spec.option("stats", False)),
                      precision=int(spec.option("precision", 4)))


@view("shape")
def shape(value, ctx, spec):
    """Just the value's shape, `m x n`."""
    from tutor.lessons.placeholders import shape_text

    return Text(f"{spec.title(ctx)}: {shape_text(np.shape(value))}")


@view("table", options={"columns": ("str_list", ()), "precision": ("int", 4)})
def table(value, ctx, spec):
    """A small 2-D array (or one column) as a table; columns: the headings."""
    from rich.table import Table

    a = np.asarray(value)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    columns = spec.option("columns", ())
    precision = int(spec.option("precision", 4))

    def build(spell) -> Table:
        """The table, its words spelt for the stream (an ASCII-only one cannot print '±' in a heading)."""
        t = Table(title=spell(spec.label) if spec.label else None, show_lines=False)
        for j in range(a.shape[1]):
            # fold, not the default ellipsis: a narrow terminal keeps every figure, and
            # an ASCII-only stream cannot print '…' (it crashed a lesson at 40 columns)
            t.add_column(spell(columns[j]) if j < len(columns) else str(j), justify="right", overflow="fold")
        for row in a[:40]:
            t.add_row(*[f"{x:.{precision}g}" if isinstance(x, (float, np.floating)) else spell(str(x)) for x in row])
        if a.shape[0] > 40:
            t.caption = f"first 40 of {a.shape[0]} rows"
        return t

    return SpeltForStream(build)


class SpeltForStream:
    """A renderable built when drawn, with `spell(text)` making its words safe for that console's stream."""

    def __init__(self, build) -> None:
        self.build = build

    def __rich_console__(self, console, options):
        from tutor.render.symbols import text_for

        yield self.build(lambda text: text_for(console, options, text))


@view("cost")
def cost(value, ctx, spec):
    """A curve of one number per iteration (a cost trace); label: its title."""
    costs = np.asarray(value, dtype=float).ravel()
    if costs.size == 0:
        raise ValueError("there is no value to draw")
    return CostCurve(costs, title=ctx.fill(spec.label) if spec.label else None)


@view("confusion", options={"names": ("name", None)})
def confusion(value, ctx, spec):
    """Counts C (K, K): C[i, j] examples of class i predicted as j; names: a bound list of class names."""
    C = np.asarray(value)
    key = spec.option("names")
    if key:
        names = list(ctx.get(key))
    elif "class_names" in ctx.values:
        names = list(ctx.values["class_names"])
    else:
        names = [str(i) for i in range(C.shape[0])]
    return ConfusionTable(C, names[: C.shape[0]])


@view("regions", options={"X": ("name", "X"), "y": ("name", "y"), "xs": ("name", "grid_xs"),
                          "ys": ("name", "grid_ys")})
def regions(value, ctx, spec):
    """The plane coloured by predicted class (value: classes on the grid) with the points X, y on top.

    value: (len(ys), len(xs)) or (len(xs) * len(ys),) class indices from the
    `grid` operation's points, row by row; X (m, 2); y (m,).
    """
    xs = np.asarray(ctx.get(spec.option("xs")), dtype=float)
    ys = np.asarray(ctx.get(spec.option("ys")), dtype=float)
    classes = np.asarray(value).reshape(ys.size, xs.size).astype(int)
    X = np.asarray(ctx.get(spec.option("X")), dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"the points must have two columns to be drawn in the plane, not shape {X.shape}")
    y = np.asarray(ctx.get(spec.option("y"))).ravel().astype(int)
    return DecisionBoundary(xs, ys, classes, X, y, title=ctx.fill(spec.label) if spec.label else None)


@view("graph", options={"nodes": ("graph", ()), "grads": ("str", None), "backward": ("bool", False),
                        "wrt": ("str", None), "hide": ("str_list", ())})
def graph(value, ctx, spec):
    """A small computational graph drawn from its output down: each node's value and, once known, its gradient.

    value: the output node (bound). nodes: lines such as `z = p1 + p2` (see
    tutor.lessons.graphspec); grads: a prefix, node n showing the bound
    gradient `<prefix>n`; backward: true computes every gradient instead;
    hide: leaves not drawn (a wide graph kept on one screen).
    """
    from tutor.lessons.graphspec import evaluate
    from tutor.render.graph import ComputationGraph, GraphNode

    lines = spec.option("nodes", ())
    if not lines:
        raise ValueError("a graph view needs `nodes:`, one line per node such as `z = w * x`")
    rows = evaluate(lines, ctx.values, spec.value, grads_prefix=spec.option("grads"),
                    backward=bool(spec.option("backward", False)))
    nodes = [GraphNode(name, op, inputs, v, g) for name, op, inputs, v, g in rows]
    return ComputationGraph(nodes, spec.value, wrt=spec.option("wrt") or spec.value,
                            title=ctx.fill(spec.label) if spec.label else None, hide=spec.option("hide", ()))
