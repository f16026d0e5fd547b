"""Unrolling and reshaping the parameter vector (row-major, Theta1 first)."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.core import layer_sizes_of, n_params, reshape_params, theta_shapes, unroll


def test_the_course_network_has_10285_parameters():
    assert n_params([400, 25, 10]) == 25 * 401 + 10 * 26 == 10285
    assert theta_shapes([400, 25, 10]) == [(25, 401), (10, 26)]


def test_round_trip_for_three_and_four_layers():
    rng = np.random.default_rng(0)
    for sizes in ([4, 3, 2], [5, 4, 3, 2]):
        thetas = [rng.standard_normal(s) for s in theta_shapes(sizes)]
        back = reshape_params(unroll(thetas), sizes)
        assert len(back) == len(thetas)
        for a, b in zip(thetas, back):
            assert np.array_equal(a, b)


def test_unrolling_is_row_major_theta1_first():
    T1 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # 2 x (2 + 1)
    T2 = np.array([[7.0, 8.0, 9.0]])  # 1 x (2 + 1)
    assert unroll([T1, T2]).tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    # And back: the first row of Theta1 is params[0:3], not every other entry.
    back = reshape_params(np.arange(1.0, 10.0), [2, 2, 1])
    assert back[0].tolist() == [[1, 2, 3], [4, 5, 6]]
    assert back[1].tolist() == [[7, 8, 9]]


def test_reshape_returns_views_into_the_vector():
    p = np.zeros(n_params([3, 2, 1]))
    thetas = reshape_params(p, [3, 2, 1])
    thetas[1][0, 2] = 5.0
    assert p[-1] == 5.0


def test_wrong_length_is_refused_with_the_expected_count():
    with pytest.raises(ValueError, match="400-25-10 network has 10285 parameters"):
        reshape_params(np.zeros(10284), [400, 25, 10])


def test_layer_sizes_are_recovered_and_checked():
    assert layer_sizes_of([np.zeros((25, 401)), np.zeros((10, 26))]) == [400, 25, 10]
    with pytest.raises(ValueError, match="Theta2"):
        layer_sizes_of([np.zeros((25, 401)), np.zeros((10, 25))])


def test_bad_layer_sizes():
    with pytest.raises(ValueError):
        theta_shapes([400])
    with pytest.raises(ValueError):
        theta_shapes([400, 0, 10])
