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


def test_sigmoid_is_one_formula_at_every_size():
    # A value must not depend on the size of the array it sits in (a lesson shows
    # one example's a2 next to row t of the whole A2).
    rng = np.random.default_rng(4)
    for dtype in (np.float64, np.float32):
        big = (rng.standard_normal(3000) * 30).astype(dtype)
        whole = sigmoid(big)
        for start, stop in ((0, 1), (5, 31), (100, 611)):
            assert np.array_equal(sigmoid(big[start:stop]), whole[start:stop]), (dtype, stop - start)
        assert sigmoid(big[7]) == whole[7] and isinstance(sigmoid(big[7]), np.generic)
    out = np.empty(26)
    z = rng.standard_normal(26)
    assert sigmoid(z, out=out) is out and np.array_equal(out, sigmoid(z))


def test_sigmoid_and_the_per_example_loop_need_nothing_but_numpy():
    # scipy.special (expit) and scipy.linalg (dger) cost 0.1 s or more to import,
    # more than a lesson's whole per-example loop.
    import subprocess
    import sys

    probe = (
        "import sys, numpy as np\n"
        "from tutor.core import backprop_loop, initialize_params, reshape_params, sigmoid\n"
        "sigmoid(np.zeros(3)); sigmoid(0.5); sigmoid(np.zeros((600, 2), np.float32))\n"
        "th = reshape_params(initialize_params((4, 3, 2), 'uniform', epsilon=0.5, seed=0), (4, 3, 2))\n"
        "backprop_loop(th, np.ones((5, 4)), np.arange(5) % 2, 0.5)\n"
        "print(sorted(m for m in sys.modules if m == 'scipy' or m.startswith('scipy.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
