"""Backpropagation: the per-example loop and the vectorized form must agree."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.core import (
    backprop,
    backprop_example,
    backprop_loop,
    initialize_params,
    nn_cost,
    nn_cost_function,
    nn_cost_function_loop,
    one_hot,
    reshape_params,
    unroll,
)


def _problem(sizes, m=13, seed=0):
    rng = np.random.default_rng(seed)
    thetas = reshape_params(initialize_params(sizes, "uniform", epsilon=0.8, seed=seed), sizes)
    X = rng.standard_normal((m, sizes[0]))
    y = rng.integers(0, sizes[-1], m)
    return thetas, X, y


CASES = [
    (sizes, activation, lam)
    for sizes in ([5, 4, 3], [5, 6, 4, 3])
    for activation in ("tanh", "sigmoid")
    for lam in (0.0, 1.7)
]


@pytest.mark.parametrize("sizes, activation, lam", CASES)
def test_loop_and_vectorized_agree_to_1e_12(sizes, activation, lam):
    thetas, X, y = _problem(sizes)
    loop = backprop_loop(thetas, X, y, lam, activation)
    vec = backprop(thetas, X, y, lam, activation)
    assert abs(loop.J - vec.J) < 1e-12
    for D_loop, D_vec in zip(loop.grads, vec.grads):
        assert D_loop.shape == D_vec.shape
        assert np.max(np.abs(D_loop - D_vec)) < 1e-12
    J, grad = nn_cost_function(unroll(thetas), sizes, X, y, lam, activation)
    assert abs(J - loop.J) < 1e-12
    assert np.max(np.abs(grad - unroll(loop.grads))) < 1e-12
    J2, grad2 = nn_cost_function_loop(unroll(thetas), sizes, X, y, lam, activation)
    assert J2 == loop.J and np.array_equal(grad2, unroll(loop.grads))


def test_cost_equals_nn_cost():
    thetas, X, y = _problem([5, 6, 4, 3])
    assert backprop(thetas, X, y, 0.4, "tanh").J == pytest.approx(nn_cost(thetas, X, y, 0.4, "tanh"), abs=1e-13)


def test_regularization_leaves_the_bias_column_alone():
    thetas, X, y = _problem([5, 4, 3])
    D0 = backprop(thetas, X, y, 0.0).grads
    D1 = backprop(thetas, X, y, 2.0).grads
    m = X.shape[0]
    for T, a, b in zip(thetas, D0, D1):
        assert np.array_equal(a[:, 0], b[:, 0])
        assert np.allclose(b[:, 1:] - a[:, 1:], 2.0 / m * T[:, 1:], atol=1e-15)


def test_deltas_and_forward_are_kept_with_their_shapes():
    sizes = [5, 6, 4, 3]
    thetas, X, y = _problem(sizes)
    res = backprop(thetas, X, y)
    assert [d.shape for d in res.deltas] == [(13, 6), (13, 4), (13, 3)]
    # The output delta is h - Y.
    assert np.allclose(res.deltas[-1], res.forward.h - one_hot(y, 3), atol=1e-15)
    assert [a.shape for a in res.forward.a] == [(13, 6), (13, 7), (13, 5), (13, 3)]


def test_loop_Delta_is_the_sum_of_outer_products():
    thetas, X, y = _problem([5, 4, 3], m=4)
    Y = one_hot(y, 3)
    expected = [np.zeros(T.shape) for T in thetas]
    for t in range(4):
        a, _, delta = backprop_example(thetas, X[t], Y[t])
        for l in range(2):
            expected[l] += np.outer(delta[l], a[l])
    res = backprop_loop(thetas, X, y)
    for E, D in zip(expected, res.Deltas):
        assert np.allclose(E, D, atol=1e-15)
        assert not np.allclose(D, 0)


def test_single_output_network():
    thetas, X, y = _problem([2, 3, 1], m=9)
    loop = backprop_loop(thetas, X, y, 0.5, "tanh")
    vec = backprop(thetas, X, y, 0.5, "tanh")
    assert abs(loop.J - vec.J) < 1e-12
    assert np.max(np.abs(unroll(loop.grads) - unroll(vec.grads))) < 1e-12


def test_nn_cost_function_does_not_modify_params():
    thetas, X, y = _problem([5, 4, 3])
    p = unroll(thetas)
    before = p.copy()
    nn_cost_function(p, [5, 4, 3], X, y, 1.0)
    assert np.array_equal(p, before)


def test_cost_stays_exact_when_the_outputs_saturate():
    # Large weights push h to exactly 0 or 1 in floating point; the cost must
    # still be the finite cross-entropy written in z (nn_cost uses logaddexp).
    thetas, X, y = _problem([5, 4, 3], m=20, seed=4)
    big = [T * 60 for T in thetas]
    J, grad = nn_cost_function(unroll(big), [5, 4, 3], X, y, 0.3)
    assert np.isfinite(J) and np.all(np.isfinite(grad))
    assert J == pytest.approx(nn_cost(big, X, y, 0.3), rel=1e-13)
    assert J > 10  # confidently wrong somewhere: a large, finite cost


def test_single_output_gradient_against_central_differences():
    from tutor.core import compute_numerical_gradient, relative_difference

    sizes = [2, 4, 1]
    thetas, X, y = _problem(sizes, m=15, seed=6)
    p = unroll(thetas)

    def J(q):
        return nn_cost_function(q, sizes, X, y, 0.2, "tanh")

    assert relative_difference(compute_numerical_gradient(J, p), J(p)[1]) < 1e-9


@pytest.mark.parametrize("K", [10, 1200])
def test_cost_matches_nn_cost_for_few_and_many_classes(K):
    # The vectorized cost takes one log per row up to K = 1000 and one per
    # entry beyond; both must give nn_cost's value.
    sizes = [3, 4, K]
    thetas, X, y = _problem(sizes, m=30, seed=8)
    thetas = [T * 5 for T in thetas]
    J, _ = nn_cost_function(unroll(thetas), sizes, X, y, 0.7)
    assert J == pytest.approx(nn_cost(thetas, X, y, 0.7), rel=1e-13)
