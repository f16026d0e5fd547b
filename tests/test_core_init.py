"""Starting weights: debug pattern, uniform [-eps, eps], sqrt(6) rule, normal."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tutor.core import (
    debug_initialize_weights,
    epsilon_init,
    initialize_params,
    normal_initialize_weights,
    rand_initialize_weights,
    reshape_params,
)


def test_debug_weights_are_sin_over_ten_row_major():
    W = debug_initialize_weights(3, 4)
    assert W.shape == (3, 5)
    assert W[0, 1] == pytest.approx(math.sin(1) / 10)
    assert W[1, 0] == pytest.approx(math.sin(5) / 10)  # row-major: row 1 starts at index 5
    assert W[2, 4] == pytest.approx(math.sin(14) / 10)


def test_rand_initialize_weights_shape_and_range():
    W = rand_initialize_weights(400, 25, epsilon=0.12, rng=0)
    assert W.shape == (25, 401)
    assert np.abs(W).max() <= 0.12
    # Spread over the whole interval (a constant or a narrower range fails this).
    assert W.min() < -0.11 and W.max() > 0.11
    assert abs(W.mean()) < 0.01


def test_rand_initialize_weights_is_repeatable_by_seed():
    assert np.array_equal(rand_initialize_weights(3, 2, rng=7), rand_initialize_weights(3, 2, rng=7))
    assert not np.array_equal(rand_initialize_weights(3, 2, rng=7), rand_initialize_weights(3, 2, rng=8))


def test_sqrt6_rule_value():
    assert epsilon_init(400, 25) == pytest.approx(math.sqrt(6) / math.sqrt(425))
    assert epsilon_init(400, 25) == pytest.approx(0.1188177, abs=1e-7)


def test_uniform_params_use_the_sqrt6_rule_per_layer():
    p = initialize_params([400, 25, 10], "uniform", epsilon="sqrt6", seed=1)
    assert p.shape == (10285,)
    T1, T2 = reshape_params(p, [400, 25, 10])
    e1, e2 = math.sqrt(6 / 425), math.sqrt(6 / 35)
    assert np.abs(T1).max() <= e1 and np.abs(T1).max() > 0.95 * e1
    assert np.abs(T2).max() <= e2 and np.abs(T2).max() > 0.9 * e2


def test_uniform_params_with_a_fixed_epsilon():
    p = initialize_params([4, 3, 2], "uniform", epsilon=0.5, seed=3)
    assert np.abs(p).max() <= 0.5
    assert np.array_equal(p, initialize_params([4, 3, 2], "uniform", epsilon=0.5, seed=3))


def test_normal_init_draws_W1_then_W2_from_legacy_randomstate():
    state = np.random.RandomState(2)
    W1 = state.randn(4, 2) * 0.01
    W2 = state.randn(1, 4) * 0.01
    T1, T2 = normal_initialize_weights([2, 4, 1], scale=0.01, seed=2)
    assert np.array_equal(T1[:, 0], np.zeros(4)) and np.array_equal(T2[:, 0], np.zeros(1))
    assert np.array_equal(T1[:, 1:], W1)
    assert np.array_equal(T2[:, 1:], W2)
    p = initialize_params([2, 4, 1], "normal", scale=0.01, seed=2)
    assert np.array_equal(p, np.concatenate([T1.ravel(), T2.ravel()]))


def test_zeros_and_unknown_method():
    assert not initialize_params([3, 2, 1], "zeros").any()
    with pytest.raises(ValueError, match="uniform, normal, zeros"):
        initialize_params([3, 2, 1], "xavier")
