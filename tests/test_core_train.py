"""Training that reports: records, early stop, and the optimizers reducing the cost."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.core import (
    accuracy,
    initialize_params,
    nn_cost_function,
    predict,
    reshape_params,
    train,
    train_network,
)


def _small_problem():
    sizes = (4, 5, 3)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 4))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)  # learnable labels 0..2
    p0 = initialize_params(sizes, "uniform", epsilon=0.12, seed=0)
    return sizes, X, y, p0


def _quadratic(p):
    # J = |p - 3|^2, minimum 0 at p = 3; gradient 2 (p - 3).
    return float(np.sum((p - 3.0) ** 2)), 2.0 * (p - 3.0)


def test_gd_history_has_n_plus_one_records_starting_at_the_initial_cost():
    seen = []
    res = train(_quadratic, np.zeros(2), "gd", iterations=5, learning_rate=0.1, callback=seen.append)
    assert [r.iteration for r in res.history] == [0, 1, 2, 3, 4, 5]
    assert seen == res.history
    assert res.history[0].cost == 18.0
    # Each step multiplies p - 3 by (1 - 2 * 0.1) = 0.8, so J by 0.64.
    assert res.costs == pytest.approx(18.0 * 0.64 ** np.arange(6), rel=1e-12)
    assert res.params == pytest.approx(3 - 3 * 0.8**5, rel=1e-12)
    assert not res.stopped_early and res.iterations == 5


def test_gd_on_a_network_decreases_the_cost_every_step():
    sizes, X, y, p0 = _small_problem()
    res = train_network(sizes, X, y, p0, lam=0.1, method="gd", iterations=30, learning_rate=0.5)
    assert len(res.history) == 31
    assert res.history[0].cost == pytest.approx(nn_cost_function(p0, sizes, X, y, 0.1)[0], abs=1e-14)
    assert np.all(np.diff(res.costs) < 0)


def test_callback_returning_true_stops_early():
    calls = []

    def stop_at_3(rec):
        calls.append(rec.iteration)
        return rec.iteration == 3

    for method in ("gd", "cg", "lbfgs"):
        calls.clear()
        sizes, X, y, p0 = _small_problem()
        res = train_network(sizes, X, y, p0, method=method, iterations=50, learning_rate=0.5, callback=stop_at_3)
        assert res.stopped_early, method
        assert calls == [0, 1, 2, 3], method
        assert res.iterations == 3


def test_callback_stopping_at_record_zero():
    res = train(_quadratic, np.zeros(2), "cg", iterations=10, callback=lambda r: True)
    assert res.stopped_early and len(res.history) == 1
    assert np.array_equal(res.params, np.zeros(2))


@pytest.mark.parametrize("method", ["cg", "lbfgs"])
def test_scipy_optimizers_reduce_the_cost(method):
    sizes, X, y, p0 = _small_problem()
    res = train_network(sizes, X, y, p0, lam=0.1, method=method, iterations=40)
    costs = res.costs
    assert res.history[0].iteration == 0 and len(costs) >= 2
    assert [r.iteration for r in res.history] == list(range(len(costs)))
    assert costs[-1] < 0.5 * costs[0]
    # The recorded final cost is the cost at the returned parameters.
    assert costs[-1] == pytest.approx(nn_cost_function(res.params, sizes, X, y, 0.1)[0], rel=1e-9)
    assert accuracy(predict(reshape_params(res.params, sizes), X), y) > 0.85


def test_unknown_optimizer():
    with pytest.raises(ValueError, match="cg, lbfgs, gd"):
        train(_quadratic, np.zeros(2), "adam")


@pytest.fixture
def one_blas_thread():
    """One BLAS thread for this test, when threadpoolctl is there.

    On a busy 2-core machine two OpenBLAS threads fighting other processes
    made 50 CG iterations on the digits take 20-30 s instead of 1-2 s; the
    numbers are the same either way.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(1):
        yield


def test_fifty_cg_iterations_on_bundled_digits_reach_95_percent(one_blas_thread):
    from tutor.courses.backprop.datasets import load_digits

    ds = load_digits()
    assert ds.X.shape == (1797, 64)
    sizes = (ds.n, 25, ds.K)
    p0 = initialize_params(sizes, "uniform", epsilon=0.12, seed=0)
    res = train_network(sizes, ds.X, ds.y, p0, lam=1.0, method="cg", iterations=50)
    acc = accuracy(predict(reshape_params(res.params, sizes), ds.X), ds.y)
    assert acc >= 0.95
