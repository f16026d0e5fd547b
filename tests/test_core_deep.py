"""tutor.core.deep: any depth, sigmoid / tanh / ReLU hidden layers, sigmoid / softmax outputs, Xavier and He."""

import numpy as np
import pytest

from tutor.core import (
    backprop_loop,
    compute_numerical_gradient,
    nn_cost_function,
    unroll,
)
from tutor.core.deep import (
    deep_backprop,
    deep_cost_function,
    deep_cost_only,
    deep_forward,
    he_initialize_weights,
    init_thetas,
    layer_gradient_norms,
    relu,
    relu_gradient,
    softmax,
    xavier_initialize_weights,
)

SIZES = (4, 5, 3, 4, 3)


def _problem(seed=1, sizes=SIZES, m=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, sizes[0]))
    y = np.arange(m) % sizes[-1]
    thetas = init_thetas(sizes, "uniform", epsilon=0.8, seed=seed)
    return thetas, X, y


def test_relu_and_its_slope():
    z = np.array([-2.0, -0.0, 0.0, 0.5, 3.0])
    assert relu(z).tolist() == [0.0, 0.0, 0.0, 0.5, 3.0]
    assert relu_gradient(z).tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]


def test_softmax_rows_sum_to_one_and_survive_large_z():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]])
    p = softmax(z)
    e = np.exp([1.0, 2.0, 3.0])
    assert np.allclose(p[0], e / e.sum())
    assert np.allclose(p[1], [0.5, 0.5, 0.0])
    assert np.allclose(p.sum(axis=1), 1.0)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("lam", [0.0, 2.0])
def test_gradient_matches_central_differences(hidden, output, lam):
    thetas, X, y = _problem()
    params = unroll(thetas)
    J, grad = deep_cost_function(params, SIZES, X, y, lam, hidden, output)
    num = compute_numerical_gradient(lambda p: deep_cost_only(p, SIZES, X, y, lam, hidden, output), params)
    rel = np.linalg.norm(num - grad) / np.linalg.norm(num + grad)
    assert rel < 1e-8, rel
    assert J == pytest.approx(deep_cost_only(params, SIZES, X, y, lam, hidden, output), abs=1e-12)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh"])
def test_same_numbers_as_the_course_core_and_its_loop(hidden):
    thetas, X, y = _problem(sizes=(4, 6, 5, 3))
    sizes = (4, 6, 5, 3)
    J, grad = deep_cost_function(unroll(thetas), sizes, X, y, 1.5, hidden)
    J0, grad0 = nn_cost_function(unroll(thetas), sizes, X, y, 1.5, hidden)
    loop = backprop_loop(thetas, X, y, 1.5, hidden)
    assert J == pytest.approx(J0, abs=1e-12) and J == pytest.approx(loop.J, abs=1e-12)
    assert np.allclose(grad, grad0, atol=1e-13)
    assert np.allclose(grad, unroll(loop.grads), atol=1e-13)


def test_softmax_output_error_is_p_minus_y():
    thetas, X, y = _problem()
    res = deep_backprop(thetas, X, y, 0.0, "tanh", "softmax")
    p = res.forward.h
    Y = np.eye(SIZES[-1])[y]
    assert np.allclose(res.deltas[-1], p - Y)
    assert np.allclose(p.sum(axis=1), 1.0)
    # the cost is -mean log p at the label, computed here by hand
    assert res.J == pytest.approx(-np.mean(np.log(p[np.arange(len(y)), y])), abs=1e-12)


def test_shapes_of_the_pass():
    thetas, X, _y = _problem()
    fwd = deep_forward(thetas, X, "relu")
    assert [a.shape for a in fwd.a] == [(7, 5), (7, 6), (7, 4), (7, 5), (7, 3)]
    assert [z.shape for z in fwd.z] == [(7, 5), (7, 3), (7, 4), (7, 3)]
    assert np.all(fwd.a[1][:, 0] == 1.0)


def test_xavier_and_he_scales():
    rng = np.random.default_rng(0)
    T = xavier_initialize_weights(300, 200, rng)
    r = np.sqrt(6 / 500)
    assert T.shape == (200, 301) and np.all(T[:, 0] == 0)
    assert np.abs(T[:, 1:]).max() <= r and np.abs(T[:, 1:]).max() > 0.99 * r
    H = he_initialize_weights(400, 300, rng)
    assert H.shape == (300, 401) and np.all(H[:, 0] == 0)
    assert H[:, 1:].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)


def test_init_thetas_uniform_is_the_course_rule_and_unknown_is_named():
    thetas = init_thetas((64, 30, 10), "uniform", 0.12, seed=3)
    assert [T.shape for T in thetas] == [(30, 65), (10, 31)]
    assert max(np.abs(T).max() for T in thetas) <= 0.12
    with pytest.raises(ValueError, match="lecun.*uniform, xavier, he"):
        init_thetas((3, 2), "lecun")
    with pytest.raises(ValueError, match="swish"):
        deep_forward(thetas, np.zeros((1, 64)), "swish")


def test_layer_norms_leave_the_bias_column_out():
    grads = [np.array([[100.0, 3.0, 4.0]]), np.array([[7.0, 0.0], [0.0, 0.0]])]
    assert layer_gradient_norms(grads).tolist() == [5.0, 0.0]


def test_sigmoid_gradients_vanish_towards_the_input_and_he_relu_does_not():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(200, 20))
    y = np.arange(200) % 5
    sizes = (20, 30, 30, 30, 30, 5)
    small = layer_gradient_norms(deep_backprop(init_thetas(sizes, "uniform", 0.12, seed=0), X, y).grads)
    assert small[0] < small[-1] / 1000  # each sigmoid layer multiplies by at most 0.25 times small weights
    he = layer_gradient_norms(deep_backprop(init_thetas(sizes, "he", seed=0), X, y, 0, "relu").grads)
    assert he.max() / he.min() < 20
