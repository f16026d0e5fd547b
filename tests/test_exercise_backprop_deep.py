"""The backprop-deep exercise: its reference against central differences, and a learner's file checked
right and with each classic mistake named."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from tutor.core import compute_numerical_gradient, unroll
from tutor.core.deep import deep_cost_only
from tutor.courses.backprop.exercises.deep import (
    backprop_deep,
    deep_digits,
    deep_random,
)

RIGHT = """\
import numpy as np
from tutor_helpers import sigmoid, sigmoid_gradient


def backprop_deep(thetas, X, y, lam):
    m = X.shape[0]
    Y = np.eye(thetas[-1].shape[0])[y]
    a = [np.hstack([np.ones((m, 1)), X])]
    zs = []
    for T in thetas:
        zs.append(a[-1] @ T.T)
        a.append(np.hstack([np.ones((m, 1)), sigmoid(zs[-1])]))
    h = a[-1][:, 1:]
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    J += lam / (2 * m) * sum(np.sum(T[:, 1:] ** 2) for T in thetas)
    delta = h - Y
    grads = [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        D = delta.T @ a[l] / m
        D[:, 1:] += lam / m * thetas[l][:, 1:]
        grads[l] = D
        if l > 0:
            delta = (delta @ thetas[l])[:, 1:] * sigmoid_gradient(zs[l - 1])
    return J, grads
"""

MISTAKES = {
    "regularized-bias": ("D[:, 1:] += lam / m * thetas[l][:, 1:]", "D += lam / m * thetas[l]"),
    "gradient-with-a-not-z": ("sigmoid_gradient(zs[l - 1])", "sigmoid_gradient(a[l][:, 1:])"),
    "missing-divide-by-m": ("D = delta.T @ a[l] / m", "D = delta.T @ a[l]"),
    "bias-delta-kept": ("(delta @ thetas[l])[:, 1:] * sigmoid_gradient(zs[l - 1])",
                        "(delta @ thetas[l]) * a[l] * (1 - a[l])"),
}


@pytest.mark.parametrize("fixture,options,lam", [
    (deep_digits, {"sizes": (64, 30, 20, 10), "m": 40, "seed": 1}, 1.0),
    (deep_random, {"sizes": (4, 6, 5, 4, 3), "m": 12, "seed": 5}, 2.0),
])
def test_the_reference_is_the_numerical_gradient(fixture, options, lam):
    args = fixture(**options)
    thetas, X, y = args["thetas"], args["X"], args["y"]
    sizes = [thetas[0].shape[1] - 1] + [T.shape[0] for T in thetas]
    J, grads = backprop_deep(thetas, X, y, lam)
    params = unroll(thetas)
    num = compute_numerical_gradient(lambda p: deep_cost_only(p, sizes, X, y, lam), params)
    ana = unroll(grads)
    assert np.linalg.norm(num - ana) / np.linalg.norm(num + ana) < 1e-8
    assert J == pytest.approx(deep_cost_only(params, sizes, X, y, lam), abs=1e-12)


def _check(tmp_path, source):
    from tutor.course import bundled_course
    from tutor.exercises.catalog import get_exercise
    from tutor.exercises.check import check_file

    path = tmp_path / "backprop-deep.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return check_file(get_exercise("backprop-deep", bundled_course()), path)


def test_a_right_answer_passes_every_test(tmp_path):
    result = _check(tmp_path, RIGHT)
    assert result.passed and result.score == result.max_score == 10


@pytest.mark.parametrize("diagnosis", sorted(MISTAKES))
def test_each_classic_mistake_is_named(tmp_path, diagnosis):
    old, new = MISTAKES[diagnosis]
    assert old in RIGHT
    result = _check(tmp_path, RIGHT.replace(old, new))
    assert not result.passed
    import io

    from rich.console import Console

    from tutor.exercises.report import render_text

    c = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    c.print(render_text(result))
    assert f"[{diagnosis}]" in c.export_text()
