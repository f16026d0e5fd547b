"""Type-along expressions cannot change the lesson or the machine (issue 23, section 3).

Each attack of the issue is tried: output arrays passed positionally, size guards skipped by array arguments,
broadcasts without a guard, one slow call, many allowed calls that add up. Then every allowed numpy function and
array method is called on writable arrays with every argument pattern it admits, and must leave them unchanged:
a method that writes (`sort`) slipped into the allow-list fails here.
"""

from __future__ import annotations

import itertools
import time
import tracemalloc

import numpy as np
import pytest

from tutor.lessons.expression.allowed import (
    ARRAY_METHODS,
    LINALG_FUNCTIONS,
    NUMPY_FUNCTIONS,
)
from tutor.lessons.expression.evaluator import evaluate
from tutor.lessons.expression.limits import MAX_TOTAL_ELEMENTS, ExpressionError

RNG = np.random.default_rng(3)


def lesson_values() -> dict:
    x = RNG.random((40, 5))
    return {"a1": np.hstack([np.ones((40, 1)), x]), "X": x, "Theta1": RNG.standard_normal((4, 6)),
            "thetas": [RNG.standard_normal((4, 6)), RNG.standard_normal((3, 5))], "m": 40}


def snapshot(names: dict) -> dict:
    return {k: ([a.copy() for a in v] if isinstance(v, list) else v.copy() if isinstance(v, np.ndarray) else v)
            for k, v in names.items()}


def assert_unchanged(names: dict, before: dict) -> None:
    for k, v in names.items():
        if isinstance(v, list):
            for a, b in zip(v, before[k]):
                np.testing.assert_array_equal(a, b, err_msg=k)
        else:
            np.testing.assert_array_equal(v, before[k], err_msg=k)


def refused_within(text: str, names: dict, seconds: float = 0.5, peak_mb: float = 60) -> ExpressionError:
    """Refused with a one-line message, quickly, and without allocating more than `peak_mb` on the way."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(ExpressionError) as info:
            evaluate(text, names)
        took = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert took < seconds, f"{text!r} took {took:.2f} s to refuse"
    assert peak < peak_mb * 2**20, f"{text!r} allocated {peak / 2**20:.0f} MB before it was refused"
    assert info.value.message and "\n" not in info.value.message
    return info.value


@pytest.mark.parametrize("text", [
    "np.clip(a1, 0, 0, a1)",
    "np.maximum(a1, 0, a1)",
    "a1.round(0, a1)",
    "np.add(X, 1, X)",
    "np.exp(thetas[0], thetas[0])",
    "np.cumsum(X, 0, None, X)",
    "X.sum(0, None, X[0])",
])
def test_an_output_array_in_an_argument_is_refused_and_writes_nothing(text):
    names = lesson_values()
    before = snapshot(names)
    err = refused_within(text, names)
    assert "at most" in err.message
    assert_unchanged(names, before)


@pytest.mark.parametrize("text", ["X.sort()", "X.fill(0)", "X.put(0, 1)", "X.resize(3)", "X.itemset(0, 1)",
                                  "X.partition(1)", "X.setflags(write=True)", "X.byteswap(True)"])
def test_methods_that_write_are_not_in_the_allow_list(text):
    names = lesson_values()
    before = snapshot(names)
    err = refused_within(text, names)
    assert "is not one of the array methods" in err.message or "keyword" in err.message, err.message
    assert_unchanged(names, before)


def test_even_a_function_that_writes_cannot_reach_the_lesson_values():
    # A course's own function that writes into its argument (a bug) fails instead of changing the lesson.
    def scribble(z):
        z[...] = 0
        return z

    names = lesson_values()
    before = snapshot(names)
    with pytest.raises(ExpressionError):
        evaluate("scribble(X)", names, functions={"scribble": scribble})
    assert_unchanged(names, before)


def test_the_result_is_the_learners_own_array_not_a_view_of_the_lesson():
    names = lesson_values()
    before = snapshot(names)
    out = evaluate("X[:, 1:]", names)
    assert out.flags.writeable and not np.shares_memory(out, names["X"])
    out[...] = -1
    assert_unchanged(names, before)


@pytest.mark.parametrize("text", [
    "np.arange(np.array(3e8))",
    "np.arange(0, np.array(3e8), np.array(1))",
    "np.linspace(0, 1, np.array(10**9))",
    "np.ones(np.array(10**9))",
    "np.allclose(np.ones(9000), np.ones((9000, 1)))",
    "np.isclose(np.ones(9000), np.ones((9000, 1)))",
    "np.where(np.ones(9000) > 0, np.ones((9000, 1)), 0)",
    "np.clip(np.ones(9000), np.ones((9000, 1)), 1)",
    "np.add(np.ones(9000), np.ones((9000, 1)))",
    "np.exp([B, B, B, B])",
    "np.array([B, B, B, B])",
    "np.concatenate([B, B, B, B])",
])
def test_sizes_are_bounded_for_array_arguments_and_broadcasts(text):
    names = {"B": np.ones((1000, 2000))}  # 2 million numbers: allowed on its own
    err = refused_within(text, names)
    assert "limited to" in err.message or "takes single numbers" in err.message, err.message


@pytest.mark.parametrize("text", ["np.linalg.norm(A, 2)", "np.linalg.norm(A, -2)", "np.linalg.norm(A, ord=2)",
                                  "np.linalg.norm(np.ones((2449, 2449)), 2)"])
def test_one_slow_call_is_refused_before_it_runs(text):
    names = {"A": RNG.random((2449, 2449))}  # its 2-norm is an SVD: 35 s when it was allowed to run
    err = refused_within(text, names, peak_mb=80)
    assert "allowance of computation" in err.message


def test_cheap_norms_of_the_same_matrix_still_work():
    a = RNG.random((2449, 2449))
    t0 = time.perf_counter()
    assert evaluate("np.linalg.norm(A)", {"A": a}) == pytest.approx(np.linalg.norm(a))
    assert evaluate("np.linalg.norm(A, 1)", {"A": a}) == pytest.approx(np.linalg.norm(a, 1))
    assert time.perf_counter() - t0 < 1.0
    small = a[:300, :200]
    assert evaluate("np.linalg.norm(S, 2)", {"S": small}) == pytest.approx(np.linalg.norm(small, 2))


@pytest.mark.parametrize("text, words", [
    (" + ".join(["np.exp(B)"] * 25), "numbers in all"),  # each allowed; together 100 million numbers
    (" + ".join(["np.linalg.norm(B[:700, :700], 2)"] * 3), "allowance of computation"),  # little memory
    ("np.sum(" + " + ".join(["B * B"] * 12) + ")", "numbers in all"),
])
def test_many_allowed_steps_are_bounded_as_a_whole(text, words):
    names = {"B": RNG.random((2000, 1000))}
    err = refused_within(text, names, seconds=2.0, peak_mb=400)
    assert words in err.message, err.message
    assert f"{MAX_TOTAL_ELEMENTS:,}" in err.message or "computation" in err.message


def test_the_course_sized_answers_still_fit_the_budget():
    # the course's own type-along answers on the digits' sizes (a1 is 5000 x 401): well inside the budget
    names = {"a1": RNG.random((5000, 401)), "Theta1": RNG.random((25, 401)), "Theta2": RNG.random((10, 26)),
             "Y": RNG.random((5000, 10)), "h": RNG.random((5000, 10)) * 0.98 + 0.01, "m": 5000}
    for text in ["a1 @ Theta1.T", "np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h)) / m",
                 "np.concatenate([Theta1.ravel(), Theta2.ravel()])", "np.mean(np.argmax(h, axis=1) == 3) * 100",
                 "(a1[:, 1:] ** 2).sum() + np.sum(a1 * a1) - 2 * np.sum(a1[:, 0] * a1[:, 0])"]:
        evaluate(text, names)


# -- every allowed function and method leaves its inputs unchanged -------------------------------------

def _argument_patterns(max_args: int, pool) -> list[tuple]:
    """Every tuple of up to `max_args` (at most 4) items from `pool`: an output array fits wherever one could."""
    out = [()]
    for k in range(1, min(max_args, 4) + 1):
        out += list(itertools.product(pool, repeat=k))
    return out


def _calls_leave_inputs_unchanged(call, first, pool_factory, max_args):
    """Call with every pattern on fresh writable arrays; return the patterns after which an input had changed."""
    changed = []
    for pattern_len in range(min(max_args, 4) + 1):
        for idx in itertools.product(range(3), repeat=pattern_len):
            a, pool = first(), pool_factory()
            args = tuple(pool[i] for i in idx)
            before = [a.copy()] + [p.copy() if isinstance(p, np.ndarray) else p for p in pool]
            try:
                with np.errstate(all="ignore"):
                    call(a, *args)
            except Exception:  # noqa: BLE001, S110 - a pattern the function refuses is fine; only a write counts
                pass
            after = [a] + list(pool)
            if any(isinstance(x, np.ndarray) and not np.array_equal(x, y, equal_nan=True)
                   for x, y in zip(after, before)):
                changed.append(idx)
    return changed


def _first():
    return np.array([[3.0, -1.0, 2.0, 0.5], [-2.0, 4.0, 1.0, 0.0], [0.25, 7.0, -3.0, 2.0]])


def _pool():
    # a writable array of the same shape (fits any output position), a writable axis-sized array, and 1
    return [np.array([[9.0, 8.0, 7.0, 6.0]] * 3), np.array([5.0, 4.0, 3.0, 2.0]), 1]


@pytest.mark.parametrize("name", sorted(NUMPY_FUNCTIONS))
def test_every_allowed_numpy_function_leaves_its_inputs_unchanged(name):
    func = getattr(np, name)
    changed = _calls_leave_inputs_unchanged(func, _first, _pool, NUMPY_FUNCTIONS[name].max_args - 1)
    assert not changed, f"np.{name} wrote into an input with argument patterns {changed[:3]}"


@pytest.mark.parametrize("name", sorted(LINALG_FUNCTIONS))
def test_every_allowed_linalg_function_leaves_its_inputs_unchanged(name):
    func = getattr(np.linalg, name)
    changed = _calls_leave_inputs_unchanged(func, _first, _pool, LINALG_FUNCTIONS[name].max_args - 1)
    assert not changed, f"np.linalg.{name} wrote into an input with argument patterns {changed[:3]}"


@pytest.mark.parametrize("name", sorted(ARRAY_METHODS))
def test_every_allowed_array_method_leaves_its_array_and_arguments_unchanged(name):
    changed = _calls_leave_inputs_unchanged(lambda a, *args: getattr(a, name)(*args), _first, _pool,
                                            ARRAY_METHODS[name].max_args)
    assert not changed, f".{name}() wrote into an input with argument patterns {changed[:3]}"


@pytest.mark.parametrize("name", sorted(NUMPY_FUNCTIONS))
def test_every_allowed_function_typed_with_lesson_values_changes_none_of_them(name):
    names = {"A": _first(), "B": _pool()[0], "v": _pool()[1]}
    before = snapshot(names)
    n = NUMPY_FUNCTIONS[name].max_args
    for args in _argument_patterns(n, ["A", "B", "v", "1"]):
        try:
            evaluate(f"np.{name}({', '.join(args)})", names)
        except ExpressionError:
            pass
    assert_unchanged(names, before)


def test_a_lesson_survives_the_attacks_typed_at_its_prompt(tmp_path):
    # At a real type-along step: each attack is refused without costing a try, the right answer is then marked
    # right against the lesson's own numbers, and the later check (the bound answer against z2) still passes.
    from test_lessons_steps import typed_session

    from tutor.lessons.runner import play

    attacks = ["np.maximum(a1, 0, a1)", "a1.round(0, a1)", "np.clip(a1, 0, 0, a1)", "np.add(a1, 1, a1)"]
    session, ui = typed_session(tmp_path, ["n", *attacks, "a1 @ Theta1.T", "n", "n"])
    assert play(session) == "completed"
    assert session.quizzes["typed"] == {"right": True, "tries": 1, "revealed": False, "skipped": False}
    text = " ".join(ui.text().split())
    assert "RIGHT a1 @ Theta1.T" in text and "PASS" in text and "FAIL" not in text
    assert sum("takes at most" in m for m in ui.messages) == len(attacks)


def test_a_courses_expression_functions_belong_to_that_course_only(tmp_path):
    # the bundled course registers sigmoid for its typed expressions; a course without a plugin has none, and its
    # lesson that calls sigmoid is told so at load, not run with the other course's function
    from tutor.base.errors import LessonError
    from tutor.base.registry import ENGINE
    from tutor.course import bundled_course, course_vocabulary, load_course
    from tutor.lessons.loader import load_lesson

    bundled = course_vocabulary(bundled_course()).load()
    assert "sigmoid" in bundled.functions and "sigmoid" not in ENGINE.functions
    z = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_allclose(evaluate("sigmoid(z)", {"z": z}, functions=bundled.functions), 1 / (1 + np.exp(-z)))

    course_dir = tmp_path / "plain-course"
    (course_dir / "lessons").mkdir(parents=True)
    (course_dir / "lessons" / "course.yaml").write_text(
        "id: plain-course\ntitle: Plain\nsummary: No plugin.\nlessons: [one]\n", encoding="utf-8")
    (course_dir / "lessons" / "one.yaml").write_text(
        "id: one\ntitle: One\nsummary: A typed sigmoid.\nsetup:\n  arrays:\n    z: {value: [[-1.0, 0.0, 2.0]]}\nsteps:\n"
        "  - id: typed\n    kind: expression\n    question: Squash z.\n    expected: sigmoid(z)\n", encoding="utf-8")
    course = load_course(course_dir / "lessons" / "course.yaml")
    with pytest.raises(LessonError, match="sigmoid"):
        load_lesson(course_dir / "lessons" / "one.yaml", course)
