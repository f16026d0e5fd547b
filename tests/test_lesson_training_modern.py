"""The training lesson's modern section: the optimizer race, a tiny batch overfitted, a rate sweep, NaN."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from tutor.core import initialize_params, nn_cost_function, reshape_params
from tutor.courses.backprop import ops_optimizers
from tutor.courses.backprop.datasets import load_digits
from tutor.render.curves import Curves

SIZES = (64, 25, 10)


@pytest.fixture(scope="module")
def start():
    ds = load_digits()
    return initialize_params(SIZES, "uniform", seed=0), ds.X, ds.y


def test_the_race_puts_four_paths_from_the_same_start_on_a_measured_clock(start):
    p0, X, y = start
    paths = ops_optimizers.optimizer_paths.__wrapped__(p0, SIZES, X, y, 1.0, 30, 8)["paths"]
    r = ops_optimizers.optimizer_race(paths, p0, SIZES, X, y, 1.0)
    J0 = nn_cost_function(p0, SIZES, X, y, 1.0)[0]
    names = [name for name, _, _ in r["race_curves"]]
    assert names == ["CG", "L-BFGS", "momentum, batch 64", "Adam, batch 64"]
    for k, (_, t, J) in enumerate(r["race_curves"]):
        assert t[0] == 0.0 and J[0] == pytest.approx(J0)
        assert np.all(np.diff(t) >= 0) and t[-1] == pytest.approx(r["race_seconds"])
        assert J[-1] < J0 / 2  # every one of them learns something
        # the clock is the measured speed times the work: a full-batch path's last record is its 30th evaluation
        work = paths[3 * k]
        rate = r["seconds_full_pass"] if k < 2 else r["seconds_batch_pass"]
        assert t[1] == pytest.approx(work[1] * rate)
    assert paths[0][-1] >= 30 and paths[6][-1] == pytest.approx(8.0)  # CG's evaluations; momentum's passes
    finals = [float(row[2]) for row in r["race_table"]]
    assert r["race_final_name"] == names[int(np.argmin(finals))]
    assert r["batch_steps"] == 29


def test_the_mini_batch_path_is_the_core_run(start):
    p0, X, y = start
    from tutor.core.optim import minibatch_train

    paths = ops_optimizers.optimizer_paths.__wrapped__(p0, SIZES, X, y, 1.0, 5, 2)["paths"]
    m = len(y)
    res = minibatch_train(lambda p, rows: nn_cost_function(p, SIZES, X[rows], y[rows], len(rows) / m),
                          lambda p: nn_cost_function(p, SIZES, X, y, 1.0)[0], p0, m, "adam", batch_size=64,
                          epochs=2, learning_rate=0.01, seed=0, report_every=7)
    assert np.allclose(paths[10], res.costs) and paths[11][0] == 58


def test_a_tiny_batch_is_learnt_by_heart(start):
    p0, X, y = start
    r = ops_optimizers.overfit_tiny(p0, SIZES, X, y, 20, 200)
    assert r["tiny_final"] < 1e-3 and r["tiny_correct"] == r["tiny_m"] == 20
    assert r["tiny_costs"][0] == pytest.approx(nn_cost_function(p0, SIZES, X[:20], y[:20], 0.0)[0])


def test_the_sweep_is_a_valley(start):
    p0, X, y = start
    r = ops_optimizers.rate_sweep(p0, SIZES, X, y, 1.0, 5)
    J = np.array([float(v) for v in r["sweep_table"][:, 1]])
    best = int(np.argmin(J))
    assert 0 < best < len(J) - 1  # too small and too large both do worse
    assert float(r["sweep_table"][best, 0]) == r["sweep_best"]
    assert J[-1] > 10 * J[best]


def test_nan_comes_from_the_formula_and_not_from_z(start):
    p0, X, y = start
    thetas = reshape_params(p0, SIZES)
    r = ops_optimizers.nan_sources(thetas, X, y, 100, 100)
    assert np.isnan(r["naive_cost"])
    # the stable cost, recomputed here from z with logaddexp
    a = X
    for T in thetas[:-1]:
        a = 1 / (1 + np.exp(-(a @ (100 * T[:, 1:]).T + 100 * T[:, 0])))
    z = a @ (100 * thetas[-1][:, 1:]).T + 100 * thetas[-1][:, 0]
    Y = np.eye(10)[y]
    expected = (np.logaddexp(0, z) - Y * z).sum() / len(y)
    assert r["stable_cost"] == pytest.approx(expected, rel=1e-10)
    assert r["nan_step"] is not None and r["nan_step"] >= 1
    assert dict(r["nan_table"].tolist())["0 * np.log(0)"] == "nan"


def test_curves_draw_one_letter_per_series():
    c = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    c.print(Curves([("alpha", [0, 1, 2], [4, 2, 1]), ("beta", [0, 2], [4, 4])], x_label="seconds", y_label="J",
                   height=5))
    out = c.export_text()
    rows = [ln.split("│", 1)[1] for ln in out.splitlines()[:5]]
    assert rows[0].strip().startswith("b") and set(rows[0].strip()) == {"b"}  # beta stays at the top
    assert "a" in rows[-1]  # alpha ends at the bottom
    assert "a = alpha, b = beta" in out
    with pytest.raises(ValueError, match="3 x values but 2 y values"):
        Curves([("x", [0, 1, 2], [1, 2])])
