"""Activations and their derivatives, against DESIGN.md's figures and calculus."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tutor.core import get_activation, sigmoid, sigmoid_gradient, tanh, tanh_gradient


def test_sigmoid_gradient_matches_the_design_table():
    # DESIGN.md: g'(z) at -1, -0.5, 0, 0.5, 1, to 6 decimals.
    z = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    expected = [0.196612, 0.235004, 0.250000, 0.235004, 0.196612]
    assert np.round(sigmoid_gradient(z), 6).tolist() == expected


def test_sigmoid_gradient_is_exactly_a_quarter_at_zero():
    assert sigmoid_gradient(0.0) == 0.25


def test_sigmoid_against_the_formula_and_at_extremes():
    z = np.linspace(-6, 6, 13)
    assert np.allclose(sigmoid(z), [1 / (1 + math.exp(-v)) for v in z], rtol=0, atol=1e-15)
    # Far out it must saturate, not overflow to nan.
    with np.errstate(all="raise"):
        out = sigmoid(np.array([-800.0, 800.0]))
    assert out.tolist() == [0.0, 1.0]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_agrees_with_scipy_expit_to_a_few_ulp_at_both_tails(dtype):
    from scipy.special import expit

    z = np.concatenate([np.linspace(-120, 120, 48001), np.linspace(-745, 745, 3001)]).astype(dtype)
    ours, ref = sigmoid(z), expit(z)
    assert ours.dtype == dtype  # float32 stays float32
    normal = ref > np.finfo(dtype).tiny
    rel = np.abs(ours[normal] - ref[normal]) / ref[normal]
    assert rel.max() <= 3 * np.finfo(dtype).eps  # relative, so the far negative tail counts as much as z = 0
    assert np.abs(ours - ref).max() <= np.finfo(dtype).eps
    assert np.all(ours[ref == 1.0] == 1.0)  # large positive z saturates to exactly 1


def test_sigmoid_of_integers_is_that_of_the_same_floats_to_the_last_bit():
    # The checker names a mistake only when its variant (which casts to float)
    # reproduces the learner's output exactly, whatever dtype the learner passed.
    z = np.array([[1, -2], [30, -800]])
    assert np.array_equal(sigmoid(z), sigmoid(z.astype(float)))
    assert sigmoid([0, 1]).tolist() == sigmoid(np.array([0.0, 1.0])).tolist()
    assert isinstance(sigmoid(2), np.float64) and sigmoid(2) == sigmoid(np.array([2.0]))[0]
    big = np.arange(-300, 300).reshape(20, 30)  # 600 entries: the ufunc path
    assert np.array_equal(sigmoid(big), sigmoid(big.astype(float)))


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_derivatives_agree_with_central_differences(name):
    g, g_prime, g_prime_of_a = get_activation(name)
    z = np.linspace(-3, 3, 25).reshape(5, 5)
    e = 1e-6
    numeric = (g(z + e) - g(z - e)) / (2 * e)
    assert np.allclose(g_prime(z), numeric, atol=1e-9)
    # The form written in terms of a = g(z) is the same function.
    assert np.allclose(g_prime_of_a(g(z)), g_prime(z), atol=1e-15)


def test_tanh_pair():
    z = np.array([-2.0, 0.0, 0.7])
    assert np.allclose(tanh(z), np.tanh(z))
    assert np.allclose(tanh_gradient(z), [1 - math.tanh(v) ** 2 for v in z])
    assert tanh_gradient(0.0) == 1.0


def test_shapes_are_kept():
    z = np.zeros((3, 4, 2))
    assert sigmoid(z).shape == z.shape
    assert sigmoid_gradient(z).shape == z.shape


def test_unknown_activation_names_the_known_ones():
    with pytest.raises(ValueError, match="relu.*sigmoid, tanh"):
        get_activation("relu")
