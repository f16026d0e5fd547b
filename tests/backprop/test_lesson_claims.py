"""Claims the lessons make, recomputed here with numpy, and the screens that make them.

Each test would fail on the text or behaviour the review of issue 22 found
wrong: the figure is computed independently, then looked for on the page.
"""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pytest

from tutor import core
from tutor.courses.backprop import ops_gradient_checking as gc
from tutor.courses.backprop.datasets import load_digits

SIZES = (64, 25, 10)


@pytest.fixture(scope="module", autouse=True)
def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def digits():
    return load_digits()


_PAGES: dict = {}


def _page(repo, lesson_id):
    """A lesson run start to end headless, answers shown: (text, session), once per module."""
    if lesson_id not in _PAGES:
        from io import StringIO

        from rich.console import Console

        from tutor.lessons.loader import load_lesson
        from tutor.lessons.runner import render_lesson

        buf = StringIO()
        console = Console(file=buf, width=110, color_system=None, force_terminal=False)
        session = render_lesson(load_lesson(repo / "lessons" / f"{lesson_id}.yaml"), console, answers=True)
        assert session.problems == {}, session.problems
        _PAGES[lesson_id] = (buf.getvalue(), session)
    return _PAGES[lesson_id]


def _flat(text: str) -> str:
    return " ".join(text.split())



def _quiz(repo, lesson_id, step_id):
    from tutor.lessons.loader import load_lesson

    lesson = load_lesson(repo / "lessons" / f"{lesson_id}.yaml")
    return next(s for s in lesson.steps if s.id == step_id)


# ------------------------------------------------------------- the spot check


def _bias_positions_by_marking(sizes):
    """Independently: unroll Thetas whose bias column is 1 and every other entry 0."""
    marked = []
    for a, b in itertools.pairwise(sizes):
        T = np.zeros((b, a + 1))
        T[:, 0] = 1
        marked.append(T)
    return np.flatnonzero(core.unroll(marked))


def test_bias_positions_are_column_0_of_each_theta_unrolled():
    expected = _bias_positions_by_marking(SIZES)
    assert expected.size == 35
    np.testing.assert_array_equal(gc.bias_positions(SIZES), expected)


def test_the_spot_check_picks_bias_weights_which_a_blind_pick_misses(digits):
    """The old check (20 blind picks, seed 0) held no bias weight; the lesson's now holds 5."""
    bias = _bias_positions_by_marking(SIZES)
    blind = np.random.default_rng(0).choice(1885, size=20, replace=False)
    assert not np.isin(blind, bias).any()  # what the lesson used to show
    params = core.initialize_params(SIZES, "uniform", epsilon=0.12, seed=0)
    out = gc.network_spot_check(params, SIZES, digits.X, digits.y, lam=3.0)
    picked = out["spot_indices"]
    assert picked.size == 20 and np.unique(picked).size == 20
    assert np.isin(picked, bias).sum() == out["spot_bias_picked"] == 5
    assert out["n_bias_weights"] == 35
    assert out["blind_miss_percent"] == pytest.approx(100 * comb(1885 - 35, 20) / comb(1885, 20))
    assert 68 < out["blind_miss_percent"] < 70


def test_a_bias_only_bug_is_caught_by_the_spot_check(digits):
    """A gradient wrong only in its bias column: the picks that are bias weights expose it."""
    X, y = digits.X[:200], digits.y[:200]
    params = core.initialize_params(SIZES, "uniform", epsilon=0.12, seed=0)
    _, grad = core.nn_cost_function(params, SIZES, X, y, 0.0)
    bias = _bias_positions_by_marking(SIZES)
    idx = gc.spot_indices(SIZES, 20, 5, seed=0)
    num = core.compute_numerical_gradient(lambda p: core.nn_cost(core.reshape_params(p, SIZES), X, y, 0.0),
                                          params, indices=idx)[idx]
    buggy = grad.copy()
    buggy[bias] = 0.0  # the bias gradient forgotten
    assert core.relative_difference(num, grad[idx]) < 1e-7
    assert core.relative_difference(num, buggy[idx]) > 1e-5


def test_the_trained_networks_looser_band_is_small_gradients_not_the_example_count(repo):
    text, session = _page(repo, "gradient-checking")
    v = session.ctx.values
    # same 1797 examples, same picks: the random start lands far lower than the trained weights
    assert v["start_spot_rel_diff"] < v["spot_rel_diff"] / 10
    assert v["start_median_gradient"] > 10 * v["spot_median_gradient"]
    flat = _flat(text)
    assert "summing" not in flat and "sums 1797 examples" not in flat
    assert f"give {v['start_spot_rel_diff']:.1e}" in flat
    assert f"{v['spot_bias_picked']} of the twenty are bias weights" in flat
    assert "a bug rarely spares every one" not in flat


# ------------------------------------------------------------- the moons boundary


def test_the_boundary_counts_the_models_mistakes_not_the_character_grid():
    """Three points sit in a cell of the other colour, but the model gets only one wrong."""
    from io import StringIO

    from rich.console import Console

    from tutor.render import DecisionBoundary

    xs, ys = np.linspace(0, 1, 3), np.linspace(0, 1, 2)
    classes = np.array([[0, 0, 1], [0, 0, 1]])
    X = np.array([[0.1, 0.2], [0.2, 0.8], [0.3, 0.5], [0.9, 0.5]])
    y = np.array([1, 1, 1, 1])
    predicted = np.array([1, 1, 0, 1])
    buf = StringIO()
    Console(file=buf, width=80, color_system=None).print(DecisionBoundary(xs, ys, classes, X, y, predicted=predicted))
    text = _flat(buf.getvalue())
    assert "The network misclassifies 1 of 4 points." in text
    assert "3 sit in a cell of the other colour" in text


def test_moons_boundary_count_equals_the_models_errors(repo):
    text, session = _page(repo, "moons-from-scratch")
    v = session.ctx.values
    wrong = int(np.sum(core.predict(v["gd_thetas"], v["X"], "tanh") != v["y"]))
    assert wrong == v["n_wrong"]
    assert f"The network misclassifies {wrong} of {v['m']} points." in _flat(text)


# ------------------------------------------------------------- other screens


def _step_block(text, k):
    """The text of 'Step k of N' up to the next step's divider."""
    start = text.index(f"Step {k} of ")
    end = text.find("─" * 20, start)
    return text[start:end if end > 0 else None]


def test_accuracy_outputs_step_is_not_an_empty_screen(repo):
    text, session = _page(repo, "accuracy")
    ids = [s.id for s in session.steps] if hasattr(session.steps[0], "id") else None
    k = (ids.index("outputs") + 1) if ids else 3
    block = _step_block(text, k)
    lines = [ln for ln in block.splitlines()[1:] if ln.strip() and not set(ln.strip()) <= set("─-")]
    assert len(lines) >= 5, block
    assert "1797 x 10" in block


def test_sigmoid_lesson_no_longer_says_g_prime_is_in_every_gradient(repo, digits):
    """The Theta2 gradient is delta3ᵀ a2 / m: no g' factor (it cancels in cross-entropy)."""
    text, _ = _page(repo, "sigmoid-gradient")
    flat = _flat(text)
    assert "appears in every gradient" not in flat
    assert "the gradients are tiny too" not in flat
    thetas = core.reshape_params(core.initialize_params(SIZES, "uniform", epsilon=0.12, seed=0), SIZES)
    X, y = digits.X, digits.y
    a1 = np.column_stack([np.ones(len(X)), X])
    a2 = np.column_stack([np.ones(len(X)), core.sigmoid(a1 @ thetas[0].T)])
    h = core.sigmoid(a2 @ thetas[1].T)
    D2 = (h - core.one_hot(y, 10)).T @ a2 / len(X)
    np.testing.assert_allclose(core.backprop(thetas, X, y, 0.0).grads[1], D2, atol=1e-15)


def test_training_start_cost_against_chance_is_computed_not_guessed(repo, digits):
    text, _ = _page(repo, "training")
    flat = _flat(text)
    assert "because the random weights already push some outputs off 0.5" not in flat
    costs, means = [], []
    for s in range(10):
        th = core.reshape_params(core.initialize_params(SIZES, "uniform", epsilon=0.12, seed=s), SIZES)
        costs.append(core.nn_cost(th, digits.X, digits.y, 1.0))
        means.append(core.feedforward(th, digits.X).h.mean())
    chance = 10 * np.log(2)
    assert costs[0] < chance and means[0] < 0.5  # seed 0 leans low, and lands below chance
    above = int(np.sum(np.array(costs) > chance))
    assert above == 4 and int(np.argmax(costs)) == 8
    assert f"{above} begin above {chance:.2f}, the highest at {max(costs):.2f} (seed 8)" in flat
    assert f"a mean of {means[0]:.3f}" in flat


def test_bias_gradient_points_to_a_d2_that_is_on_the_page_and_matches(repo):
    text, session = _page(repo, "backprop")
    v = session.ctx.values
    h, Y, m = v["h"], v["Y"], v["m"]
    np.testing.assert_allclose(v["D2_bias"], (h - Y).sum(axis=0) / m, atol=1e-15)
    flat = _flat(text)
    assert "column 0 of D2 below" not in flat
    assert "is column 0 of D2" in flat


def test_spurious_precision_is_gone(repo):
    for lesson_id, gone in (("backprop", r"times faster = \d+\.\d{6}"),
                            ("gradient-checking", r"estimated full check \(seconds\) = \d+\.\d{6}"),
                            ("accuracy", r"training accuracy \(%\) = \d+\.\d{6}")):
        import re

        text, _ = _page(repo, lesson_id)
        assert not re.search(gone, text), lesson_id


# ------------------------------------------------------------- named wrong answers


@pytest.mark.parametrize(("lesson_id", "step_id", "raw", "words"), [
    ("network", "course-count-quiz", "10250", "forgets the biases"),
    ("network", "count-quiz", "1885", "without the new layer"),
    ("network", "theta2-quiz", "20x30", "bias column"),
    ("backprop", "delta2-transfer-quiz", "20", "second hidden layer"),
    ("cost", "chance-quiz", "1", "one output's cost"),
    ("cost", "bias-quiz", "104", "charges"),
    ("sigmoid-gradient", "peak-quiz", "0.0474", "g(-3)"),
    ("training", "start-quiz", "0.693", "log 2"),
    ("forward-pass", "z2-quiz", "5000x401", "That is a1"),
    ("forward-pass", "h-typed", "sigmoid(g2 @ Theta2[:, 1:].T)", "lost their bias"),
    ("sigmoid-gradient", "slope-typed", "sigmoid_gradient(a2[:, 1:])", "a second time"),
    ("moons-from-scratch", "tanh-quiz", "2", "quarter"),
])
def test_common_wrong_answers_get_named_feedback(repo, lesson_id, step_id, raw, words):
    _, session = _page(repo, lesson_id)
    quiz = _quiz(repo, lesson_id, step_id)
    verdict = quiz.grade(raw, session.ctx)
    assert verdict.right is False
    assert words in verdict.message, verdict.message


@pytest.mark.parametrize(("lesson_id", "step_id", "shown"), [
    ("network", "count-quiz", "n_parameters"),
    ("network", "theta2-quiz", "Theta2_shape"),
])
def test_quizzes_do_not_ask_for_what_the_screen_just_showed(repo, lesson_id, step_id, shown):
    _, session = _page(repo, lesson_id)
    quiz = _quiz(repo, lesson_id, step_id)
    value = session.ctx.values[shown]
    assert quiz.grade(str(value), session.ctx).right is False


def test_slope_typed_is_not_answered_by_calling_the_library(repo):
    """The step asks for g' from a2; sigmoid_gradient(z2) used to be accepted, which made it trivial."""
    _, session = _page(repo, "sigmoid-gradient")
    step = _quiz(repo, "sigmoid-gradient", "slope-typed")
    assert step.grade("sigmoid_gradient(z2)", session.ctx).right is not True
    assert step.grade("a2[:, 1:] * (1 - a2[:, 1:])", session.ctx).right is True


NINE = ["network", "forward-pass", "cost", "sigmoid-gradient", "backprop", "gradient-checking", "training",
        "accuracy", "moons-from-scratch"]


@pytest.mark.parametrize("lesson_id", NINE)
def test_no_number_or_shape_quiz_answer_is_on_the_screen_just_before(repo, lesson_id):
    """The count 1885 under the parameter table, the Theta2 shape under Theta2: asked right after, they test
    reading, not understanding. (One-digit answers are left out: a lone digit is on every screen.)"""
    import re

    text, session = _page(repo, lesson_id)
    blocks = re.split(r"\n(?=Step \d+ of \d+)", text)
    for i, step in enumerate(session.steps):
        if step.kind != "quiz" or step.answer_type not in ("number", "shape"):
            continue
        answer = step.answer_text(session.ctx).replace(" x ", "x")
        if len(answer) < 2:
            continue
        before = blocks[i].replace(" x ", "x")
        assert not re.search(rf"(?<![\d.]){re.escape(answer)}(?![\d])", before), (step.id, answer)


def test_the_spot_table_names_each_picked_weight_and_marks_the_bias_ones():
    """Each position in params is read back to its matrix and cell by unrolling marked Thetas."""
    shapes = [(25, 65), (10, 26)]
    for l, (r, c) in enumerate(shapes, start=1):
        for i, j in ((0, 0), (r - 1, c - 1), (r // 2, 3)):
            marked = [np.zeros(s) for s in shapes]
            marked[l - 1][i, j] = 1
            position = int(np.flatnonzero(core.unroll(marked))[0])
            assert gc.weight_name(position, SIZES) == f"Theta{l}[{i}, {j}]"
    X = np.random.default_rng(0).random((30, 64))
    y = np.arange(30) % 10
    params = core.initialize_params(SIZES, "uniform", epsilon=0.12, seed=0)
    table = gc.network_spot_check(params, SIZES, X, y, k=8, bias_picks=3)["spot_table"]
    assert table.shape == (8, 4)
    assert sum(cell.endswith(" bias") for cell in table[:, 1]) == 3
    assert all(cell.endswith(", 0] bias") for cell in table[:, 1] if "bias" in cell)


def test_big_weights_quiz_measures_the_saturation_it_names(repo, digits):
    _, session = _page(repo, "sigmoid-gradient")
    v = session.ctx.values
    sizes = (64, 25, 10)
    Theta1 = core.reshape_params(core.initialize_params(sizes, "uniform", epsilon=5.0, seed=0), sizes)[0]
    z2 = np.column_stack([np.ones(len(digits.X)), digits.X]) @ Theta1.T
    share = 100 * np.mean(core.sigmoid(z2) * (1 - core.sigmoid(z2)) < 0.01)
    assert v["big_saturated_percent"] == pytest.approx(share)
    assert share > 50 > v["saturated_percent"]  # a large start saturates most units; the trained network does not
    quiz = _quiz(repo, "sigmoid-gradient", "big-weights-quiz")
    assert f"leave {share:.0f}% of the hidden" in _flat(session.ctx.fill(quiz.explain))
