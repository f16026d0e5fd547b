"""Predictions and how good they are."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.core.forward import output


def predict(thetas: Sequence[np.ndarray], X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    """0-based class indices (m,): the argmax of h, or h >= 0.5 for one output.

    X (m, n) is used as it is (no [1, X] copy, no float64 copy of float32
    data); the extra memory is one (m, s_l) array per layer.
    """
    h = output(thetas, X, activation)
    if h.shape[1] == 1:
        return (h[:, 0] >= 0.5).astype(np.intp)
    return np.argmax(h, axis=1)


def accuracy(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """The fraction of predictions equal to the labels, in [0, 1]."""
    y_pred, y_true = np.asarray(y_pred).ravel(), np.asarray(y_true).ravel()
    if y_pred.shape != y_true.shape:
        raise ValueError(f"{y_pred.size} predictions for {y_true.size} labels")
    return float(np.mean(y_pred == y_true)) if y_true.size else 0.0


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, K: int | None = None) -> np.ndarray:
    """C (K, K): C[i, j] counts examples of class i predicted as class j."""
    y_true = np.asarray(y_true, dtype=np.intp).ravel()
    y_pred = np.asarray(y_pred, dtype=np.intp).ravel()
    if K is None:
        K = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    C = np.zeros((K, K), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def decision_grid(
    thetas: Sequence[np.ndarray], X: np.ndarray, resolution: tuple[int, int] = (40, 80), activation: str = "sigmoid",
    margin: float = 0.5,
):
    """Predictions on a regular grid over two features, for a decision boundary.

    X: (m, 2). resolution: (rows, cols). Returns (xs (cols,), ys (rows,),
    classes (rows, cols)); row 0 is the lowest y.
    """
    X = np.asarray(X, dtype=float)
    if X.shape[1] != 2:
        raise ValueError(f"a decision boundary needs 2 features, the data has {X.shape[1]}")
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    rows, cols = resolution
    xs, ys = np.linspace(x0, x1, cols), np.linspace(y0, y1, rows)
    gx, gy = np.meshgrid(xs, ys)
    pred = predict(thetas, np.column_stack([gx.ravel(), gy.ravel()]), activation)
    return xs, ys, pred.reshape(rows, cols)
