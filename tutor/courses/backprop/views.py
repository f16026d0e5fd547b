"""This course's views: digits drawn as pictures, hidden units as images, a network's decision boundary.

The data's pixel layout (image shape, pixel order, class names) comes from
the network setup's data set (`ctx.env.data`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tutor.plugin import view


def rows_to_images(rows: np.ndarray, image_shape, order: str) -> np.ndarray:
    """Rows of pixels (k, h*w) as upright images (k, h, w)."""
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    h, w = image_shape
    if rows.shape[1] != h * w:
        raise ValueError(f"rows of {rows.shape[1]} values are not {h} x {w} images")
    if order == "F":
        return rows.reshape(-1, w, h).transpose(0, 2, 1)
    return rows.reshape(-1, h, w)


def _data(ctx):
    data = getattr(ctx.env, "data", None)
    if data is None or getattr(data, "image_shape", None) is None:
        return None
    return data


def _class_name(data, index: int) -> str:
    names = data.class_names
    return names[index] if 0 <= index < len(names) else str(index)


def digits_view(value: Any, ctx, *, labels=None, count: int = 20, title: str | None = None) -> Any:
    """The first `count` rows of `value` (or one row) drawn as digit images."""
    from tutor.courses.backprop.render_digits import DigitGrid

    data = _data(ctx)
    if data is None:
        raise ValueError("this data set's features are not pixels, so they cannot be drawn as digits")
    image_shape = data.image_shape
    rows = np.atleast_2d(np.asarray(value, dtype=float))
    if rows.shape[1] == image_shape[0] * image_shape[1] + 1:
        rows = rows[:, 1:]  # a1 or a Theta with its bias column: draw the pixels only
    rows = rows[:count]
    images = rows_to_images(rows, image_shape, data.image_order)
    names = None
    if labels is not None:
        lab = np.atleast_1d(np.asarray(labels))[: len(images)]
        names = [_class_name(data, int(v)) for v in lab]
    return DigitGrid(images, labels=names, title=title)


@view("digits", options={"labels": ("name", None), "count": ("int", 20)}, default_value="X")
def digits(value, ctx, spec):
    """Rows of pixels drawn as the pictures they are (labels: a bound list of labels to print under them)."""
    labels = ctx.get(spec.option("labels")) if spec.option("labels") else None
    return digits_view(value, ctx, labels=labels, count=int(spec.option("count", 20)),
                       title=spec.title(ctx) if spec.label else None)


@view("hidden", options={"count": ("int", 20)}, default_value="Theta1")
def hidden(value, ctx, spec):
    """Each hidden unit's input weights (a row of Theta1 without its bias) drawn as an image."""
    from tutor.courses.backprop.render_digits import HiddenUnits

    data = _data(ctx)
    if data is None:
        raise ValueError("this data set's features are not pixels, so hidden units cannot be drawn as images")
    if isinstance(value, (list, tuple)):
        value = value[0]
    Theta1 = np.asarray(value, dtype=float)[: int(spec.option("count", 20))]
    return HiddenUnits(Theta1, data.image_shape, data.image_order)


@view("boundary", options={"X": ("name", "X"), "y": ("name", "y")}, default_value="thetas")
def boundary(value, ctx, spec):
    """The plane coloured by the network's prediction (value: its list of Thetas), the points X, y on top.

    The count of misclassified points under it is the network's own (its
    prediction at each point), not read off the coarse character picture.
    """
    from tutor.core import decision_grid, predict
    from tutor.render import DecisionBoundary

    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{spec.value} is not a list of weight matrices")
    X, y = ctx.get(spec.option("X")), ctx.get(spec.option("y"))
    activation = ctx.get("activation")
    xs, ys, classes = decision_grid(value, X, activation=activation)
    return DecisionBoundary(xs, ys, classes, X, y, predicted=predict(value, X, activation))
