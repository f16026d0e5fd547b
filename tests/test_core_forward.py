"""The forward pass: shapes, the bias column, and values against a hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tutor.core import add_bias, feedforward, initialize_params, reshape_params


def _net(sizes, seed=0):
    return reshape_params(initialize_params(sizes, "uniform", epsilon=0.5, seed=seed), sizes)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("sizes", [[6, 4, 3], [6, 5, 4, 3]])
def test_shapes_for_three_and_four_layer_nets(sizes, activation):
    m = 7
    X = np.random.default_rng(1).standard_normal((m, sizes[0]))
    fwd = feedforward(_net(sizes), X, activation)
    L = len(sizes)
    assert len(fwd.a) == L and len(fwd.z) == L - 1
    for l in range(L - 1):
        assert fwd.a[l].shape == (m, sizes[l] + 1)
        assert np.all(fwd.a[l][:, 0] == 1.0)  # the bias unit
        assert fwd.z[l].shape == (m, sizes[l + 1])
    assert fwd.h.shape == (m, sizes[-1])
    named = fwd.named()
    assert list(named) == ["a1"] + [k for i in range(2, L + 1) for k in (f"z{i}", f"a{i}")] + ["h"]
    assert named["h"] is fwd.h


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_hidden_activation_and_sigmoid_output(activation):
    sizes = [3, 4, 2]
    thetas = _net(sizes, seed=5)
    X = np.random.default_rng(2).standard_normal((5, 3))
    fwd = feedforward(thetas, X, activation)
    g = np.tanh if activation == "tanh" else (lambda z: 1 / (1 + np.exp(-z)))
    assert np.allclose(fwd.a[1][:, 1:], g(fwd.z[0]))
    # The output layer is always the sigmoid.
    assert np.allclose(fwd.h, 1 / (1 + np.exp(-fwd.z[1])))


def test_values_against_a_hand_loop():
    thetas = _net([2, 3, 2], seed=9)
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    sig = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    fwd = feedforward(thetas, X)
    for i, x in enumerate(X):
        a1 = [1.0, *x]
        a2 = [1.0] + [sig(sum(w * a for w, a in zip(row, a1))) for row in thetas[0]]
        h = [sig(sum(w * a for w, a in zip(row, a2))) for row in thetas[1]]
        assert fwd.h[i] == pytest.approx(h, abs=1e-14)


def test_add_bias():
    A = np.array([[2.0, 3.0]])
    assert add_bias(A).tolist() == [[1.0, 2.0, 3.0]]
