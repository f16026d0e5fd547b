"""What `tutor solution` shows for the four nn_cost_function exercises: readable, vectorised, and right.

Each answer is compared with the library's nn_cost_function on the
exercise's own fixtures (the checker grades learners against it, so it must
agree to rounding), and its shown source must be the plain maths a learner
writes, not the library's wrapper.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

from tutor import core
from tutor.courses.backprop.exercises import fixtures
from tutor.courses.backprop.exercises.solutions import (
    backprop_gradient,
    feedforward_cost,
    regularized_cost,
    regularized_gradient,
)

FIXTURES = [fixtures.debug_network(), fixtures.grader_network(), fixtures.random_network((4, 6, 3), 12, 7)]


@pytest.mark.parametrize("net", FIXTURES, ids=["debug", "grader", "random"])
@pytest.mark.parametrize("lam", [0.0, 1.5])
def test_each_answer_equals_the_library_at_its_stage(net, lam):
    args = (net["params"], net["layer_sizes"], net["X"], net["y"])
    J_lib, grad_lib = core.nn_cost_function(*args, lam)
    J0, grad0 = core.nn_cost_function(*args, 0.0)
    # the two cost-only stages return a zero gradient; the lambda-0 stages ignore lam (their tests pass 0)
    J, g = feedforward_cost.nn_cost_function(*args, 0.0)
    assert J == pytest.approx(J0, rel=1e-12) and not np.any(g)
    J, g = regularized_cost.nn_cost_function(*args, lam)
    assert J == pytest.approx(J_lib, rel=1e-12) and not np.any(g)
    J, g = backprop_gradient.nn_cost_function(*args, 0.0)
    assert J == pytest.approx(J0, rel=1e-12)
    np.testing.assert_allclose(g, grad0, rtol=1e-10, atol=1e-15)
    J, g = regularized_gradient.nn_cost_function(*args, lam)
    assert J == pytest.approx(J_lib, rel=1e-12)
    np.testing.assert_allclose(g, grad_lib, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize(("module", "must_show"), [
    (feedforward_cost, ["a1 = np.hstack", "np.log(1 - h)"]),
    (regularized_cost, ["Theta1[:, 1:] ** 2", "lam / (2 * m)"]),
    (backprop_gradient, ["delta3 = h - Y", "sigmoid_gradient(z2)", "delta2.T @ a1 / m"]),
    (regularized_gradient, ["D1[:, 1:] += lam / m * Theta1[:, 1:]", "delta3.T @ a2 / m"]),
])
def test_the_shown_source_is_the_maths_not_the_librarys_wrapper(module, must_show):
    source = inspect.getsource(module.nn_cost_function)
    assert source.startswith("def nn_cost_function(params, layer_sizes, X, y, lam):")
    assert "_backward" not in source and "as_float" not in source and "keep=" not in source
    for text in must_show:
        assert text in source, text
    assert not re.search(r"^\s*for ", source, re.MULTILINE)  # vectorised: no loop over the examples


def test_the_four_exercises_name_these_answers_as_their_reference(repo):
    import yaml

    from tutor.courses.backprop.exercises import references

    for ex_id, module in (("feedforward-cost", feedforward_cost), ("regularized-cost", regularized_cost),
                          ("backprop-gradient", backprop_gradient), ("regularized-gradient", regularized_gradient)):
        doc = yaml.safe_load((repo / "exercises" / f"{ex_id}.yaml").read_text())
        assert doc["reference"] == module.__name__.rpartition(".")[2], ex_id
    assert references is not None


def test_the_unchanged_stub_does_not_pass_its_own_gradient_check():
    """J = 0 and a zero gradient agree perfectly and say nothing: the check is skipped, saying why."""
    from tutor.exercises import child

    net = fixtures.debug_network()
    args = (net["params"], net["layer_sizes"], net["X"], net["y"], 0)

    def stub(params, layer_sizes, X, y, lam):  # the exercise's placeholder, as a learner first sees it
        return 0.0, np.zeros_like(params)

    out = child._gradient_check(np, stub, args)
    assert "relative_difference" not in out
    assert "does not change" in out["skipped"] and "all zeros" in out["skipped"]
    right = child._gradient_check(np, backprop_gradient.nn_cost_function, args)
    assert right["relative_difference"] < 1e-9 and right["n"] == 38


@pytest.mark.parametrize("module", [feedforward_cost, regularized_cost, backprop_gradient, regularized_gradient])
def test_the_shown_source_fits_an_80_column_terminal_uncut(module):
    assert max(len(line) for line in inspect.getsource(module.nn_cost_function).splitlines()) <= 78
