"""The cost: DESIGN.md's figures, the course grader fixture, and its parts."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.io

from tutor.core import (
    cross_entropy,
    cross_entropy_from_z,
    feedforward,
    nn_cost,
    nn_cost_function,
    one_hot,
    regularization,
    unroll,
)

# ---------------------------------------------------------------- grader fixture
# Sizes 2-4-4, m = 16. Everything filled column-major, as the course does.
GRADER_SIZES = (2, 4, 4)
# Pinned from the plain-Python computation below (`_grader_cost_by_hand`);
# the test recomputes it too, so a change to either side is caught.
GRADER_J_LAMBDA_0 = 3.08745
GRADER_J_LAMBDA_1_5 = 3.64704


def _grader_lists():
    """The fixture as plain Python lists (no numpy), column-major fills."""
    m = 16
    xs = [math.sin(k) / 5 for k in range(1, 33)]
    X = [[xs[i + 16 * j] for j in range(2)] for i in range(m)]
    y = [i % 4 for i in range(1, 17)]  # 0-based class indices 1, 2, 3, 0, ...
    t1 = [math.sin(k) for k in range(1, 24, 2)]
    Theta1 = [[t1[r + 4 * c] for c in range(3)] for r in range(4)]
    t2 = [math.cos(k) for k in range(1, 40, 2)]
    Theta2 = [[t2[r + 4 * c] for c in range(5)] for r in range(4)]
    return X, y, Theta1, Theta2


def _grader_cost_by_hand(lam):
    """J written as the formula, one example and one class at a time."""
    X, y, Theta1, Theta2 = _grader_lists()
    m = len(X)

    def g(v):
        return 1.0 / (1.0 + math.exp(-v))

    total = 0.0
    for x, label in zip(X, y):
        a1 = [1.0] + x
        a2 = [1.0] + [g(sum(w * a for w, a in zip(row, a1))) for row in Theta1]
        h = [g(sum(w * a for w, a in zip(row, a2))) for row in Theta2]
        for k, hk in enumerate(h):
            yk = 1.0 if label == k else 0.0
            total += -yk * math.log(hk) - (1.0 - yk) * math.log(1.0 - hk)
    squares = sum(w * w for T in (Theta1, Theta2) for row in T for w in row[1:])
    return total / m + lam / (2 * m) * squares


def _grader_arrays():
    X = (np.sin(np.arange(1, 33)) / 5).reshape(16, 2, order="F")
    y = np.arange(1, 17) % 4
    Theta1 = np.sin(np.arange(1, 24, 2)).reshape(4, 3, order="F")
    Theta2 = np.cos(np.arange(1, 40, 2)).reshape(4, 5, order="F")
    return X, y, [Theta1, Theta2]


@pytest.mark.parametrize("lam, pinned", [(0.0, GRADER_J_LAMBDA_0), (1.5, GRADER_J_LAMBDA_1_5)])
def test_grader_fixture_by_hand_matches_the_pinned_value(lam, pinned):
    assert round(_grader_cost_by_hand(lam), 5) == pinned


@pytest.mark.parametrize("lam, pinned", [(0.0, GRADER_J_LAMBDA_0), (1.5, GRADER_J_LAMBDA_1_5)])
def test_grader_fixture_core_agrees(lam, pinned):
    X, y, thetas = _grader_arrays()
    J, grad = nn_cost_function(unroll(thetas), GRADER_SIZES, X, y, lam)
    assert round(J, 5) == pinned
    assert J == pytest.approx(_grader_cost_by_hand(lam), abs=1e-12)
    assert nn_cost(thetas, X, y, lam) == pytest.approx(J, abs=1e-12)
    assert grad.shape == (32,)


# ---------------------------------------------------------------- course weights
@pytest.fixture
def course_thetas(ex4_weights_path):
    mat = scipy.io.loadmat(ex4_weights_path)
    return [mat["Theta1"].astype(float), mat["Theta2"].astype(float)]


def test_course_weights_regularization_per_unit_lambda(course_thetas):
    assert [T.shape for T in course_thetas] == [(25, 401), (10, 26)]
    assert round(regularization(course_thetas, 1.0, 5000), 7) == 0.0961407


def test_course_weights_cost_differences_for_any_X(course_thetas):
    rng = np.random.default_rng(4)
    X = rng.random((5000, 400))
    y = rng.integers(0, 10, 5000)
    p = unroll(course_thetas)
    J0, _ = nn_cost_function(p, (400, 25, 10), X, y, 0.0)
    J1, _ = nn_cost_function(p, (400, 25, 10), X, y, 1.0)
    J3, _ = nn_cost_function(p, (400, 25, 10), X, y, 3.0)
    assert round(J1 - J0, 6) == 0.096141
    assert round(J3 - J0, 6) == 0.288422


# ---------------------------------------------------------------- the parts
def test_cost_from_h_equals_cost_from_z():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((30, 4)) * 3
    Y = one_hot(rng.integers(0, 4, 30), 4)
    h = 1 / (1 + np.exp(-z))
    assert cross_entropy(h, Y) == pytest.approx(cross_entropy_from_z(z, Y), abs=1e-12)


def test_cost_from_z_stays_finite_when_h_saturates():
    z = np.array([[40.0, -40.0]])
    Y = np.array([[0.0, 1.0]])  # confidently wrong on both outputs
    assert cross_entropy_from_z(z, Y) == pytest.approx(80.0, rel=1e-12)


def test_one_hot():
    assert one_hot(np.array([2, 0, 1]), 3).tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    assert one_hot(np.array([1, 0]), 1).tolist() == [[1.0], [0.0]]


def test_regularization_skips_the_bias_column():
    T = np.array([[100.0, 1.0, 2.0], [-50.0, 3.0, 0.0]])
    assert regularization([T], 2.0, 4) == pytest.approx(2.0 / 8 * (1 + 4 + 9))
    assert regularization([T], 0.0, 4) == 0.0


def test_nn_cost_matches_the_formula_on_a_forward_pass():
    rng = np.random.default_rng(3)
    thetas = [rng.standard_normal((3, 5)), rng.standard_normal((2, 4))]
    X = rng.standard_normal((6, 4))
    y = rng.integers(0, 2, 6)
    h = feedforward(thetas, X).h
    Y = one_hot(y, 2)
    by_formula = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / 6
    assert nn_cost(thetas, X, y, 0.0) == pytest.approx(by_formula, abs=1e-12)


def test_softplus_sum_equals_log_one_plus_exp_written_out():
    # The stable form (max(z, 0) + log1p(e^-|z|)) against the formula on values
    # where the formula itself is exact in float64, and against logaddexp far out.
    from tutor.core.cost import softplus_sum

    z = np.linspace(-30, 30, 601).reshape(601, 1)
    assert softplus_sum(z) == pytest.approx(sum(math.log1p(math.exp(v)) for v in z.ravel()), rel=1e-13)
    far = np.array([[-800.0, 800.0, 0.0, 1e-300, -745.0, 710.0]])
    assert softplus_sum(far) == pytest.approx(800.0 + 2 * math.log(2) + 710.0, rel=1e-15)  # 0 and 1e-300: log 2 each
    rng = np.random.default_rng(3)
    wide = rng.normal(size=(200, 10)) * 40
    assert softplus_sum(wide) == pytest.approx(float(np.logaddexp(0.0, wide).sum()), rel=1e-14)
