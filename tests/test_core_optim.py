"""tutor.core.optim: momentum and Adam updates against hand computations; mini-batch training reports."""

import itertools

import numpy as np
import pytest

from tutor.core.optim import adam_step, first_nonfinite, minibatch_train, momentum_step


def test_momentum_step_by_hand():
    p, v, g = np.array([1.0, -2.0]), np.array([0.5, 0.0]), np.array([0.2, -0.4])
    p2, v2 = momentum_step(p, v, g, 0.1, 0.9)
    assert np.allclose(v2, [0.9 * 0.5 + 0.2, -0.4])
    assert np.allclose(p2, [1.0 - 0.1 * 0.65, -2.0 + 0.04])
    assert p.tolist() == [1.0, -2.0] and v.tolist() == [0.5, 0.0]  # inputs unchanged


def test_adam_first_step_moves_each_parameter_by_the_learning_rate():
    # after one step m^ = g and v^ = g^2, so the move is lr * g / (|g| + eps): lr times the sign
    p = np.array([1.0, 1.0, 1.0])
    g = np.array([1e-6, -3.0, 250.0])
    p2, m1, m2 = adam_step(p, np.zeros(3), np.zeros(3), g, 1, learning_rate=0.01, eps=1e-12)
    assert np.allclose(p2, [0.99, 1.01, 0.99], atol=1e-8)
    assert np.allclose(m1, 0.1 * g) and np.allclose(m2, 0.001 * g * g)


def test_adam_second_step_by_hand():
    g1, g2 = np.array([2.0]), np.array([1.0])
    p, m1, m2 = adam_step(np.array([0.0]), np.zeros(1), np.zeros(1), g1, 1, 0.1)
    p, m1, m2 = adam_step(p, m1, m2, g2, 2, 0.1)
    mm = 0.9 * 0.2 + 0.1 * 1.0
    vv = 0.999 * 0.004 + 0.001 * 1.0
    p1 = -0.1 * 2.0 / (2.0 + 1e-8)  # the first step, eps included
    expect = p1 - 0.1 * (mm / (1 - 0.81)) / (np.sqrt(vv / (1 - 0.999 ** 2)) + 1e-8)
    assert p[0] == pytest.approx(expect, rel=1e-9)


def _least_squares(m=120, n=3, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(m, n))
    w_true = np.array([1.0, -2.0, 0.5])
    b = A @ w_true

    def batch(w, rows):
        r = A[rows] @ w - b[rows]
        return float(r @ r / (2 * len(rows))), A[rows].T @ r / len(rows)

    def full(w):
        r = A @ w - b
        return float(r @ r / (2 * m))

    return batch, full, w_true, m


@pytest.mark.parametrize("rule,lr", [("sgd", 0.1), ("momentum", 0.05), ("adam", 0.05)])
def test_minibatch_training_finds_the_minimum(rule, lr):
    batch, full, w_true, m = _least_squares()
    seen = []
    res = minibatch_train(batch, full, np.zeros(3), m, rule, batch_size=16, epochs=40, learning_rate=lr,
                          callback=seen.append)
    assert np.allclose(res.params, w_true, atol=1e-2)
    assert len(seen) == 41  # the start, then one record per epoch
    assert seen[0].step == 0 and seen[0].cost == pytest.approx(full(np.zeros(3)))
    assert seen[-1].epoch == pytest.approx(40.0) and seen[-1].step == 40 * 8
    assert all(b.seconds >= a.seconds for a, b in itertools.pairwise(seen))


def test_every_example_is_visited_once_per_epoch():
    rows_seen = []

    def batch(w, rows):
        rows_seen.append(rows.copy())
        return 0.0, np.zeros_like(w)

    minibatch_train(batch, lambda w: 0.0, np.zeros(1), 10, "sgd", batch_size=4, epochs=2)
    assert len(rows_seen) == 6
    assert sorted(np.concatenate(rows_seen[:3]).tolist()) == list(range(10))
    assert sorted(np.concatenate(rows_seen[3:]).tolist()) == list(range(10))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow is the point
def test_divergence_stops_the_run_and_is_reported():
    batch, full, _, m = _least_squares()
    res = minibatch_train(batch, full, np.zeros(3), m, "sgd", batch_size=m, epochs=500, learning_rate=5.0)
    assert res.stopped_early
    assert first_nonfinite(res.costs) == len(res.costs) - 1
    assert res.costs[1] > res.costs[0]  # it rose before it broke


def test_callback_stops_and_bad_rule_is_named():
    batch, full, _, m = _least_squares()
    res = minibatch_train(batch, full, np.zeros(3), m, callback=lambda r: r.step >= 8, batch_size=16, epochs=10)
    assert res.stopped_early and res.history[-1].step == 8
    with pytest.raises(ValueError, match="rmsprop"):
        minibatch_train(batch, full, np.zeros(3), m, "rmsprop")
    assert first_nonfinite([1.0, 2.0]) is None
