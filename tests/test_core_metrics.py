"""Predictions, accuracy, the confusion matrix and the decision grid."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.core import accuracy, confusion_matrix, decision_grid, predict


def _identity_net():
    # 2 inputs -> 2 hidden (large weights copy the inputs' signs) -> 3 outputs.
    T1 = np.array([[0.0, 20.0, 0.0], [0.0, 0.0, 20.0]])
    # Output 0 fires when hidden 0 is on, output 1 when hidden 1 is on, output 2 when neither.
    T2 = np.array([[-10.0, 20.0, 0.0], [-10.0, 0.0, 20.0], [10.0, -20.0, -20.0]])
    return [T1, T2]


def test_predict_is_the_argmax_of_h():
    X = np.array([[1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    assert predict(_identity_net(), X).tolist() == [0, 1, 2]


def test_single_output_predicts_h_at_least_half():
    T1 = np.array([[0.0, 1.0]])  # hidden = g(x)
    T2 = np.array([[-0.5, 1.0]])  # z = g(x) - 0.5: >= 0 exactly when x >= 0
    X = np.array([[-2.0], [0.0], [3.0]])
    assert predict([T1, T2], X).tolist() == [0, 1, 1]


def test_accuracy():
    assert accuracy(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])) == 0.75
    assert accuracy(np.array([], dtype=int), np.array([], dtype=int)) == 0.0
    with pytest.raises(ValueError, match="3 predictions for 2 labels"):
        accuracy(np.array([0, 1, 2]), np.array([0, 1]))


def test_confusion_matrix_rows_are_truth_columns_are_predictions():
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    C = confusion_matrix(y_true, y_pred, 3)
    assert C.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert C.sum() == 6 and np.trace(C) / C.sum() == pytest.approx(accuracy(y_pred, y_true))
    # K is inferred when not given; a larger K pads with zeros.
    assert confusion_matrix(y_true, y_pred).shape == (3, 3)
    assert confusion_matrix(y_true, y_pred, 5)[3:].sum() == 0


def test_decision_grid_shapes_and_classes():
    T1 = np.array([[0.0, 1.0, 0.0]])  # hidden = g(x0)
    T2 = np.array([[-0.5, 1.0]])  # class 1 where x0 >= 0
    X = np.array([[-1.0, -2.0], [1.0, 2.0]])
    xs, ys, classes = decision_grid([T1, T2], X, resolution=(4, 6), margin=0.0)
    assert xs.shape == (6,) and ys.shape == (4,) and classes.shape == (4, 6)
    assert xs[0] == -1.0 and xs[-1] == 1.0 and ys[0] == -2.0 and ys[-1] == 2.0
    assert (classes == (xs >= 0).astype(int)[None, :]).all()
    with pytest.raises(ValueError, match="2 features"):
        decision_grid([T1, T2], np.zeros((3, 3)))
