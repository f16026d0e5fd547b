"""The safe evaluator behind type-along steps: hostile input refused fast, right answers in any form accepted,
wrong ones explained."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tutor.lessons.expression import (
    MAX_ELEMENTS,
    ExpressionError,
    Mistake,
    ShapeError,
    diagnose,
    evaluate,
    same,
    swapped_axis_variants,
)

RNG = np.random.default_rng(0)
_X = RNG.random((50, 5))
NAMES = {
    "a1": np.hstack([np.ones((50, 1)), _X]),
    "X": _X,
    "Theta1": RNG.standard_normal((4, 6)),
    "thetas": [RNG.standard_normal((4, 6)), RNG.standard_normal((3, 5))],
    "m": 50,
}


def refused(text: str, names=NAMES) -> ExpressionError:
    """The expression is refused with a message, within a fraction of a second."""
    t0 = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        evaluate(text, names)
    assert time.perf_counter() - t0 < 0.5, f"{text!r} took {time.perf_counter() - t0:.2f} s to refuse"
    assert info.value.message and "\n" not in info.value.message
    return info.value


@pytest.mark.parametrize("text, blamed", [
    ("().__class__", "().__class__"),
    ("X.__class__.__bases__", "X.__class__"),
    ("(1).__class__.__subclasses__()", "__class__"),
    ("np.lib", "np.lib"),
    ("np.lib.stride_tricks.as_strided(X, (10**6, 10**6), (0, 0))", "np.lib"),
    ("np.load('x.npy')", "np.load"),
    ("np.fromfile('/etc/passwd')", "np.fromfile"),
    ("__import__('os').system('true')", "__import__"),
    ("open('/etc/passwd')", "open"),
    ("getattr(X, 'T')", "getattr"),
    ("np.linalg.inv(X)", "np.linalg.inv"),
    ("X.tofile('/tmp/x')", "X.tofile"),
    ("X.fill(0)", "X.fill"),
    ("lambda: 1", "lambda: 1"),
    ("[x for x in X]", "[x for x in X]"),
    ("f'{X}'", "f'{X}'"),
    ("(y := 1)", "y := 1"),
    ("np.sum(*[X])", "*[X]"),
    ("np.sum(X, **{'axis': 0})", "**{'axis': 0}"),
    ("np.zeros(3, dtype=object)", "dtype=object"),
    ("'text'", "'text'"),
    ("X if 1 else X", "X if 1 else X"),
])
def test_escapes_are_refused_and_the_message_names_the_part(text, blamed):
    err = refused(text)
    assert blamed in err.message, err.message


@pytest.mark.parametrize("text", [
    "np.ones((10**5, 10**5))",
    "np.zeros(10**9)",
    "np.eye(10**5)",
    "np.arange(1e10)",
    "np.linspace(0, 1, 10**9)",
    "np.outer(np.arange(10**4), np.arange(10**4))",
    "np.tile(X, (10**4, 10**3))",
    "X[:, :, None] * np.ones((1, 1, 10**6))",
])
def test_huge_allocations_are_refused_before_allocating(text):
    err = refused(text)
    assert "limited to" in err.message and f"{MAX_ELEMENTS:,}" in err.message


@pytest.mark.parametrize("text, words", [
    ("10**10**10", "exponents are limited"),
    ("2**100000", "exponents are limited"),
    ("(2**200)**200", "too large"),
    ("9" * 350, "too large"),
    ("-" * 100 + "1", "nested more than"),
    ("+".join(["X"] * 60), "nested more than"),
    ("X" * 401, "characters long"),
    ("np.sum(" * 45 + "X" + ")" * 45, "nested more than"),
    ("1/0", "divides by zero"),
])
def test_huge_numbers_deep_nesting_and_long_input_are_refused(text, words):
    assert words in refused(text).message


def test_a_slow_expression_is_stopped_by_the_deadline():
    # each product is allowed; together they pass the (shortened) time limit
    names = {"A": RNG.random((300, 300))}
    text = " + ".join(["A @ A"] * 30)
    t0 = time.perf_counter()
    with pytest.raises(ExpressionError, match="longer than"):
        evaluate(text, names, time_limit=0.001)
    assert time.perf_counter() - t0 < 1.0


def test_right_answers_in_other_forms_are_accepted():
    expected = evaluate("a1 @ Theta1.T", NAMES)
    for other in ["(Theta1 @ a1.T).T", "np.dot(a1, Theta1.T)", "np.matmul(a1, np.transpose(Theta1))",
                  "a1[:, :1] * Theta1[:, 0] + X @ Theta1[:, 1:].T"]:
        assert same(evaluate(other, NAMES), expected), other
    unrolled = evaluate("np.concatenate([thetas[0].ravel(), thetas[1].ravel()])", NAMES)
    assert same(evaluate("np.hstack([thetas[0].flatten(), thetas[1].reshape(-1)])", NAMES), unrolled)


def test_values_match_numpy_computed_independently():
    X, a1, T = NAMES["X"], NAMES["a1"], NAMES["Theta1"]
    np.testing.assert_allclose(evaluate("np.mean(np.argmax(a1 @ Theta1.T, axis=1) == 2) * 100", NAMES),
                               np.mean(np.argmax(a1 @ T.T, axis=1) == 2) * 100)
    np.testing.assert_allclose(evaluate("X.sum(axis=0) / m", NAMES), X.sum(axis=0) / 50)
    np.testing.assert_allclose(evaluate("np.linalg.norm(X - 1) / np.linalg.norm(X + 1)", NAMES),
                               np.linalg.norm(X - 1) / np.linalg.norm(X + 1))
    assert evaluate("a1[:, 1:].shape", NAMES).tolist() == [50, 5]


def test_evaluating_never_changes_the_lesson_values():
    before = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in NAMES.items()}
    evaluate("X.T.ravel()", NAMES)
    evaluate("-X", NAMES)
    np.testing.assert_array_equal(NAMES["X"], before["X"])


def test_a_shape_error_names_both_shapes_and_the_sizes():
    with pytest.raises(ShapeError) as info:
        evaluate("Theta1 @ a1", NAMES)
    msg = info.value.message
    assert "4 x 6" in msg and "50 x 6" in msg and "(6)" in msg and "(50)" in msg
    with pytest.raises(ShapeError) as info:
        evaluate("X * Theta1", NAMES)
    assert "50 x 5" in info.value.message and "4 x 6" in info.value.message and "5 and 6" in info.value.message


def test_joining_matrices_without_unrolling_is_explained():
    with pytest.raises(ShapeError, match=r"4 x 6 and 3 x 5.*\.ravel\(\)"):
        evaluate("np.concatenate([thetas[0], thetas[1]])", NAMES)


def test_unknown_names_suggest_the_close_one():
    err = refused("Theta")
    assert "Theta1" in err.message


# -- diagnosis --------------------------------------------------------------------------

E = RNG.random((6, 4))


@pytest.mark.parametrize("value, words", [
    (E.T, "transposed"),
    (E[:, 1:], "Missing the leading column"),
    (np.hstack([np.ones((6, 1)), E]), "One column too many"),
    (E / 6, "m = 6 times too small"),
    (E * 3, "K = 3 times too large"),
    (E * 6 / 3, "divided by K = 3 where m = 6 belongs"),
    (-E, "wrong sign"),
    (E + 0.5, "differ by up to 0.5"),
    (E.ravel(), "wrong arrangement"),
    (np.zeros((2, 2)), "Your result is 2 x 2; the answer is 6 x 4"),
])
def test_generic_mistakes_are_named(value, words):
    said = diagnose(value, E, sizes={"m": 6, "K": 3})
    assert said is not None and words in said, said


def test_declared_mistakes_come_first_and_right_is_none():
    mistake = Mistake("E.T", "rows and columns swapped, as declared")
    assert diagnose(E.T, E, mistakes=[(mistake, E.T)]) == mistake.message
    assert diagnose(E * (1 + 1e-9), E) is None


def test_tiny_answers_are_compared_relative_to_their_size():
    # a relative difference of 1e-11 must not match 2e-11 because both are "near 0"
    assert not same(2e-11, 1e-11)
    assert same(1e-11 * (1 + 1e-9), 1e-11)


def test_axis_variants_swap_zero_and_one():
    variants = swapped_axis_variants("np.sum(X, axis=0) + X.mean(axis=1).sum()")
    assert [w for _, w in variants] == ["axis=0", "axis=1"]
    assert "axis=1" in variants[0][0] and "axis=0" in variants[1][0]
