"""The curriculum: its extra operations by number, and each lesson run headless.

Operations are checked against tutor.core or against the formula written out
independently here; lessons are run start to end without a terminal and must
pass every check and show the figures the maths gives.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tutor import core
from tutor.courses.backprop import (
    ops_accuracy,
    ops_backprop,
    ops_cost,
    ops_gradient_checking,
    ops_moons,
    ops_network_lesson,
    ops_sigmoid_gradient,
    ops_training,
)
from tutor.courses.backprop.datasets import load_digits, make_moons

SIZES = (64, 25, 10)


@pytest.fixture(scope="module", autouse=True)
def _one_blas_thread():
    """Run this module's small matrix products on one BLAS thread.

    On a busy 2-core machine several BLAS threads per process fight over the
    cores and the CG runs here get about ten times slower; one thread is fast.
    """
    try:
        # threadpoolctl comes with scikit-learn, a test dependency
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(scope="module")
def moons():
    return make_moons(200, noise=0.2, seed=0)


# ------------------------------------------------------------- operations


def test_parameter_count_matches_the_formula_and_the_vector():
    params = core.initialize_params(SIZES, seed=0)
    out = ops_network_lesson.parameter_count(SIZES, params)
    assert out["n_parameters"] == 25 * 65 + 10 * 26 == 1885
    assert out["params_size"] == 1885
    assert out["parameter_table"][-1, -1] == "1885"
    assert ops_network_lesson.parameter_count((400, 25, 10), np.zeros(10285))["n_parameters"] == 10285


def test_round_trip_is_exact_and_catches_a_mismatch():
    params = core.initialize_params(SIZES, seed=1)
    thetas = [t.copy() for t in core.reshape_params(params, SIZES)]
    assert ops_network_lesson.roll_round_trip(params, SIZES, thetas)["round_trip_error"] == 0.0
    thetas[1][0, 0] += 0.5
    assert ops_network_lesson.roll_round_trip(params, SIZES, thetas)["round_trip_error"] == pytest.approx(0.5)


def test_label_counts(digits):
    counts = ops_network_lesson.label_counts(digits.y, digits.K)
    assert counts.sum() == digits.m == 1797
    assert counts[0] == np.sum(digits.y == 0)


def test_chance_cost_is_K_log_2():
    out = ops_cost.chance_cost(50, 10)
    assert out["J_chance"] == pytest.approx(10 * math.log(2), abs=1e-12)
    assert out["K_log2"] == pytest.approx(6.931471805599453)
    assert out["h_chance"].shape == (50, 10)


def test_cost_terms_and_regularization_agree_with_nn_cost(digits):
    thetas = core.reshape_params(core.initialize_params(SIZES, seed=3), SIZES)
    h = core.feedforward(thetas, digits.X).h
    Y = core.one_hot(digits.y, 10)
    terms = ops_cost.cost_terms(h, Y)
    assert terms["cost_terms"].shape == (1797, 10)
    assert terms["J_unreg"] == pytest.approx(core.nn_cost(thetas, digits.X, digits.y, 0.0), abs=1e-10)
    reg = ops_cost.regularization_parts(thetas, 1.5, 1797, terms["J_unreg"])
    by_hand = 1.5 / (2 * 1797) * sum(float((T[:, 1:] ** 2).sum()) for T in thetas)
    assert reg["reg_term"] == pytest.approx(by_hand, rel=1e-12)
    assert reg["reg_with_bias"] > reg["reg_term"]
    assert reg["J_reg"] == pytest.approx(core.nn_cost(thetas, digits.X, digits.y, 1.5), abs=1e-10)


def test_cost_at_lambdas_reg_term_of_course_weights(ex4_weights_path):
    from tutor.courses.backprop.datasets import load_weights

    thetas = load_weights(ex4_weights_path)
    X = np.zeros((5000, 400))
    y = np.arange(5000) % 10
    out = ops_cost.cost_at_lambdas(thetas, X, y)
    # DESIGN.md: 0.0961407 per unit of lambda for m = 5000, whatever X is
    assert out["reg_per_lambda"] == pytest.approx(0.0961407, abs=5e-8)
    assert out["J_lambda3"] - out["J_lambda0"] == pytest.approx(0.288422, abs=1e-6)


def test_sigmoid_gradient_values_match_the_published_figures():
    out = ops_sigmoid_gradient.sigmoid_gradient_values([-1, -0.5, 0, 0.5, 1])
    np.testing.assert_allclose(out["g_prime_values"], [0.196612, 0.235004, 0.25, 0.235004, 0.196612], atol=5e-7)
    assert list(out["g_prime_table"][2]) == ["0", "0.500000", "0.250000"]


def test_saturation_counts_flat_units():
    out = ops_sigmoid_gradient.saturation(np.array([0.0, 10.0, -10.0, 1.0]))
    assert out["saturated_percent"] == 50.0
    assert out["g_prime_z"][0] == 0.25


def test_epsilon_rule():
    out = ops_sigmoid_gradient.init_epsilons((400, 25, 10))
    np.testing.assert_allclose(out["epsilons"], [math.sqrt(6) / math.sqrt(425), math.sqrt(6) / math.sqrt(35)])
    assert np.abs(out["Theta1_init"]).max() <= 0.12
    assert out["Theta1_init"].shape == (25, 401)


def test_symmetry_zero_start_keeps_hidden_units_identical(digits):
    out = ops_sigmoid_gradient.symmetry_demo(SIZES, digits.X[:300], digits.y[:300], iterations=15)
    assert out["distinct_from_zeros"] == 1
    assert out["spread_from_zeros"] < 1e-12
    # the units did learn something (they are not still all zero) ...
    assert np.abs(out["Theta1_from_zeros"]).max() > 1e-4
    # ... while a random start keeps all 25 different
    assert out["distinct_from_random"] == 25


def test_one_example_matches_the_loop_and_drops_the_bias_delta(digits):
    thetas = core.reshape_params(core.initialize_params(SIZES, seed=4), SIZES)
    Y = core.one_hot(digits.y, 10)
    ex = ops_backprop.one_example(thetas, digits.X, Y, index=7)
    fwd = core.feedforward(thetas, digits.X[7:8])
    np.testing.assert_allclose(ex["ex_h"], fwd.h[0], atol=1e-14)
    np.testing.assert_allclose(ex["ex_delta3"], fwd.h[0] - Y[7], atol=1e-14)
    assert ex["ex_back"].shape == (26,) and ex["ex_delta2"].shape == (25,)
    a2 = fwd.a[1][0, 1:]
    np.testing.assert_allclose(ex["ex_delta2"], ex["ex_back"][1:] * a2 * (1 - a2), atol=1e-14)
    assert ex["ex_label"] == digits.y[7]


def test_regularize_gradient_skips_the_bias_column():
    Delta = np.arange(6.0).reshape(2, 3)
    Theta = np.ones((2, 3))
    out = ops_backprop.regularize_gradient(Delta, Theta, lam=2.0, m=4)
    np.testing.assert_allclose(out["D_unreg"], Delta / 4)
    np.testing.assert_allclose(out["D_reg"][:, 0], Delta[:, 0] / 4)
    np.testing.assert_allclose(out["D_reg"][:, 1:], Delta[:, 1:] / 4 + 0.5)


def test_max_abs_difference_on_lists():
    a = [np.zeros((2, 2)), np.ones(3)]
    b = [np.zeros((2, 2)), np.array([1.0, 1.25, 1.0])]
    assert ops_backprop.max_abs_difference(a, b) == 0.25


def test_debug_gradient_check_and_the_broken_one():
    ok = ops_gradient_checking.debug_gradient_check(3.0)
    assert ok["rel_diff"] < 1e-9 and ok["check_verdict"] == "pass"
    assert ok["grad_columns"].shape == (38, 2)
    bad = ops_gradient_checking.broken_gradient_check(3.0)
    assert bad["broken_rel_diff"] > 1e-2 and bad["broken_verdict"] == "fail"


def test_time_gradient_check_counts_two_evaluations_per_parameter(digits):
    params = core.initialize_params(SIZES, seed=0)
    out = ops_gradient_checking.time_gradient_check(params, SIZES, digits.X, digits.y, 1.0, samples=2)
    assert out["full_check_evaluations"] == 2 * 1885
    assert out["full_check_seconds"] == pytest.approx(3770 * out["seconds_per_cost"])
    assert out["seconds_per_cost"] > 0


def test_time_gradient_check_gives_the_full_check_in_backprop_passes(digits):
    params = core.initialize_params(SIZES, seed=0)
    out = ops_gradient_checking.time_gradient_check(params, SIZES, digits.X, digits.y, 1.0, samples=3)
    assert out["two_p"] == 3770
    assert out["numeric_over_backprop"] == pytest.approx(3770 * out["seconds_per_cost"] / out["seconds_backprop"])


def test_the_loop_runs_over_the_rows_asked_for_and_equals_the_matrices_there(digits):
    thetas = core.reshape_params(core.initialize_params(SIZES, seed=0), SIZES)
    loop = ops_backprop.loop_backprop(thetas, digits.X, digits.y, 1.0, rows=40)
    assert loop["loop_m"] == 40 and loop["X_loop"].shape == (40, 64) and np.array_equal(loop["y_loop"], digits.y[:40])
    ref = core.backprop(thetas, digits.X[:40], digits.y[:40], 1.0)  # the matrices on the same 40 examples
    for D_loop, D in zip(loop["grads_loop"], ref.grads):
        np.testing.assert_allclose(D_loop, D, atol=1e-14)
    np.testing.assert_allclose(loop["Delta2"] / 40 + 1.0 / 40 * np.c_[np.zeros(10), thetas[1][:, 1:]], ref.grads[1],
                               atol=1e-14)  # Delta is the sum over the 40, before dividing
    gap = ops_backprop.matrices_against_loop(thetas, loop["X_loop"], loop["y_loop"], loop["grads_loop"], 1.0)
    assert gap["gradient_gap"] < 1e-14 and gap["J_rows"] == pytest.approx(loop["J_loop"], abs=1e-12)
    assert ops_backprop.loop_backprop(thetas, digits.X, digits.y, 1.0)["loop_m"] == 1797  # all of them by default
    assert ops_backprop.loop_backprop(thetas, digits.X, digits.y, 1.0, rows=10**6)["loop_m"] == 1797


def test_time_backprop_takes_the_loop_steps_own_time_instead_of_looping_again(digits, monkeypatch):
    thetas = core.reshape_params(core.initialize_params(SIZES, seed=0), SIZES)
    X, y = digits.X[:50], digits.y[:50]
    loop = ops_backprop.loop_backprop(thetas, X, y, 1.0)
    assert loop["loop_seconds"] > 0
    out = ops_backprop.time_backprop(thetas, digits.X[:200], digits.y[:200], 1.0, loop_seconds=0.01, loop_m=50, runs=2)
    # the loop is one example after another: its time scales with the rows
    assert out["seconds_loop_all"] == pytest.approx(0.04)
    assert out["speedup_all"] == pytest.approx(0.04 / out["seconds_vectorized_all"])

    def no_loop(*a, **k):
        raise AssertionError("the loop ran again")

    monkeypatch.setattr(core, "backprop_loop", no_loop)
    out = ops_backprop.time_backprop(thetas, X, y, 1.0, loop_seconds=loop["loop_seconds"], runs=2)
    assert out["seconds_loop"] == loop["loop_seconds"]
    assert out["speedup"] == pytest.approx(loop["loop_seconds"] / out["seconds_vectorized"])
    with pytest.raises(AssertionError, match="ran again"):
        ops_backprop.time_backprop(thetas, X, y, 1.0, runs=1)  # without it, the loop is timed here


def test_network_spot_check_passes_on_the_real_network(digits):
    params = core.initialize_params(SIZES, seed=0)
    out = ops_gradient_checking.network_spot_check(params, SIZES, digits.X, digits.y, 1.0, k=10, seed=1)
    assert out["spot_columns"].shape == (10, 2)
    assert out["spot_rel_diff"] < 1e-7
    _, grad = core.nn_cost_function(params, SIZES, digits.X, digits.y, 1.0)
    np.testing.assert_allclose(out["spot_columns"][:, 1], grad[out["spot_indices"]])


def test_cost_change():
    # (bound checks such as "accuracy at least 95" are the check step's own
    # `at_least`, tested in test_lessons_steps.py)
    out = ops_training.cost_change(np.array([3.0, 2.0, 0.5]))
    assert (out["cost_start"], out["cost_end"], out["cost_fell_by"]) == (3.0, 0.5, 2.5)


def test_overfitting_training_cost_falls_while_heldout_turns_up(digits):
    out = ops_accuracy.overfitting(SIZES, digits.X, digits.y, lam=0.0, train_size=300, seed=0)
    assert out["n_train"] == 300 and out["n_heldout"] == 1497
    assert out["train_costs"][-1] < 0.01
    assert out["heldout_costs"][-1] > out["heldout_costs"].min() + 0.05
    assert out["train_acc"][-1] - out["heldout_acc"][-1] > 3


def _scratch_by_hand(X, y, hidden, lr, iterations, seed=2):
    """The original from-scratch loop, written independently in W/b form."""
    rs = np.random.RandomState(seed)
    W1 = rs.randn(hidden, 2) * 0.01
    b1 = np.zeros(hidden)
    W2 = rs.randn(1, hidden) * 0.01
    b2 = np.zeros(1)
    Y = y.reshape(-1, 1).astype(float)
    m = X.shape[0]
    costs = []
    for i in range(iterations + 1):
        A1 = np.tanh(X @ W1.T + b1)
        A2 = 1 / (1 + np.exp(-(A1 @ W2.T + b2)))
        if i % 1000 == 0:
            costs.append(float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))))
        if i == iterations:
            break
        dZ2 = A2 - Y
        dW2, db2 = dZ2.T @ A1 / m, dZ2.mean(axis=0)
        dZ1 = (dZ2 @ W2) * (1 - A1**2)
        dW1, db1 = dZ1.T @ X / m, dZ1.mean(axis=0)
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    return np.array(costs), W1, W2


def test_gd_from_scratch_reproduces_the_original_run(moons):
    out = ops_moons.gd_from_scratch(moons.X, moons.y, hidden=1, learning_rate=0.01, iterations=3000)
    costs, W1, W2 = _scratch_by_hand(moons.X, moons.y, 1, 0.01, 3000)
    np.testing.assert_allclose(out["cost_every"][:, 1], costs, rtol=1e-10)
    np.testing.assert_allclose(out["gd_W1"], W1, rtol=1e-9)
    np.testing.assert_allclose(out["gd_W2"], W2, rtol=1e-9)
    assert out["cost_every"][0, 1] == pytest.approx(math.log(2), abs=1e-3)


def test_wb_steps_equal_backprop_on_thetas(moons):
    thetas = core.normal_initialize_weights((2, 4, 1), 0.01, 2)
    thetas[0][:, 0] = [0.1, -0.2, 0.3, 0.0]  # non-zero biases exercise db
    wb = ops_moons.to_wb(thetas)
    fw = ops_moons.wb_forward(wb["W1"], wb["b1"], wb["W2"], wb["b2"], moons.X)
    assert fw["A1"].shape == (200, 4) and fw["A2"].shape == (200, 1)
    J = ops_moons.wb_cost(fw["A2"], moons.y)
    assert J == pytest.approx(core.nn_cost(thetas, moons.X, moons.y, 0.0, "tanh"), abs=1e-12)
    bw = ops_moons.wb_backward(moons.X, moons.y, wb["W2"], fw["A1"], fw["A2"])
    grads = core.backprop(thetas, moons.X, moons.y, 0.0, "tanh").grads
    as_theta = ops_moons.wb_as_theta_grads(bw["dW1"], bw["db1"], bw["dW2"], bw["db2"])
    assert ops_backprop.max_abs_difference(as_theta, grads) < 1e-14
    up = ops_moons.wb_update(wb["W1"], wb["b1"], wb["W2"], wb["b2"], bw["dW1"], bw["db1"], bw["dW2"], bw["db2"], 0.5)
    np.testing.assert_allclose(up["W1_next"], wb["W1"] - 0.5 * bw["dW1"])


# ------------------------------------------------------------- lessons, headless

LESSONS = ("network", "cost", "sigmoid-gradient", "backprop", "gradient-checking", "training", "accuracy",
           "moons-from-scratch")


def _render(lesson_id, repo, **kw):
    """Run a lesson start to end with no terminal; (plain text, session)."""
    from io import StringIO

    from rich.console import Console

    from tutor.lessons.loader import load_lesson
    from tutor.lessons.runner import render_lesson

    buf = StringIO()
    console = Console(file=buf, width=110, color_system=None, force_terminal=False)
    session = render_lesson(load_lesson(repo / "lessons" / f"{lesson_id}.yaml"), console, answers=True, **kw)
    return buf.getvalue(), session


def _assert_clean(text, session):
    """No step failed, and every active check step shows a passing badge."""
    assert session.problems == {}, session.problems
    checks = sum(1 for s in session.steps if s.kind == "check")
    assert checks >= 1
    assert text.count("PASS") == checks, text
    assert "FAIL" not in text
    quizzes = [s for s in session.steps if s.kind == "quiz"]
    assert quizzes and all(q.hints for q in quizzes)


_CACHE: dict = {}


@pytest.fixture
def run(repo):
    """Render each lesson (default settings) once per test session."""

    def go(lesson_id):
        if lesson_id not in _CACHE:
            _CACHE[lesson_id] = _render(lesson_id, repo)
        return _CACHE[lesson_id]

    return go


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_lesson_loads_with_8_to_40_steps_and_notes(repo, lesson_id):
    from tutor.lessons.loader import load_lesson

    lesson = load_lesson(repo / "lessons" / f"{lesson_id}.yaml")
    assert lesson.id == lesson_id
    # 40 is the loader's own limit; type-along steps are short, so lessons grew past 25
    assert 8 <= len(lesson.steps) <= 40
    assert any(s.notes for s in lesson.steps)


def test_network_lesson(run):
    text, session = run("network")
    _assert_clean(text, session)
    for figure in ("1797 x 64", "1797 x 10", "Theta1  25 x 65", "Theta2  10 x 26", "1885"):
        assert figure in text
    assert "25 x (64 + 1)" in text


def test_cost_lesson_figures_match_the_core(run):
    text, session = run("cost")
    _assert_clean(text, session)
    v = session.ctx.values
    J0 = core.nn_cost(v["thetas"], v["X"], v["y"], 0.0)
    J1 = core.nn_cost(v["thetas"], v["X"], v["y"], 1.0)
    assert f"J (no regularization) = {J0:.6f}" in text
    assert f"J with regularization = {J1:.6f}" in text
    assert "J at chance = 6.931472" in text
    assert "h = g(z3)  1797 x 10" in text


def test_cost_lesson_lambda_is_settable(repo):
    text, session = _render("cost", repo, settings={"lambda": "3"})
    _assert_clean(text, session)
    v = session.ctx.values
    assert v["lambda"] == 3.0
    assert f"J with regularization = {core.nn_cost(v['thetas'], v['X'], v['y'], 3.0):.6f}" in text


def test_sigmoid_gradient_lesson_shows_symmetry(run):
    text, session = run("sigmoid-gradient")
    _assert_clean(text, session)
    assert "0.196612" in text and "0.250000" in text
    assert "a1 (1797 x 65) · Theta1ᵀ (65 x 25) → z2 (1797 x 25)" in text
    v = session.ctx.values
    assert v["distinct_from_zeros"] == 1 and v["distinct_from_random"] == 25
    T = v["Theta1_from_zeros"]
    assert np.abs(T - T[0]).max() < 1e-12 and np.abs(T).max() > 1e-4


def test_backprop_lesson_loop_equals_vectorized(run):
    text, session = run("backprop")
    _assert_clean(text, session)
    v = session.ctx.values
    t = v["loop_m"]  # the loop runs over the first t examples; the matrices there must agree
    assert 0 < t < v["m"] and f"over the first {t} of the {v['m']} examples" in " ".join(text.split())
    ref = core.backprop(v["thetas"], v["X"][:t], v["y"][:t], 1.0)
    np.testing.assert_allclose(v["D1_loop"], ref.grads[0], atol=1e-12)
    np.testing.assert_allclose(v["D_reg"], ref.grads[1], atol=1e-12)
    assert v["gradient_gap"] < 1e-12 and v["J_rows"] == pytest.approx(ref.J, abs=1e-12)
    full = core.backprop(v["thetas"], v["X"], v["y"], 1.0)  # the vectorized steps: all m examples
    np.testing.assert_allclose(v["D2"], full.grads[1], atol=1e-12)
    assert "delta3ᵀ (10 x 1797) · a2 (1797 x 26) → D2 (10 x 26)" in text
    assert "delta2ᵀ (25 x 1797) · a1 (1797 x 65) → D1 (25 x 65)" in text


def test_gradient_checking_lesson(run):
    text, session = run("gradient-checking")
    _assert_clean(text, session)
    v = session.ctx.values
    assert v["rel_diff"] == pytest.approx(core.check_nn_gradients(3.0).relative_difference, rel=1e-6)
    assert v["rel_diff"] < 1e-9 and v["broken_verdict"] == "fail"
    assert v["full_check_evaluations"] == 3770
    assert "evaluations for a full check = 3770" in text


def test_training_lesson_reaches_95_percent(run):
    text, session = run("training")
    _assert_clean(text, session)
    v = session.ctx.values
    p0 = core.initialize_params((64, 25, 10), "uniform", epsilon=0.12, seed=0)
    direct = core.train_network((64, 25, 10), v["X"], v["y"], p0, 1.0, method="cg", iterations=50)  # the lesson says cg
    assert v["cg_cost"] == pytest.approx(direct.cost, rel=1e-6)
    acc = 100 * core.accuracy(core.predict(core.reshape_params(direct.params, (64, 25, 10)), v["X"]), v["y"])
    assert acc >= 95 and v["accuracy_percent"] == pytest.approx(acc)
    assert v["gd_end"] > v["cost_end"]


def test_accuracy_lesson_play_table_and_overfitting(run):
    text, session = run("accuracy")
    _assert_clean(text, session)
    v = session.ctx.values
    sizes = (64, 25, 10)
    # the (30 iterations, lambda 1) row equals a direct CG run from the same start
    p0 = core.initialize_params(sizes, "uniform", epsilon=0.12, seed=0)
    direct = core.train_network(sizes, v["X"], v["y"], p0, 1.0, method="cg", iterations=30)
    assert list(v["play"][3][:3]) == ["30", "1", f"{direct.cost:.4f}"]
    assert f"{direct.cost:.4f}" in text
    C = core.confusion_matrix(v["y"], core.predict(v["thetas"], v["X"]), 10)
    np.testing.assert_array_equal(v["confusion_counts"], C)
    assert v["heldout_rise"] > 0.05 and v["accuracy_gap"] > 3
    assert v["play_accuracies"][1] < 20 and v["play_accuracies"][4] > 99  # crushed vs memorized


def test_moons_lesson(run):
    text, session = run("moons-from-scratch")
    _assert_clean(text, session)
    assert "X (two features per point)  200 x 2" in text
    assert "Z1 = X · W1ᵀ + b1  200 x 4" in text
    v = session.ctx.values
    assert v["accuracy_percent"] > 95
    assert "Decision boundary" in text


def test_moons_original_run_is_reproduced(repo, moons):
    text, session = _render("moons-from-scratch", repo, settings={"hidden": "1", "learning_rate": "0.01"})
    _assert_clean(text, session)
    costs, _, _ = _scratch_by_hand(moons.X, moons.y, 1, 0.01, 10000)
    np.testing.assert_allclose(session.ctx.values["cost_every"][:, 1], costs, rtol=1e-9)
    assert len(costs) == 11
    for c in costs:
        assert f"{c:.6f}" in text


@pytest.fixture(scope="module")
def stand_in_course_data(tmp_path_factory):
    """A 5000 x 400 .mat shaped like the course's ex4data1.mat (labels 1..10).

    The real file is not shipped. With it the lessons' course steps run; the
    published costs belong to the real pictures, so only they may fail here.
    """
    import scipy.io

    path = tmp_path_factory.mktemp("course") / "ex4data1.mat"
    X = np.random.default_rng(0).random((5000, 400)) * 0.2
    y = (np.arange(5000) % 10 + 1).reshape(-1, 1).astype(float)
    scipy.io.savemat(path, {"X": X, "y": y})
    return path


@pytest.mark.parametrize("lesson_id", ["network", "cost", "sigmoid-gradient", "backprop", "gradient-checking"])
def test_course_steps_run_on_course_shaped_files(repo, ex4_weights_path, stand_in_course_data, lesson_id):
    text, session = _render(lesson_id, repo, data=stand_in_course_data, weights=ex4_weights_path)
    assert session.env.facts["course"] and session.ctx.values["dataset"] == "course"
    # every failure is a published checkpoint, which needs the real pictures
    for problems in session.problems.values():
        assert all("Cost of the course weights" in p for p in problems), problems
    v = session.ctx.values
    if lesson_id == "network":
        assert v["n_parameters"] == 10285 and not session.problems
    else:
        assert session.problems, "the course checkpoints should have run"
    if "J_lambda0" in v:
        # what the weights alone fix (DESIGN.md): 0.0961407 per unit of lambda
        assert v["J_lambda1"] - v["J_lambda0"] == pytest.approx(0.383770 - 0.287629, abs=1e-6)


# ------------------------------------------------------ the review's pins

ALL_LESSONS = tuple(dict.fromkeys(("network", "forward-pass") + LESSONS))


def _load(repo, lesson_id):
    from tutor.lessons.loader import load_lesson

    return load_lesson(repo / "lessons" / f"{lesson_id}.yaml")


@pytest.mark.parametrize("lesson_id", ALL_LESSONS)
def test_each_lesson_points_to_an_existing_exercise(repo, lesson_id):
    from tutor.course import bundled_course
    from tutor.exercises import catalog

    known = set(catalog.load_catalog(bundled_course()))
    pointed = [s.exercise for s in _load(repo, lesson_id).steps if s.kind == "exercise"]
    assert pointed, f"{lesson_id} has no exercise step"
    assert set(pointed) <= known, set(pointed) - known


def test_every_exercise_is_pointed_to_by_its_own_lesson(repo):
    """Each exercise names the lesson it belongs to; that lesson must send the learner there."""
    from tutor.course import bundled_course
    from tutor.exercises import catalog

    for ex_id, ex in catalog.load_catalog(bundled_course()).items():
        steps = _load(repo, ex.lesson).steps
        assert ex_id in {s.exercise for s in steps if s.kind == "exercise"}, (ex_id, ex.lesson)


def test_exercises_are_listed_in_the_order_the_course_reaches_them(repo):
    """`tutor exercises` follows course.yaml's list: each exercise in the order its first
    exercise step appears when the lessons are taken in course order."""
    from tutor.course import bundled_course
    from tutor.exercises import catalog

    course = bundled_course()
    reached: list[str] = []
    for lesson_id in course.lesson_ids():
        for s in _load(repo, lesson_id).steps:
            if s.kind == "exercise" and s.exercise not in reached:
                reached.append(s.exercise)
    assert list(course.exercises) == reached
    assert list(catalog.load_catalog(course)) == reached


def test_exercise_steps_come_after_what_they_use(repo):
    """An exercise step follows the step that teaches it, not the other way round."""
    order = {
        "cost": [("unreg-check", "try-cost"), ("reg-check-badge", "try-regularized")],
        "sigmoid-gradient": [("peak-check", "try-sigmoid-gradient"), ("symmetry-quiz", "try-init")],
        "backprop": [("equal-check", "try-backprop"), ("try-backprop", "try-regularized")],
        "gradient-checking": [("central-difference", "try-numerical")],
        "moons-from-scratch": [("forward", "try-forward"), ("backward", "try-backward"), ("update", "try-update"),
                               ("try-update", "loop")],
    }
    for lesson_id, pairs in order.items():
        ids = [s.id for s in _load(repo, lesson_id).steps]
        for before, after in pairs:
            assert ids.index(before) < ids.index(after), (lesson_id, before, after)


def test_exercise_step_tells_what_to_type_whole_at_40_columns(tmp_path):
    """Every command on its own line; one too long for the line continues with a backslash."""
    from io import StringIO

    from rich.console import Console

    from tutor.lessons.steps.exercise import _ExerciseCard

    for width in (40, 100):
        buf = StringIO()
        Console(file=buf, width=width, color_system=None, legacy_windows=False).print(
            _ExerciseCard("rand-initialize-weights", "Random initialization", "rand_initialize_weights(L_in, L_out)",
                          "not started"))
        lines = [ln.strip(" │|") for ln in buf.getvalue().splitlines()]
        assert max(len(ln) for ln in buf.getvalue().splitlines()) <= width
        joined = "\n".join(lines)
        if width == 40:
            i = lines.index("tutor exercise start \\")
            assert lines[i + 1] == "rand-initialize-weights", joined
        else:
            assert "tutor exercise start rand-initialize-weights" in lines
        assert "tutor check rand-initialize-weights" in lines
        assert "tutor hint rand-initialize-weights" in lines


@pytest.mark.parametrize("lesson_id", ALL_LESSONS)
def test_no_placeholder_is_left_unfilled(repo, lesson_id):
    """A misspelt or unsupported placeholder ({a.shape[1]}) would print as is."""
    text, session = _render(lesson_id, repo) if lesson_id not in _CACHE else _CACHE[lesson_id]
    _CACHE.setdefault(lesson_id, (text, session))
    assert session.problems == {}
    assert "{" not in text and "}" not in text, [ln for ln in text.splitlines() if "{" in ln or "}" in ln]


@pytest.mark.parametrize("lesson_id", ALL_LESSONS)
def test_choice_quizzes_have_distinct_sentences(repo, lesson_id):
    """An unquoted comma in a YAML flow list splits one choice into two (it happened)."""
    for s in _load(repo, lesson_id).steps:
        if s.kind == "quiz" and s.choices:
            assert len(set(s.choices)) == len(s.choices)
            assert all(c[:1].isupper() or c[:1].isdigit() for c in s.choices), s.choices


def test_confusion_quiz_asks_a_new_reading_of_the_matrix(repo):
    """Not "where are the right ones" (the screen before says: on the diagonal), but what a column adds up."""
    quiz = next(s for s in _load(repo, "accuracy").steps if s.id == "confusion-quiz")
    assert len(quiz.choices) == 4 and "column" in quiz.question
    assert "answered 3" in quiz.choices[quiz.answer]


def test_backprop_lesson_shows_the_matrices_faster(run):
    """Timed on one BLAS thread, best of several runs: the vectorized pass must beat the loop."""
    _, session = run("backprop")
    v = session.ctx.values
    assert v["speedup"] > 3, (v["seconds_loop"], v["seconds_vectorized"])
    assert v["loop_m"] < v["m"] and v["speedup_all"] > 3, v["seconds_loop_all"]


def test_spot_check_costs_less_than_the_full_check_it_is_compared_with(run):
    _, session = run("gradient-checking")
    v = session.ctx.values
    # 40 nudged costs (+ one backprop) against 3770: the spot check must be the cheap one
    assert v["spot_seconds"] < v["full_check_seconds"]


# The operations the lessons name, as they were named before ops_curriculum.py
# was split into one module per lesson: a lesson written against them must
# still load.
LESSON_OPERATIONS = {
    "ops_network_lesson": {"label_counts", "parameter_count", "roll_round_trip", "pick_example", "theta_shape_texts"},
    "ops_forward_pass": {"feedforward_h"},
    "ops_cost": {"cost_terms", "regularization_parts", "chance_cost", "cost_at_lambdas", "network_cost"},
    "ops_sigmoid_gradient": {"sigmoid_gradient_values", "saturation", "init_epsilons", "symmetry_demo"},
    "ops_backprop": {"one_example", "outer_product", "max_abs_difference", "regularize_gradient", "time_backprop",
                     "loop_backprop", "matrices_against_loop", "vectorized_backprop"},
    "ops_gradient_checking": {"debug_network", "debug_gradient_check", "broken_gradient_check",
                              "time_gradient_check", "network_spot_check"},
    "ops_training": {"percent_correct", "cost_change", "random_start", "reshape_trained"},
    "ops_accuracy": {"play_table", "overfitting", "confusion"},
    "ops_moons": {"to_wb", "wb_forward", "wb_cost", "wb_backward", "wb_as_theta_grads", "wb_update",
                  "gd_from_scratch"},
}


def test_each_lessons_operations_keep_their_names_in_that_lessons_module():
    from tutor.course import bundled_course, course_vocabulary

    operations = course_vocabulary(bundled_course()).load().operations
    for module, names in LESSON_OPERATIONS.items():
        for name in names:
            assert operations[name].func.__module__ == f"tutor.courses.backprop.{module}", name
    assert sum(len(n) for n in LESSON_OPERATIONS.values()) == 42
