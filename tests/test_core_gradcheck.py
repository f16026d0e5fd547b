"""Gradient checking: central differences against backpropagation."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.core import (
    check_nn_gradients,
    compute_numerical_gradient,
    debug_initialize_weights,
    debug_problem,
    initialize_params,
    nn_cost_function,
    relative_difference,
    spot_check,
    verdict,
)
from tutor.core.gradcheck import PASS_BELOW, WARN_BELOW


@pytest.mark.parametrize("lam", [0.0, 3.0])
def test_debug_network_gradients_agree_below_1e_9(lam):
    res = check_nn_gradients(lam)
    assert res.numerical.shape == res.analytical.shape == (38,)  # 5*4 + 3*6
    assert res.relative_difference < 1e-9
    assert res.verdict == "pass"
    assert res.layer_sizes == (3, 5, 3) and res.lam == lam
    assert np.abs(res.analytical).max() > 1e-3  # not trivially zero


def test_debug_problem_is_the_design_one():
    thetas, X, y = debug_problem()
    assert np.array_equal(thetas[0], debug_initialize_weights(5, 3))
    assert np.array_equal(thetas[1], debug_initialize_weights(3, 5))
    assert np.array_equal(X, debug_initialize_weights(5, 2))
    assert y.tolist() == [0, 1, 2, 0, 1]


def test_four_layer_tanh_net_numerical_vs_analytical():
    sizes = (4, 5, 3, 3)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((8, 4))
    y = rng.integers(0, 3, 8)
    p = initialize_params(sizes, "uniform", epsilon=0.7, seed=2)

    def J(q):
        return nn_cost_function(q, sizes, X, y, 0.9, "tanh")

    _, ana = J(p)
    num = compute_numerical_gradient(J, p)
    assert relative_difference(num, ana) < 1e-9


def test_a_wrong_gradient_is_caught():
    thetas, X, y = debug_problem()
    from tutor.core import unroll

    p = unroll(thetas)

    def J(q):
        return nn_cost_function(q, (3, 5, 3), X, y, 0.0)

    _, ana = J(p)
    num = compute_numerical_gradient(J, p)
    wrong = ana.copy()
    wrong[3] *= 1.5
    assert verdict(relative_difference(num, wrong)) == "fail"


def test_numerical_gradient_of_a_known_function():
    def J(t):
        return float(t[0] ** 3 + 2 * t[0] * t[1])

    num = compute_numerical_gradient(J, np.array([1.0, 2.0]), e=1e-4)
    assert num == pytest.approx([3 + 4, 2], abs=1e-7)
    only = compute_numerical_gradient(J, np.array([1.0, 2.0]), indices=[1])
    assert only.tolist()[0] == 0.0 and only[1] == pytest.approx(2.0, abs=1e-8)


def test_relative_difference_and_verdict_bands():
    a = np.array([1.0, 2.0])
    assert relative_difference(a, a) == 0.0
    assert relative_difference(np.zeros(2), np.zeros(2)) == 0.0
    assert relative_difference(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    assert verdict(PASS_BELOW / 2) == "pass"
    assert verdict(PASS_BELOW * 2) == "warn"
    assert verdict(WARN_BELOW * 2) == "fail"
    assert verdict(float("nan")) == "fail"


def test_spot_check_on_the_full_network():
    sizes = (400, 25, 10)
    rng = np.random.default_rng(0)
    X = rng.random((50, 400))
    y = rng.integers(0, 10, 50)
    p = initialize_params(sizes, "uniform", seed=0)

    def J(q):
        return nn_cost_function(q, sizes, X, y, 1.0)

    res = spot_check(J, p, k=20, rng=3)
    assert res.indices.shape == (20,)
    assert len(set(res.indices.tolist())) == 20
    assert res.indices.min() >= 0 and res.indices.max() < 10285
    assert res.relative_difference < 1e-9 and res.verdict == "pass"
    _, full = J(p)
    assert np.array_equal(res.analytical, full[res.indices])
    # Same seed, same sample.
    assert np.array_equal(spot_check(J, p, k=20, rng=3).indices, res.indices)
