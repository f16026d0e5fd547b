"""Two checkers that a wrong answer used to pass: random starting weights, and a J that returns a tuple.

rand-initialize-weights is graded by properties, not cells: a fixed pattern
that stays in range and takes both signs must still fail (it has structure,
and it does not change with the seed). compute_numerical_gradient must
difference the cost only: a J that returns (cost, decoy gradient) catches
code that ignores the tuple and code that hands back J's own gradient.
"""

from __future__ import annotations

import numpy as np
import pytest

from tutor.course import bundled_course
from tutor.courses.backprop.exercises.init_check import across, check_init, structure
from tutor.exercises.catalog import get_exercise
from tutor.exercises.check import check_file

HEAD = "import numpy as np\n\n\ndef rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):\n"


def check(tmp_path, exercise, body):
    path = tmp_path / f"{exercise}.py"
    path.write_text(body)
    return check_file(get_exercise(exercise, bundled_course()), path, isolation="off")


@pytest.mark.parametrize("body", [
    "    return np.random.default_rng(rng).uniform(-epsilon, epsilon, size=(L_out, 1 + L_in))\n",
    "    return np.random.uniform(-epsilon, epsilon, (L_out, 1 + L_in))\n",  # ignores the seed: still random
    "    return (np.random.default_rng(rng).random((L_out, 1 + L_in)) * 2 - 1) * epsilon\n",
], ids=["default-rng", "global-random", "scaled-random"])
def test_random_draws_pass(tmp_path, body):
    result = check(tmp_path, "rand-initialize-weights", HEAD + body)
    assert result.passed, [t.message for t in result.tests]


def test_a_fixed_cosine_pattern_fails(tmp_path):
    # In range, both signs, mean near 0, no two rows alike: what the old checker gave full marks.
    body = ("    i = np.arange(L_out * (1 + L_in)).reshape(L_out, 1 + L_in)\n"
            "    return epsilon * np.cos(1.7 * i + 0.3)\n")
    result = check(tmp_path, "rand-initialize-weights", HEAD + body)
    assert not result.passed
    big = result.tests[0]  # 64 -> 25: large enough for the structure tests
    assert not big.passed and "correlated" in big.message
    seeds = next(t for t in result.tests if "another seed" in t.name)
    assert not seeds.passed and "exactly those of test 2" in seeds.message and "rng=1 there, rng=7 here" in seeds.message


def test_a_golden_ratio_sequence_passes_the_statistics_but_not_the_seeds(tmp_path):
    # A low-discrepancy sequence: evenly spread and nearly uncorrelated, but the same for every seed.
    body = ("    k = np.arange(1, L_out * (1 + L_in) + 1)\n"
            "    u = (k * 0.6180339887498949 * 7919) % 1.0\n"
            "    return (2 * u - 1).reshape(L_out, 1 + L_in) * epsilon\n")
    result = check(tmp_path, "rand-initialize-weights", HEAD + body)
    seeds = next(t for t in result.tests if "another seed" in t.name)
    assert not seeds.passed and "different seeds must give different draws" in seeds.message


def test_the_structure_test_is_rarely_wrong_about_a_real_draw():
    # 300 honest draws of the largest test's size: none is called a pattern.
    rng = np.random.default_rng(123)
    flagged = [structure(rng.uniform(-0.12, 0.12, size=(25, 65)), 0.12) for _ in range(300)]
    assert flagged == [None] * 300
    # A sorted draw is the same numbers with a pattern: caught.
    W = np.sort(rng.uniform(-0.12, 0.12, size=(25, 65)), axis=None).reshape(25, 65)
    assert "correlated" in structure(W, 0.12)
    # Uniform in a narrower band, shuffled: no correlation, but not spread over the range.
    narrow = rng.uniform(-0.12, 0.0, size=(25, 65)) * np.where(rng.random((25, 65)) < 0.5, 1, -0.5)
    assert "not spread evenly" in structure(narrow, 0.12)


def test_across_names_only_a_repeat_under_another_seed():
    W = np.random.default_rng(0).uniform(-0.12, 0.12, (5, 4))
    V = np.random.default_rng(7).uniform(-0.12, 0.12, (5, 4))
    args = [[3, 5, 0.12, 1], [3, 5, 0.12, 7], [3, 5, 0.12, 1], [4, 5, 0.12, 7]]
    assert across(args, [W, V, W, V]) == {}  # the same seed may repeat its draw; other sizes are not compared
    flagged = across(args, [W, W, W, W])
    assert sorted(flagged) == [1, 2]
    assert "exactly those of test 1" in flagged[1] and "exactly those of test 2" in flagged[2]
    assert across(args, [W, W + 1e-3, None, W]) == {}
    assert check_init.across is across


CUBIC_HEAD = "import numpy as np\n\n\ndef compute_numerical_gradient(J, theta, e=1e-4):\n"
RIGHT_NUM = ("    num = np.zeros_like(theta, dtype=float)\n    for i in range(theta.size):\n"
             "        u = np.zeros_like(theta, dtype=float)\n        u[i] = e\n"
             "        plus, minus = J(theta + u), J(theta - u)\n"
             "        plus = plus[0] if isinstance(plus, tuple) else plus\n"
             "        minus = minus[0] if isinstance(minus, tuple) else minus\n"
             "        num[i] = (plus - minus) / (2 * e)\n    return num\n")


def test_the_tuple_test_passes_code_that_takes_the_cost(tmp_path):
    result = check(tmp_path, "numerical-gradient", CUBIC_HEAD + RIGHT_NUM)
    assert result.passed, [t.message for t in result.tests]


@pytest.mark.parametrize("body", [
    # Ignores the tuple: right for a J that returns a number, a TypeError for (cost, grad).
    "    num = np.zeros_like(theta, dtype=float)\n    for i in range(theta.size):\n"
    "        u = np.zeros_like(theta, dtype=float)\n        u[i] = e\n"
    "        num[i] = (J(theta + u) - J(theta - u)) / (2 * e)\n    return num\n",
    # Hands back J's own gradient when there is one.
    "    out = J(theta)\n    if isinstance(out, tuple):\n        return np.asarray(out[1], dtype=float)\n"
    + RIGHT_NUM,
], ids=["ignores-the-tuple", "returns-Js-gradient"])
def test_the_tuple_test_fails_code_that_does_not(tmp_path, body):
    result = check(tmp_path, "numerical-gradient", CUBIC_HEAD + body)
    by_name = {t.name: t for t in result.tests}
    assert not by_name["a J that returns (cost, a decoy gradient)"].passed
    assert by_name["a cubic function, 6 parameters"].passed  # a plain J still works: only the tuple is caught
