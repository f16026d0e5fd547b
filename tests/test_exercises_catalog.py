"""Exercise files: the catalog, the strict loader, validation, and the variants' maths."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tutor.course import bundled_course
from tutor.exercises.catalog import load_catalog, load_exercise_file, status
from tutor.exercises.loader import ExerciseFormatError

IDS = [
    "sigmoid-gradient", "rand-initialize-weights", "feedforward-cost", "regularized-cost", "backprop-gradient",
    "regularized-gradient", "numerical-gradient", "predict", "forward-propagation", "backward-propagation",
    "update-parameters",
]


def test_catalog_has_the_eleven_exercises_in_course_order():
    catalog = load_catalog(bundled_course())
    assert set(IDS) <= set(catalog)
    assert list(catalog) == list(bundled_course().exercises)  # course.yaml's order, every exercise listed
    ex = catalog["backprop-gradient"]
    assert ex.function == "nn_cost_function"
    assert ex.params == ("params", "layer_sizes", "X", "y", "lam")
    assert ex.check == ("J", "grad") and catalog["feedforward-cost"].check == ("J",)
    assert any(t.hidden for t in ex.tests) and any(not t.hidden for t in ex.tests)
    assert catalog["predict"].reference.__module__ == "tutor.core.metrics"


def test_status_follows_progress():
    from tutor.progress import ProgressStore

    store = ProgressStore()
    assert status("predict", store) == "not started"
    store.update_exercise("predict", started=True)
    assert status("predict", store) == "failing"
    store.update_exercise("predict", passed=True)
    assert status("predict", store) == "passed"


GOOD = (load_catalog(bundled_course())["sigmoid-gradient"].path).read_text()


def _write(tmp_path, text, name="sigmoid-gradient.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("change, words", [
    (lambda t: t.replace("title: The sigmoid gradient", "title: &a The sigmoid gradient\nsummary: *a"), "anchors and aliases"),
    (lambda t: t.replace("points: 2", "points: !!python/object:os.system 2", 1), "tags"),
    (lambda t: t + "colour: blue\n", "unknown key"),
    (lambda t: t.replace("    points: 1\n", "    points: lots\n", 1), "must be a number"),
    (lambda t: t.replace("reference: sigmoid_gradient", "reference: os.system"), "neither a registered reference"),
    # a dotted module path is never imported: importing tutor.__main__ (or the CLI) could run it
    (lambda t: t.replace("reference: sigmoid_gradient", "reference: tutor.__main__.main"), "neither a registered reference"),
    (lambda t: t.replace("reference: sigmoid_gradient", "reference: refs.py:sigmoid_gradient"), "there is no file refs.py"),
    (lambda t: t.replace("  - import numpy as np\n", "  - import numpy as np\n  - from tutor.core import sigmoid\n"),
     "imports the tutor package"),
    (lambda t: t.replace("helpers: [sigmoid]", "helpers: [no_such_helper]"), "unknown helper"),
    (lambda t: t.replace("diagnoses: [sigmoid-instead-of-gradient", "diagnoses: [no-such-mistake"), "unknown diagnosis"),
])
def test_loader_rejects_bad_files_naming_file_line_and_key(tmp_path, change, words):
    path = _write(tmp_path, change(GOOD))
    with pytest.raises(ExerciseFormatError) as info:
        load_exercise_file(path, bundled_course())
    msg = info.value.message
    assert str(path) in msg and words in msg
    assert re.search(re.escape(str(path)) + r":\d+(:\d+)?: ", msg), msg  # file:line[:column]: as a lesson's


def test_loader_error_points_at_the_right_line(tmp_path):
    text = GOOD.replace("    points: 1\n", "    points: -1\n", 1)
    line = text.splitlines().index("    points: -1") + 1
    with pytest.raises(ExerciseFormatError, match=f"yaml:{line}: tests\\[1\\].points: must be a number"):
        load_exercise_file(_write(tmp_path, text), bundled_course())


def test_id_must_match_the_file_name(tmp_path):
    with pytest.raises(ExerciseFormatError, match="must equal the file name"):
        load_exercise_file(_write(tmp_path, GOOD, name="other.yaml"), bundled_course())


def test_validate_reports_a_broken_exercise(tmp_path):
    from tutor.exercises.validate import validate_exercises

    # A test whose argument is the wrong thing entirely: the reference cannot pass it,
    # and a mistake that cannot show on these inputs is not recognised.
    bad = GOOD.replace("diagnoses: [", "placeholder: return sigmoid(z) * (1 - sigmoid(z))\ndiagnoses: [")
    assert bad != GOOD
    problems = validate_exercises([_write(tmp_path, bad)], bundled_course())
    assert any("the stub passes tests it should fail" in p for p in problems), problems
    problems = validate_exercises([_write(tmp_path, GOOD + "colour: blue\n")], bundled_course())
    assert len(problems) == 1 and "unknown key" in problems[0]


# -- the variants are what their names say (checked against independent formulas) --


def test_sigmoid_variants_against_hand_values():
    from tutor.courses.backprop.exercises.variants import gradient_of_activation, sigmoid_instead_of_gradient

    z = np.array([-1.0, 0.0, 1.0])
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(sigmoid_instead_of_gradient(z), s)
    g = 1 / (1 + np.exp(-s))
    np.testing.assert_allclose(gradient_of_activation(z), g * (1 - g))


def test_nn_variants_differ_from_the_core_by_exactly_their_mistake():
    from tutor.core import nn_cost_function, reshape_params
    from tutor.courses.backprop.exercises.fixtures import grader_network
    from tutor.courses.backprop.exercises.variants import _nn

    net = grader_network()
    args = (net["params"], net["layer_sizes"], net["X"], net["y"], 1.5)
    J, grad = nn_cost_function(*args)
    m = 16
    J0, grad0 = _nn(*args)  # no switch: the right answer
    assert J0 == pytest.approx(J, rel=1e-12)
    np.testing.assert_allclose(grad0, grad, atol=1e-14)
    T1, T2 = reshape_params(net["params"], net["layer_sizes"])
    bias_sq = float((T1[:, 0] ** 2).sum() + (T2[:, 0] ** 2).sum())
    Jb, _ = _nn(*args, reg_j_bias=True)
    assert Jb - J == pytest.approx(1.5 / (2 * m) * bias_sq, rel=1e-10)
    all_sq = float((T1[:, 1:] ** 2).sum() + (T2[:, 1:] ** 2).sum())
    Jf, _ = _nn(*args, reg_j=1.0)
    assert Jf - J == pytest.approx(1.5 / (2 * m) * all_sq, rel=1e-10)
    _, gm = _nn(*args, grad_m=False)
    Jr, gr = nn_cost_function(net["params"], net["layer_sizes"], net["X"], net["y"], 0.0)
    np.testing.assert_allclose(gm - (grad - gr), gr * m, rtol=1e-10)
    _, gk = _nn(*args, bias_delta="a")
    assert gk.size == grad.size + 3  # Theta1 is 4 x 3: one extra row of 3


def test_init_signature_classifies_starting_weights():
    from tutor.courses.backprop.exercises.variants import init_signature

    rng = np.random.default_rng(0)
    assert init_signature(np.zeros((5, 4)), 3, 5)[1] == "symmetric"
    assert init_signature(np.tile(rng.uniform(-0.12, 0.12, 401), (25, 1)), 400, 25)[1] == "symmetric"
    assert init_signature(np.tile(rng.uniform(-0.12, 0.12, (25, 1)), (1, 401)), 400, 25)[1] == "symmetric"
    assert init_signature(rng.uniform(0, 0.12, (25, 401)), 400, 25)[1] == "nonnegative"
    assert init_signature(rng.uniform(-1, 1, (25, 401)), 400, 25)[1] == "too-wide"
    assert init_signature(rng.uniform(-0.12, 0.12, (25, 401)), 400, 25) == ((25, 401), "ok")


@pytest.mark.parametrize("option, words", [
    ("m: 1000000000", "is too large"),
    ("sizes: [4, 6, 3, 4, 6, 3, 4, 6, 3, 4, 6, 3, 4, 6, 3, 4, 6]", "at most 16"),
    ("sizes: [4, 600000, 3]", "is too large"),
])
def test_fixture_options_are_bounded_before_any_input_is_built(tmp_path, option, words):
    good = (load_catalog(bundled_course())["feedforward-cost"].path).read_text()
    text = good.replace("with: {sizes: [4, 6, 3], m: 12, seed: 5}", "with: {" + option + ", seed: 5}")
    assert text != good
    with pytest.raises(ExerciseFormatError) as info:
        load_exercise_file(_write(tmp_path, text, "feedforward-cost.yaml"), bundled_course())
    assert words in info.value.message and "with." in info.value.message
