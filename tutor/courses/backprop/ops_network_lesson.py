"""The network lesson's operations: the labels, the parameter count, unrolling and its inverse, one example and the Theta shapes.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values) for a lesson step to show
or check; nothing here prints. A parameter named `lam` is the lesson's
`lambda` (a Python keyword).
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    n_params,
    reshape_params,
    theta_shapes,
)
from tutor.courses.backprop.ops_common import as_sizes, text_table
from tutor.plugin import operation


@operation("label_counts")
def label_counts(y: np.ndarray, K: int) -> np.ndarray:
    """How many examples of each class: (K,) counts, index = class."""
    return np.bincount(np.asarray(y, dtype=np.intp), minlength=int(K))


@operation("parameter_count", outputs=("n_parameters", "parameter_table", "params_size"))
def parameter_count(layer_sizes, params: np.ndarray) -> dict:
    """Count the weights from the layer sizes, and the length of the vector.

    n_parameters: sum over layers of s_{l+1} * (s_l + 1), from the sizes alone.
    params_size: the length of the unrolled vector actually built.
    parameter_table columns: matrix, shape, units x (inputs + bias), numbers.
    """
    sizes = as_sizes(layer_sizes)
    rows = []
    for l, (r, c) in enumerate(theta_shapes(sizes), start=1):
        rows.append([f"Theta{l}", f"{r} x {c}", f"{r} x ({c - 1} + 1)", r * c])
    total = n_params(sizes)
    rows.append(["all", "", "", total])
    return {
        "n_parameters": total,
        "parameter_table": text_table(rows),
        "params_size": int(np.asarray(params).size),
    }


@operation("roll_round_trip", outputs=("thetas_back", "Theta1_back", "round_trip_error"))
def roll_round_trip(params: np.ndarray, layer_sizes, thetas) -> dict:
    """Reshape the unrolled vector back into matrices and compare with the originals.

    round_trip_error: the largest absolute difference (0 when unroll and
    reshape are exact inverses).
    """
    back = reshape_params(np.asarray(params, dtype=float), as_sizes(layer_sizes))
    err = max(float(np.max(np.abs(b - t))) for b, t in zip(back, thetas))
    return {"thetas_back": back, "Theta1_back": back[0], "round_trip_error": err}


@operation("pick_example", outputs=("x_row", "x_image", "x_label", "x_class"))
def pick_example(X: np.ndarray, y: np.ndarray, class_names, index: int = 0) -> dict:
    """Row `index` of X: x_row (n,), x_image (1, n) for the digits view, its label.

    x_label: the 0-based class index; x_class: the name printed for it.
    """
    i = int(index)
    if not 0 <= i < X.shape[0]:
        raise ValueError(f"example {i} does not exist; there are {X.shape[0]} (0 to {X.shape[0] - 1})")
    label = int(y[i])
    return {"x_row": X[i].copy(), "x_image": X[i : i + 1].copy(), "x_label": label, "x_class": str(class_names[label])}


@operation("theta_shape_texts", outputs=("Theta1_shape", "Theta2_shape", "a1_width", "a2_width"))
def theta_shape_texts(layer_sizes) -> dict:
    """The Theta shapes as quiz answers ("25x65"), and the widths with the bias unit."""
    (r1, c1), (r2, c2) = theta_shapes(as_sizes(layer_sizes))[:2]
    return {"Theta1_shape": f"{r1}x{c1}", "Theta2_shape": f"{r2}x{c2}", "a1_width": c1, "a2_width": c2}

