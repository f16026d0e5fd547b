"""Named views: how a lesson asks to see a bound value.

`show: [z2, {value: a2, view: matrix, highlight_cols: [0]}]` becomes ViewSpecs
at load time; at run time `render_view` picks the renderer from `tutor.render`
(imported lazily, so loading a lesson stays cheap). `auto` chooses by the
value: a number -> scalar, 1-D -> vector, 2-D -> matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.lessons.schema import Reader, Scope, Where, parse_ref
from tutor.yamlsafe import Node

VIEWS = ("auto", "matrix", "vector", "scalar", "digits", "hidden", "table", "shape")
VIEW_KEYS = ("value", "view", "label", "highlight_rows", "highlight_cols", "stats", "precision", "labels", "count", "columns")


@dataclass(frozen=True)
class ViewSpec:
    """One value to show and how. value: a bound name (`.T` allowed)."""

    value: str
    transpose: bool = False
    view: str = "auto"
    label: str | None = None
    highlight_rows: tuple[int, ...] = ()
    highlight_cols: tuple[int, ...] = ()
    stats: bool = False
    precision: int = 4
    labels: str | None = None  # digits: a bound name of labels
    count: int = 20  # digits / hidden: how many images
    columns: tuple[str, ...] = ()  # table: column headings

    @property
    def name(self) -> str:
        return self.label or (self.value + ("ᵀ" if self.transpose else ""))


def parse_view(node: Node, path: str, file: str, scope: Scope, condition: str | None) -> ViewSpec:
    """A view from a bare name (`z2`) or a mapping (`{value: z2, view: matrix}`)."""
    if isinstance(node.value, str):
        where = Where(file, node.line, node.column, path)
        name, t = parse_ref(node.value, where)
        scope.require(name, where, condition)
        return ViewSpec(value=name, transpose=t)
    r = Reader(node, path, file, VIEW_KEYS, what="a view")
    ref = r.str("value", required=True)
    name, t = parse_ref(ref, r.where("value"))
    scope.require(name, r.where("value"), condition)
    labels = r.name("labels")
    if labels:
        scope.require(labels, r.where("labels"), condition)
    from tutor.lessons.placeholders import names_in
    from tutor.lessons.steps.basic import require_text_names

    require_text_names(r.str("label"), r.where("label"), scope, condition)
    for used in names_in(r.str("label") or ""):
        scope.require(used, r.where("label"), condition, what="placeholder")
    spec = ViewSpec(
        value=name,
        transpose=t,
        view=r.str("view", default="auto", choices=VIEWS),
        label=r.str("label"),
        highlight_rows=r.int_list("highlight_rows") or (),
        highlight_cols=r.int_list("highlight_cols") or (),
        stats=bool(r.bool("stats", False)),
        precision=r.int("precision", 4, min=0),
        labels=labels,
        count=r.int("count", 20, min=1),
        columns=r.str_list("columns") or (),
    )
    r.finish()
    return spec


def parse_views(node: Node | None, path: str, file: str, scope: Scope, condition: str | None) -> tuple[ViewSpec, ...]:
    if node is None:
        return ()
    items = node.value if isinstance(node.value, list) else [node]
    return tuple(
        parse_view(item, f"{path}[{i}]" if isinstance(node.value, list) else path, file, scope, condition)
        for i, item in enumerate(items)
    )


def rows_to_images(rows: np.ndarray, image_shape, order: str) -> np.ndarray:
    """Rows of pixels (k, h*w) as upright images (k, h, w)."""
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    h, w = image_shape
    if rows.shape[1] != h * w:
        raise ValueError(f"rows of {rows.shape[1]} values are not {h} x {w} images")
    if order == "F":
        return rows.reshape(-1, w, h).transpose(0, 2, 1)
    return rows.reshape(-1, h, w)


# Where each renderer lives in tutor/render (used if the package does not re-export it).
_RENDER_MODULES = {
    "MatrixView": "matrix", "VectorView": "matrix", "ScalarView": "matrix",
    "DigitGrid": "digits", "HiddenUnits": "digits", "ShapeEquation": "shapes", "CheckBadge": "check",
    "CostCurve": "plots", "DecisionBoundary": "plots", "ConfusionTable": "confusion",
    "GradientComparison": "gradients", "TrainSummary": "train",
}


def find_renderer(name: str):
    """A renderer class from tutor.render, or None while it is not there."""
    import importlib

    try:
        render = importlib.import_module("tutor.render")
        if hasattr(render, name):
            return getattr(render, name)
        module = importlib.import_module(f"tutor.render.{_RENDER_MODULES[name]}")
    except (ImportError, KeyError):
        return None
    return getattr(module, name, None)


_find = find_renderer


def auto_view(value: Any) -> str:
    a = np.asarray(value) if not isinstance(value, (str, dict)) else None
    if a is None or a.dtype == object:
        return "text"
    if a.ndim == 0 or a.size == 1 and a.ndim <= 1:
        return "scalar"
    if a.ndim == 1:
        return "vector"
    return "matrix"


def render_view(spec: ViewSpec, value: Any, ctx) -> Any:
    """The renderable for `value` as `spec` asks. ctx gives image shape, class names."""
    from rich.text import Text

    if spec.transpose:
        value = np.asarray(value).T
    kind = spec.view if spec.view != "auto" else auto_view(value)
    name = ctx.fill(spec.name) if "{" in spec.name else spec.name
    if kind == "text":
        return Text(f"{name} = {value}")
    if kind == "shape":
        from tutor.lessons.placeholders import shape_text

        return Text(f"{name}: {shape_text(np.shape(value))}")
    if kind == "scalar":
        cls = _find("ScalarView")
        return cls(value, name, precision=max(spec.precision, 6)) if cls else Text(f"{name} = {value}")
    if kind == "vector":
        cls = _find("VectorView")
        if cls:
            return cls(np.asarray(value).ravel(), name, highlight=spec.highlight_cols, stats=spec.stats, precision=spec.precision)
    if kind in ("matrix", "vector"):
        cls = _find("MatrixView")
        if cls:
            return cls(value, name, highlight_rows=spec.highlight_rows, highlight_cols=spec.highlight_cols,
                       stats=spec.stats, precision=spec.precision)
        return Text(f"{name}: {np.shape(value)}")
    if kind == "digits":
        return digits_view(value, ctx, labels=ctx.get(spec.labels) if spec.labels else None, count=spec.count,
                           title=name if spec.label else None)
    if kind == "hidden":
        return hidden_view(value, ctx, count=spec.count)
    if kind == "table":
        return table_view(value, spec)
    raise ValueError(f"unknown view {kind!r}")


def digits_view(value: Any, ctx, *, labels=None, count: int = 20, title: str | None = None) -> Any:
    """The first `count` rows of `value` (or one row) drawn as digit images."""
    from rich.text import Text

    image_shape = ctx.image_shape
    if image_shape is None:
        raise ValueError("this data set's features are not pixels, so they cannot be drawn as digits")
    rows = np.atleast_2d(np.asarray(value, dtype=float))
    if rows.shape[1] == image_shape[0] * image_shape[1] + 1:
        rows = rows[:, 1:]  # a1 or a Theta with its bias column: draw the pixels only
    rows = rows[:count]
    images = rows_to_images(rows, image_shape, ctx.image_order)
    names = None
    if labels is not None:
        lab = np.atleast_1d(np.asarray(labels))[: len(images)]
        names = [ctx.class_name(int(v)) for v in lab]
    cls = _find("DigitGrid")
    if cls is None:
        return Text(f"({len(images)} images of {image_shape[0]} x {image_shape[1]} pixels)")
    return cls(images, labels=names, title=title)


def hidden_view(value: Any, ctx, *, count: int = 25) -> Any:
    from rich.text import Text

    cls = _find("HiddenUnits")
    if ctx.image_shape is None:
        raise ValueError("this data set's features are not pixels, so hidden units cannot be drawn as images")
    Theta1 = np.asarray(value, dtype=float)[:count]
    if cls is None:
        return Text(f"({Theta1.shape[0]} hidden units)")
    return cls(Theta1, ctx.image_shape, ctx.image_order)


def table_view(value: Any, spec: ViewSpec) -> Any:
    """A small 2-D array (or columns) as a table with headings."""
    from rich.table import Table

    a = np.asarray(value)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    table = Table(title=spec.label, show_lines=False)
    for j in range(a.shape[1]):
        # fold, not the default ellipsis: a narrow terminal keeps every digit, and
        # an ASCII-only stream cannot print '…' (it crashed the accuracy lesson at 40 columns)
        table.add_column(spec.columns[j] if j < len(spec.columns) else str(j), justify="right", overflow="fold")
    for row in a[:40]:
        table.add_row(*[f"{x:.{spec.precision}g}" if isinstance(x, (float, np.floating)) else str(x) for x in row])
    if a.shape[0] > 40:
        table.caption = f"first 40 of {a.shape[0]} rows"
    return table
