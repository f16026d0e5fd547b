"""Fuzzing the expression evaluator: whatever a learner types, the tutor answers with a value or a one-line
ExpressionError, quickly; nothing else escapes and the lesson's values are never changed."""

from __future__ import annotations

import time

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.lessons.expression import ExpressionError, evaluate

NAMES = {"A": np.arange(12.0).reshape(3, 4), "B": np.ones((4, 2)), "v": np.arange(4.0), "m": 3}

# pieces a learner (or an attacker) might string together
ATOMS = ["A", "B", "v", "m", "np", "np.sum", "np.linalg.norm", "np.ones", "sigmoid", "0", "1", "2", "10", "-1",
         "1e308", "0.5", "True", "None", "'F'", "__class__", "_x", "lambda", "for", "x", ":=", "import", "os"]
OPS = ["+", "-", "*", "/", "//", "%", "**", "@", "==", "<", ".", ",", ":", "(", ")", "[", "]", " ", "axis=", "=",
       "*", "**", ".T", ".shape", ".ravel()", "[:, 1:]", "{", "}", "'", '"', "\\", "\n"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ATOMS + OPS), min_size=1, max_size=40))
def test_any_typed_text_gives_a_value_or_a_message_quickly(pieces):
    text = "".join(pieces)
    before = NAMES["A"].copy()
    t0 = time.perf_counter()
    try:
        value = evaluate(text, NAMES)
    except ExpressionError as err:
        assert err.message and "\n" not in err.message
    else:
        assert np.size(value) <= 6_000_000
    assert time.perf_counter() - t0 < 2.0, text
    np.testing.assert_array_equal(NAMES["A"], before)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_arbitrary_unicode_never_escapes(text):
    try:
        evaluate(text, NAMES)
    except ExpressionError:
        pass
