"""`tutor play`: the (maxiter, lambda) table, its JSON, its reading, its errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.courses.backprop.play import DEFAULT_CASES, PlayCase, PlayResult, parse_cases, reading

runner = CliRunner()


@pytest.fixture(scope="module")
def default_json():
    """The default table on the bundled digits, as `--json` prints it (run once)."""
    result = runner.invoke(app, ["play", "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_default_cases_are_the_course_table():
    assert [(c.maxiter, c.lam) for c in DEFAULT_CASES] == [(10, 0.5), (10, 100), (10, 1000), (30, 1), (200, 0)]


def test_json_has_exactly_the_documented_schema(default_json):
    assert list(default_json) == ["cases"]
    cases = default_json["cases"]
    assert [(c["maxiter"], c["lambda"]) for c in cases] == [(10, 0.5), (10, 100), (10, 1000), (30, 1), (200, 0)]
    for case in cases:
        assert set(case) == {"maxiter", "lambda", "cost", "train_accuracy", "test_accuracy"}
        assert isinstance(case["maxiter"], int)
        assert 0.0 <= case["train_accuracy"] <= 1.0 and 0.0 <= case["test_accuracy"] <= 1.0
        assert case["cost"] > 0


def test_more_regularization_fits_the_training_set_no_better(default_json):
    by_case = {(c["maxiter"], c["lambda"]): c for c in default_json["cases"]}
    light, heavy, heavier = by_case[(10, 0.5)], by_case[(10, 100)], by_case[(10, 1000)]
    assert light["train_accuracy"] > 0.7
    # lambda 100 and 1000 both pin the outputs near uniform: training accuracy
    # falls to chance (1 in 10), where which of the two is a point higher is
    # noise; so "no better" is judged against chance, not exactly.
    chance = 0.1
    for case in (heavy, heavier):
        assert case["train_accuracy"] <= light["train_accuracy"]
        assert case["train_accuracy"] <= chance + 0.05
    assert heavier["train_accuracy"] <= heavy["train_accuracy"] + 0.05
    # The penalty shows in the cost too: the heavy cases cannot bring J down.
    assert heavy["cost"] > 2 * light["cost"] and heavier["cost"] > 2 * light["cost"]
    # Without a penalty and with time, the training set is fitted best of all.
    assert by_case[(200, 0)]["train_accuracy"] == max(c["train_accuracy"] for c in default_json["cases"])


def test_one_case_matches_an_independent_computation(default_json):
    """(30, 1) recomputed with scipy directly, and a hand-written forward pass."""
    from scipy.optimize import minimize

    from tutor.core import initialize_params, nn_cost_function
    from tutor.courses.backprop.datasets import load_dataset, train_test_split

    train_set, test_set = train_test_split(load_dataset("digits"), test_fraction=0.2, seed=0)
    sizes = (64, 25, 10)
    p0 = initialize_params(sizes, seed=0)

    def f(p):
        return nn_cost_function(p, sizes, train_set.X, train_set.y, 1.0)

    res = minimize(f, p0, jac=True, method="CG", options={"maxiter": 30})
    Theta1 = res.x[: 25 * 65].reshape(25, 65)
    Theta2 = res.x[25 * 65:].reshape(10, 26)

    def accuracy(ds):
        sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
        a2 = sig(np.c_[np.ones(ds.m), ds.X] @ Theta1.T)
        h = sig(np.c_[np.ones(ds.m), a2] @ Theta2.T)
        return float(np.mean(h.argmax(axis=1) == ds.y))

    case = next(c for c in default_json["cases"] if (c["maxiter"], c["lambda"]) == (30, 1))
    assert case["cost"] == pytest.approx(f(res.x)[0], rel=1e-6)
    assert case["train_accuracy"] == pytest.approx(accuracy(train_set), abs=1e-12)
    assert case["test_accuracy"] == pytest.approx(accuracy(test_set), abs=1e-12)
    assert train_set.m == 1438 and test_set.m == 359


def test_table_and_reading_are_printed(tmp_path):
    result = runner.invoke(app, ["play", "--dataset", "moons", "--cases", "40:0,40:30", "--hidden", "5"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "held-out accuracy" in out and "train accuracy" in out and "cost J" in out
    assert "moons" in out and "2-5-1" in out
    # lambda 30 on 160 points cannot fit the moons: the reading must say so.
    assert "Over-regularized: lambda 30" in out
    assert "Best on held-out data: 40 iterations at lambda 0" in out


def test_progress_goes_to_stderr_with_json():
    result = runner.invoke(app, ["play", "--json", "--dataset", "moons", "--cases", "3:0"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["cases"][0]["maxiter"] == 3  # stdout is JSON only
    assert "1 case trained" in result.stderr


def _r(maxiter, lam, train, test, cost=0.5):
    return PlayResult(maxiter, lam, cost, train, test, maxiter)


def test_reading_names_overfitting_and_over_regularization_from_the_numbers():
    results = [_r(10, 0.5, 0.80, 0.78), _r(10, 100, 0.30, 0.29), _r(30, 1, 0.95, 0.94), _r(200, 0, 1.00, 0.88, 0.001)]
    text = " ".join(reading(results))
    assert "Best on held-out data: 30 iterations at lambda 1" in text
    assert "Overfitting: 200 iterations at lambda 0" in text and "12.0 points" in text
    assert "Over-regularized: lambda 100" in text
    assert "Stopped too soon: 10 iterations at lambda 0.5" in text


def test_reading_changes_with_the_numbers():
    # The same cases, but nothing overfits and the penalty costs nothing.
    results = [_r(10, 0.5, 0.90, 0.90), _r(10, 100, 0.90, 0.90), _r(30, 1, 0.95, 0.95), _r(200, 0, 0.96, 0.96)]
    text = " ".join(reading(results))
    assert "Overfitting" not in text and "Over-regularized" not in text
    assert "No case overfits" in text and "No case is over-regularized" in text


def test_parse_cases():
    assert parse_cases("10:0.5, 30:1") == [PlayCase(10, 0.5), PlayCase(30, 1.0)]


@pytest.mark.parametrize(
    "cases, words",
    [
        ("10x", "not maxiter:lambda"),
        ("ten:1", "not a whole number"),
        ("10:abc", "not a number"),
        ("0:1", "at least 1"),
        ("10:-1", ">= 0"),
        (",", "empty"),
    ],
)
def test_bad_cases_are_one_clear_error(cases, words):
    result = runner.invoke(app, ["play", "--cases", cases])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and words in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args, words",
    [
        (["--test-fraction", "1.5"], "--test-fraction"),
        (["--dataset", "no-such-file.csv"], "no-such-file.csv"),
    ],
)
def test_bad_options_are_one_clear_error(args, words):
    result = runner.invoke(app, ["play", "--cases", "1:0", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and words in result.stderr


def test_help_lists_every_option():
    result = runner.invoke(app, ["play", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--dataset", "--cases", "--hidden", "--seed", "--test-fraction", "--json"):
        assert option in result.stdout
