"""The engine's mistake families (tutor/exercises/families.py, found by diagnose.find_families).

Two kinds of test. Small made-up exercises (no course) show each rule on a
learner function written the way a learner would slip: the family is named
when, and only when, the changed reference reproduces the learner on every
test, and its words say what the learner's value is. Then the held-out
catalogue (tests/backprop/catalogue_heldout, written before the families)
goes through the real checker: the goal of issue 23 is at least 75% of its
nameable wrong answers named, and not one wrong name.
"""

from __future__ import annotations

import copy
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tutor.exercises import diagnose
from tutor.exercises.diagnose import MAX_RUNS, find_families, name_mistakes
from tutor.exercises.families import FAMILIES, rules
from tutor.exercises.recipes import change_input, parse_recipe, variant_of


def made_up(reference, params, returns=("out",), check=None, checker="compare"):
    return SimpleNamespace(reference=reference, params=tuple(params), returns=tuple(returns),
                           check=tuple(check or returns), checker=checker, rtol=1e-6, atol=1e-9)


def run(fn, cases):
    """What the checker's parent holds: outputs (None where it raised) and error dicts."""
    outs, errs = [], []
    for args in cases:
        try:
            outs.append(fn(*copy.deepcopy(args)))
            errs.append(None)
        except Exception as e:  # noqa: BLE001 - a learner's error is data here
            outs.append(None)
            errs.append({"type": type(e).__name__, "message": str(e)})
    return outs, errs


def families_for(ex, wrong, cases):
    expected = [ex.reference(*copy.deepcopy(a)) for a in cases]
    outs, errs = run(wrong, cases)
    return find_families(ex, cases, expected, outs, errors=errs)


# -- a ridge-regression cost: (J, grad), none of the bundled course's words -------------------


def ridge(w, X, y, lam):
    m = X.shape[0]
    r = X @ w - y
    J = r @ r / (2 * m) + lam / (2 * m) * (w[1:] @ w[1:])
    grad = X.T @ r / m + lam / m * np.concatenate([[0.0], w[1:]])
    return J, grad


def ridge_cases():
    rng = np.random.default_rng(4)
    out = []
    for m, lam in [(6, 2.0), (9, 0.5), (7, 3.0)]:
        X = np.column_stack([np.ones(m), rng.normal(size=(m, 2))])
        out.append([rng.normal(size=3), X, rng.normal(size=m), lam])
    return out


RIDGE = made_up(ridge, ["w", "X", "y", "lam"], returns=("J", "grad"))


def test_a_cost_summed_instead_of_averaged_is_a_factor_named_with_its_size():
    def learner(w, X, y, lam):
        r = X @ w - y
        m = X.shape[0]
        return r @ r / 2 + lam / (2 * m) * (w[1:] @ w[1:]) * m, X.T @ r / m + lam / m * np.r_[0.0, w[1:]]

    found = families_for(RIDGE, learner, ridge_cases())
    assert [d.id for d in found] == ["off-by-a-factor"]
    assert found[0].message.startswith("Your J is the right one times 6 (the number of rows of X on the first test)")
    # a hidden test's sizes are never quoted: the first visible test's are, or none at all
    tests = [SimpleNamespace(hidden=True), SimpleNamespace(hidden=False), SimpleNamespace(hidden=True)]
    found = families_for(SimpleNamespace(**vars(RIDGE), tests=tests), learner, ridge_cases())
    assert found[0].message.startswith("Your J is the right one times 9 (the number of rows of X on test 2)")
    tests = [SimpleNamespace(hidden=True)] * 3
    found = families_for(SimpleNamespace(**vars(RIDGE), tests=tests), learner, ridge_cases())
    assert found[0].message.startswith("Your J is the right one times the number of rows of X.")


def test_a_penalty_left_out_of_one_returned_value_is_a_dropped_term_of_that_value():
    def learner(w, X, y, lam):
        m = X.shape[0]
        r = X @ w - y
        return r @ r / (2 * m) + lam / (2 * m) * np.sum(w[1:] ** 2), X.T @ r / m

    found = families_for(RIDGE, learner, ridge_cases())
    assert [d.id for d in found] == ["term-dropped"]
    assert found[0].message.startswith("Your grad is what the right code gives with lam = 0")


def test_two_slips_at_once_are_both_named():
    def learner(w, X, y, lam):  # y - Xw, and the gradient left as a sum
        m = X.shape[0]
        r = y - X @ w
        return r @ r / (2 * m) + lam / (2 * m) * (w[1:] @ w[1:]), X.T @ r + lam * np.r_[0.0, -w[1:]]

    found = families_for(RIDGE, learner, ridge_cases())
    assert sorted(d.id for d in found) == ["off-by-a-factor", "sign-flipped"]


def test_a_flat_vector_against_a_column_is_named_as_broadcasting():
    def half_mean_square(w, X, y):
        r = X @ w - y
        return np.sum(r ** 2) / (2 * X.shape[0])

    def learner(w, X, y):
        y = y.reshape(-1, 1)  # (m, 1) against X @ w of shape (m,): an m x m table, no error
        return np.sum((X @ w - y) ** 2) / (2 * len(y))

    cases = [a[:3] for a in ridge_cases()]
    found = families_for(made_up(half_mean_square, ["w", "X", "y"]), learner, cases)
    assert [d.id for d in found] == ["flat-against-column"]
    # w as a column meets the flat y alike: both places are named
    assert "when w or y is a column (n, 1), not a flat vector" in found[0].message


def test_a_transposed_result_and_a_transposed_input():
    def products(A, B):
        return A.T @ B  # (n, p)

    cases = [[np.arange(12.0).reshape(4, 3), np.arange(8.0).reshape(4, 2) ** 2],
             [np.cos(np.arange(15.0)).reshape(5, 3), np.sin(np.arange(10.0)).reshape(5, 2)]]
    ex = made_up(products, ["A", "B"])
    assert [d.id for d in families_for(ex, lambda A, B: B.T @ A, cases)] == ["result-transposed"]
    # A @ B without the .T raises; the reference with A transposed raises the same mismatch
    found = families_for(ex, lambda A, B: A @ B, cases)
    assert [d.id for d in found] == ["input-transposed"] and "when A is transposed" in found[0].message


def test_a_reduction_over_every_axis_and_a_keepdims_shape():
    def column_means(X):
        return X.mean(axis=0)

    cases = [[np.arange(12.0).reshape(4, 3)], [np.sin(np.arange(10.0)).reshape(5, 2)]]
    ex = made_up(column_means, ["X"])
    found = families_for(ex, lambda X: X.sum() / X.shape[0], cases)
    assert [d.id for d in found] == ["wrong-axis"]
    found = families_for(ex, lambda X: X.mean(axis=0, keepdims=True), cases)
    assert [d.id for d in found] == ["result-column-or-flat"] and "a row (1, n)" in found[0].message


def test_whole_numbers_off_by_one_in_an_input_and_in_the_result():
    def pick(S, labels):
        return S[np.arange(len(labels)), labels]

    S = np.arange(20.0).reshape(5, 4) ** 1.5
    cases = [[S, np.array([0, 3, 1, 2, 0])], [S[:3], np.array([2, 2, 1])]]
    ex = made_up(pick, ["S", "labels"])
    found = families_for(ex, lambda S, labels: S[np.arange(len(labels)), labels - 1], cases)
    assert [d.id for d in found] == ["index-off-by-one"] and "one smaller" in found[0].message

    ex = made_up(lambda S: np.argmax(S, axis=1), ["S"])
    cases = [[S], [np.cos(S)]]
    assert [d.id for d in families_for(ex, lambda S: np.argmax(S, axis=1) + 1, cases)] == ["index-off-by-one"]
    # argmin is argmax of -S: with whole-number results an input's sign is never tried, so nothing is named
    assert families_for(ex, lambda S: np.argmin(S, axis=1), cases) == []


def test_a_step_with_a_scaled_or_missing_rate():
    def step(w, g, rate):
        return w - rate * g

    cases = [[np.arange(4.0), np.ones(4) * 0.5, 0.1], [np.ones(3), np.arange(3.0), 1.5]]
    ex = made_up(step, ["w", "g", "rate"])
    assert [d.id for d in families_for(ex, lambda w, g, rate: w - g, cases)] == ["factor-dropped"]
    found = families_for(ex, lambda w, g, rate: w - rate / 2 * g, cases)
    assert [d.id for d in found] == ["input-off-by-a-factor"] and "rate divided by 2" in found[0].message
    assert [d.id for d in families_for(ex, lambda w, g, rate: w + rate * g, cases)] == ["sign-flipped"]


def test_two_families_that_reproduce_it_alike_name_nothing():
    ex = made_up(lambda x, c: c * x, ["x", "c"])
    cases = [[np.array([1.0, -2.0, 4.0]), 1.5], [np.array([0.5, 7.0]), 3.0]]
    # 2cx is the result times 2, and also the result for c times 2: which slip it was is not confirmed
    assert families_for(ex, lambda x, c: 2 * c * x, cases) == []
    # one family from two places is still one slip: the result negated says it as a fact of the value
    found = families_for(ex, lambda x, c: -c * x, cases)
    assert [d.id for d in found] == ["sign-flipped"] and found[0].message.startswith("Your out is the right one")


def test_a_change_that_coincides_with_the_reference_is_never_named():
    ex = made_up(lambda A: A + A.T, ["A"])  # symmetric: its transpose is itself
    cases = [[np.arange(9.0).reshape(3, 3)], [np.eye(2)]]
    expected = [ex.reference(*a) for a in cases]
    # right values (the check failed for another reason, say an input changed in place)
    assert find_families(ex, cases, expected, copy.deepcopy(expected)) == []


def test_nothing_is_named_for_an_unanswered_test_or_a_course_checker():
    ex = made_up(lambda x: 2.0 * x, ["x"])
    cases = [[np.array([1.0, 2.0])], [np.array([3.0])]]
    expected = [ex.reference(*a) for a in cases]
    negated = [-e for e in expected]
    assert [d.id for d in find_families(ex, cases, expected, negated)] == ["sign-flipped"]
    assert find_families(ex, cases, expected, [negated[0], None]) == []  # the second test never ran
    random_answers = made_up(lambda x: 2.0 * x, ["x"], checker="by-kind")
    assert find_families(random_answers, cases, expected, negated) == []


def test_the_compositions_tried_are_capped():
    calls = []

    def many(*arrays):  # twelve matrices: six products added up
        calls.append(1)
        return sum(arrays[i] @ arrays[i + 1] for i in range(0, 12, 2))

    rng = np.random.default_rng(0)
    cases = [[rng.normal(size=(3, 4)) if i % 2 == 0 else rng.normal(size=(4, 2)) for i in range(12)] for _ in range(2)]
    ex = made_up(many, "abcdefghijkl")
    expected = [many(*copy.deepcopy(a)) for a in cases]
    calls.clear()
    learner = [np.full_like(e, 7.0) for e in expected]  # matches nothing
    assert find_families(ex, cases, expected, learner) == []
    n_inputs = len(rules(ex, cases, expected).inputs)
    assert n_inputs * (n_inputs - 1) // 2 > MAX_RUNS  # without the cap there would be more runs
    # the unchanged reference, each single change, and at most MAX_RUNS pairs, on the first test only
    assert len(calls) <= 1 + n_inputs + MAX_RUNS


def test_the_recipes_and_the_families_share_one_set_of_changes():
    assert change_input(3, "zero") == 0 and change_input(2.5, "one") == 1.0
    assert change_input(np.array([[1.0], [2.0]]), "ravel").shape == (2,)
    recipe = parse_recipe({"output": "total", "scale": "1/rows(X)"}, ("X",), ("s",))
    means = variant_of(lambda X: X.mean(axis=0), recipe, ("X",), ("s",))
    X = np.arange(6.0).reshape(3, 2)
    assert means(X) == pytest.approx(X.mean(axis=0).sum() / 3)
    for family, (title, advice) in FAMILIES.items():
        words = advice.format(subject="Your J", what="lam", detail="the right one times 2")
        assert title and words.startswith(("Your J", "A")), family


def test_the_course_s_own_diagnosis_comes_first():
    from tutor.course import bundled_course
    from tutor.exercises.catalog import get_exercise
    from tutor.exercises.check import build_cases, materialize

    ex = get_exercise("feedforward-cost", bundled_course())
    cases_args, expected = build_cases(ex)
    cases = [materialize(a, ex.vocab.helpers) for a in cases_args]
    summed = [(e[0] * np.asarray(a[2]).shape[0], e[1]) for e, a in zip(expected, cases)]
    assert [d.id for d in name_mistakes(ex, cases, expected, summed)] == ["missing-divide-by-m"]
    negated = [(-e[0], e[1]) for e in expected]  # no course diagnosis for that: a family names it
    found = name_mistakes(ex, cases, expected, negated)
    assert [d.id for d in found] == ["sign-flipped"] and found[0].message.startswith("Your J is the right one")


# -- the held-out catalogue, through the real checker ------------------------------------------

HELDOUT = Path(__file__).resolve().parent / "backprop" / "catalogue_heldout"
FILES = sorted(HELDOUT.glob("*/*.py"))


def expected_ids(path: Path) -> list[str]:
    """The accepted names: [] for none, else each alternative of `A | B`."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), path
    e = first.removeprefix("# expect: ").strip()
    return [] if e == "none" else [i.strip() for i in e.split("|")]


@pytest.fixture(scope="module")
def heldout(request):
    from tutor.course import bundled_course
    from tutor.exercises.catalog import get_exercise
    from tutor.exercises.check import check_file

    spent: list[float] = []
    real = diagnose.find_families

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t)

    diagnose.find_families = timed
    try:
        out = {}
        for path in FILES:
            result = check_file(get_exercise(path.parent.name, bundled_course()), path, isolation="auto")
            out[path] = (result.passed, [d.id for d in result.diagnoses])
    finally:
        diagnose.find_families = real
    return out, spent


def test_the_heldout_catalogue_is_big_enough_and_every_answer_fails(heldout):
    outcomes, _ = heldout
    assert len(FILES) >= 60
    assert len({p.parent.name for p in FILES}) >= 10
    assert [p for p, (passed, _) in outcomes.items() if passed] == []


def test_at_least_75_percent_of_the_heldout_wrong_answers_are_named_and_none_wrongly(heldout):
    outcomes, spent = heldout
    nameable = [p for p in FILES if expected_ids(p)]
    right = [p for p in nameable if len(outcomes[p][1]) == 1 and outcomes[p][1][0] in expected_ids(p)]
    wrong = [(p.parent.name, p.stem, outcomes[p][1]) for p in FILES
             if outcomes[p][1] and not (len(outcomes[p][1]) == 1 and outcomes[p][1][0] in expected_ids(p))]
    print(f"\nheld-out: {len(right)}/{len(nameable)} nameable wrong answers named = {len(right) / len(nameable):.0%}; "
          f"{len(right)}/{len(FILES)} of all wrong answers = {len(right) / len(FILES):.0%}; wrong names: {len(wrong)}")
    if spent:
        print(f"time in the families per failing check with no course diagnosis ({len(spent)} checks): "
              f"median {statistics.median(spent) * 1000:.0f} ms, max {max(spent) * 1000:.0f} ms")
    assert wrong == []
    assert len(right) / len(nameable) >= 0.75


def test_a_reduction_of_a_matrix_input_along_the_other_axis():
    def column_means(X):
        return X.mean(axis=0)  # (n,)

    cases = [[np.arange(12.0).reshape(4, 3) ** 1.3], [np.cos(np.arange(15.0)).reshape(5, 3)]]
    found = families_for(made_up(column_means, ["X"]), lambda X: X.mean(axis=1), cases)
    assert [d.id for d in found] == ["wrong-axis"]
    assert found[0].message.startswith("Your result is what the right code gives with X transposed")
    # where a matrix comes out too, the transpose of an input is a .T, not an axis
    ex = made_up(lambda A, B: A.T @ B, ["A", "B"])
    assert [d.id for d in families_for(ex, lambda A, B: A @ B, [[np.ones((4, 3)), np.ones((4, 2))]])] == \
        ["input-transposed"]


def test_a_column_of_ones_added_twice_or_a_first_column_left_out():
    def scores(X, W):  # X already holds its column of ones
        return X @ W.T

    rng = np.random.default_rng(1)
    cases = [[np.column_stack([np.ones(5), rng.normal(size=(5, 2))]), rng.normal(size=(4, 3))],
             [np.column_stack([np.ones(3), rng.normal(size=(3, 2))]), rng.normal(size=(2, 3))]]
    ex = made_up(scores, ["X", "W"])
    found = families_for(ex, lambda X, W: np.hstack([np.ones((len(X), 1)), X]) @ W.T, cases)
    assert [d.id for d in found] == ["ones-column-added"]  # the same mismatch error as the changed reference
    found = families_for(ex, lambda X, W: X[:, 1:] @ W[:, 1:].T, cases)  # the same slip twice
    assert [d.id for d in found] == ["first-column-dropped"]
    assert found[0].message.startswith("Your result is what the right code gives without the first column of X and W")
    found = families_for(ex, lambda X, W: (X @ W.T)[:, 1:], cases)
    assert [d.id for d in found] == ["first-column-dropped"]
    assert found[0].message.startswith("Your out is the right one without its first column")


def test_a_course_written_in_yaml_alone_gets_the_families_for_free(tmp_path, monkeypatch):
    """tests/courses/softmax declares three mistakes of its own; a transposed answer is none of them."""
    import json

    from typer.testing import CliRunner

    from tutor.cli import app

    course = str(Path(__file__).resolve().parent / "courses" / "softmax")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["exercise", "start", "softmax", "--course", course]).exit_code == 0
    (tmp_path / "tutor-exercises" / "softmax.py").write_text(
        "import numpy as np\n\ndef softmax(Z):\n    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
        "    return (E / E.sum(axis=1, keepdims=True)).T\n")
    r = runner.invoke(app, ["check", "softmax", "--course", course, "--format", "json"])
    assert r.exit_code == 1
    assert [d["id"] for d in json.loads(r.stdout)["diagnoses"]] == ["result-transposed"]
    r = runner.invoke(app, ["check", "softmax", "--course", course])
    text = " ".join(r.stdout.split())
    assert "The result is transposed" in text and "Your P is the right one with rows and columns swapped" in text


def test_a_whole_number_argument_is_never_grown():
    """It may be a count of iterations: the reference runs in the grading process, unbounded."""
    seen = []

    def halve_repeatedly(x, n):
        seen.append(n)
        for _ in range(int(n)):
            x = x / 2
        return x

    cases = [[np.array([8.0, 4.0, 2.0]), 3], [np.array([1.0, 5.0]), 2]]
    ex = made_up(halve_repeatedly, ["x", "n"])
    expected = [halve_repeatedly(*copy.deepcopy(a)) for a in cases]
    seen.clear()
    assert find_families(ex, cases, expected, [np.full(3, 9.0), np.full(2, 9.0)]) == []
    assert seen and max(seen) <= 3
    # a float argument may be scaled both ways: the rate of a step
    assert [d.id for d in families_for(made_up(lambda w, g, rate: w - rate * g, ["w", "g", "rate"]),
                                       lambda w, g, rate: w - 2 * rate * g,
                                       [[np.ones(2), np.ones(2), 0.1], [np.ones(3), np.arange(3.0), 0.5]])] == \
        ["input-off-by-a-factor"]


def test_a_broadcast_is_tried_only_on_vectors_small_enough_for_its_table():
    def centred(x, c):
        return x - c  # x (n,), c (n,)

    ex = made_up(centred, ["x", "c"])
    small = [[np.arange(5.0), np.ones(5)], [np.arange(3.0), np.zeros(3)]]
    assert any(c.family == "flat-against-column" for c in rules(ex, small, [centred(*a) for a in small]).inputs)
    big = [[np.arange(5000.0), np.ones(5000)]]  # its table would be 5000 x 5000, in the grading process
    assert not any(c.family == "flat-against-column" for c in rules(ex, big, [centred(*a) for a in big]).inputs)
