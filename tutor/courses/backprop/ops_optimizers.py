"""The training lesson's modern section: optimizers raced on the clock, and debugging a training run.

Mini-batch momentum and Adam (tutor.core.optim) against full-batch CG and
L-BFGS (tutor.core.train) on the same network from the same start, each
given the same budget of seconds and measured as it runs; a tiny batch
overfitted; a sweep of learning rates; where NaN comes from. Everything
returns data for a lesson step; nothing prints. A parameter named `lam` is
the lesson's `lambda`.
"""

from __future__ import annotations

import time

import numpy as np

from tutor.core import nn_cost_function, predict, reshape_params, train
from tutor.core.cost import cross_entropy
from tutor.core.optim import first_nonfinite, minibatch_train
from tutor.courses.backprop.ops_common import as_sizes, text_table
from tutor.plugin import operation, view

RACERS = ("cg", "lbfgs", "momentum", "adam")
NAMES = {"cg": "CG", "lbfgs": "L-BFGS", "momentum": "momentum, batch 64", "adam": "Adam, batch 64"}
# Learning rates that work for this network from this start (found by the sweep step's kind of search).
RATES = {"momentum": 0.5, "adam": 0.01}


def _full_batch(method, cost_grad, params0, seconds):
    """(seconds, cost) after each iteration of a scipy optimizer, until `seconds` have passed."""
    import scipy.optimize  # noqa: F401  (imported before the clock starts: its first import takes most of a second)

    start = time.perf_counter()
    times, costs = [], []

    def on_record(rec) -> bool:
        times.append(time.perf_counter() - start)
        costs.append(rec.cost)
        return times[-1] >= seconds

    result = train(cost_grad, params0, method, 10000, callback=on_record)
    times[0] = 0.0  # record 0 is the starting point, before any work
    return np.array(times), np.array(costs), result.iterations


def _mini_batch(rule, sizes, X, y, lam, params0, seconds, batch_size=64, seed=0):
    m = X.shape[0]

    def batch(p, rows):  # the penalty shared out: a batch of b examples carries b/m of it
        return nn_cost_function(p, sizes, X[rows], y[rows], lam * len(rows) / m)

    def full(p):
        return nn_cost_function(p, sizes, X, y, lam)[0]

    every = max(1, int(np.ceil(m / batch_size)) // 4)  # four records per pass over the data
    res = minibatch_train(batch, full, params0, m, rule, batch_size=batch_size, epochs=10000,
                          learning_rate=RATES[rule], seed=seed, report_every=every, budget_seconds=seconds)
    return res.seconds, res.costs, res.history[-1].step


@operation("optimizer_race", outputs=("race_curves", "race_table", "race_early_winner", "race_final_winner",
                                      "race_early_name", "race_final_name"),
           ahead=True)
def optimizer_race(params, layer_sizes, X, y, lam: float = 0.0, seconds: float = 0.4) -> dict:
    """CG, L-BFGS, momentum and Adam from the same start, each for `seconds` of its own work, timed live.

    race_curves: [(name, seconds, costs)] for the `curves` view; race_table rows: method,
    J after a tenth of the budget, J at the end, updates made, examples seen per update.
    race_early_winner / race_final_winner: the index in RACERS of the lowest J then, and
    race_early_name / race_final_name its name.
    """
    sizes = as_sizes(layer_sizes)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(np.intp).ravel()
    params0 = np.asarray(params, dtype=float)
    seconds = float(seconds)

    def cost_grad(p):
        return nn_cost_function(p, sizes, X, y, lam)

    curves, rows, early, final = [], [], [], []
    for name in RACERS:
        if name in ("cg", "lbfgs"):
            t, J, updates = _full_batch(name, cost_grad, params0, seconds)
            per = X.shape[0]
        else:
            t, J, updates = _mini_batch(name, sizes, X, y, lam, params0, seconds)
            per = 64
        curves.append((NAMES[name], t, J))
        at_early = float(np.interp(seconds / 10, t, J))
        early.append(at_early)
        final.append(float(J[-1]))
        rows.append([NAMES[name], f"{at_early:.3f}", f"{J[-1]:.3f}", str(updates), str(per)])
    first, last = int(np.argmin(early)), int(np.argmin(final))
    return {"race_curves": curves, "race_table": text_table(rows), "race_early_winner": first,
            "race_final_winner": last, "race_early_name": NAMES[RACERS[first]], "race_final_name": NAMES[RACERS[last]]}


@view("curves", options={"log": ("bool", False)})
def curves(value, ctx, spec):
    """Several curves against one x (as optimizer_race gives: [(name, xs, ys)]); log: a log scale for y."""
    from tutor.render.curves import Curves

    return Curves(value, title=spec.label, x_label="seconds", y_label="J", log_y=bool(spec.option("log", False)))


@operation("overfit_tiny", outputs=("tiny_costs", "tiny_final", "tiny_correct", "tiny_m"))
def overfit_tiny(params, layer_sizes, X, y, count: int = 20, iterations: int = 200) -> dict:
    """Train on the first `count` examples only, lambda = 0: a working network must learn them by heart.

    tiny_costs: J per L-BFGS iteration; tiny_correct: how many of the `count` it then gets right.
    """
    sizes = as_sizes(layer_sizes)
    Xs = np.asarray(X, dtype=float)[: int(count)]
    ys = np.asarray(y).astype(np.intp).ravel()[: int(count)]
    res = train(lambda p: nn_cost_function(p, sizes, Xs, ys, 0.0), np.asarray(params, dtype=float), "lbfgs",
                int(iterations))
    correct = int((predict(reshape_params(res.params, sizes), Xs) == ys).sum())
    return {"tiny_costs": res.costs, "tiny_final": float(res.cost), "tiny_correct": correct, "tiny_m": int(ys.size)}


@operation("rate_sweep", outputs=("sweep_bars", "sweep_table", "sweep_best", "sweep_blowups"))
def rate_sweep(params, layer_sizes, X, y, lam: float = 0.0, epochs: float = 1.0) -> dict:
    """Mini-batch momentum for `epochs` passes at learning rates 0.01, 0.03, ..., 100; J after each.

    sweep_bars: for the `bars` view; sweep_best: the rate with the lowest J; sweep_blowups:
    how many rates ended with a J that is not a number.
    """
    sizes = as_sizes(layer_sizes)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(np.intp).ravel()
    m = X.shape[0]
    rates = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
    finals = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for rate in rates:
            def batch(p, rows):
                return nn_cost_function(p, sizes, X[rows], y[rows], lam * len(rows) / m)

            def full(p):
                return nn_cost_function(p, sizes, X, y, lam)[0]

            res = minibatch_train(batch, full, np.asarray(params, dtype=float), m, "momentum", batch_size=64,
                                  epochs=float(epochs), learning_rate=rate, seed=0)
            finals.append(res.cost)
    finals = np.array(finals)
    ok = np.isfinite(finals)
    best = rates[int(np.nanargmin(np.where(ok, finals, np.nan)))] if ok.any() else float("nan")
    bars = {"values": finals, "labels": [f"alpha {r:g}" for r in rates],
            "title": f"J after {float(epochs):g} pass of momentum, by learning rate", "log": False}
    table = text_table([[f"{r:g}", f"{J:.4f}" if np.isfinite(J) else str(J)] for r, J in zip(rates, finals)])
    return {"sweep_bars": bars, "sweep_table": table, "sweep_best": best, "sweep_blowups": int((~ok).sum())}


@operation("nan_sources", outputs=("nan_table", "naive_cost", "stable_cost", "nan_step"))
def nan_sources(thetas, X, y, scale: float = 60.0, rate: float = 1e4) -> dict:
    """Where NaN comes from: IEEE rules computed live, a cost that meets log(0), a run that blows up.

    nan_table rows: what, numpy says. naive_cost: the cross-entropy written as the formula, with every
    weight times `scale` (some h round to exactly 0 or 1); stable_cost: the same cost computed from z.
    nan_step: the first step at which plain gradient descent at learning rate `rate`, with the cost
    written as the formula, reported a J that is not a number (None: it did not happen).
    """
    from tutor.core import feedforward, one_hot
    from tutor.core.cost import cross_entropy_from_z

    thetas = [np.asarray(T, dtype=float) for T in thetas]
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(np.intp).ravel()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        rules = [
            ("np.exp(800)", np.exp(800.0)),
            ("np.log(0)", np.log(0.0)),
            ("0 * np.log(0)", 0.0 * np.log(0.0)),
            ("np.inf - np.inf", np.inf - np.inf),
            ("np.nan + 1", np.nan + 1.0),
            ("np.nan > 0, np.nan == np.nan", f"{np.nan > 0}, {np.nan == np.nan}"),  # noqa: PLW0177 - the lesson
        ]
        big = [T * float(scale) for T in thetas]
        f = feedforward(big, X)
        Y = one_hot(y, big[-1].shape[0])
        naive = cross_entropy(f.h, Y)
        stable = cross_entropy_from_z(f.z[-1], Y)
        sizes = [thetas[0].shape[1] - 1] + [T.shape[0] for T in thetas]
        p = np.concatenate([T.ravel() for T in thetas])
        naive_costs = []
        for _ in range(30):
            _, g = nn_cost_function(p, sizes, X, y, 0.0)
            p = p - float(rate) * g
            h = feedforward(reshape_params(p, sizes), X).h
            naive_costs.append(cross_entropy(h, Y))
        step = first_nonfinite(naive_costs)
    table = text_table([[what, str(v)] for what, v in rules] + [
        [f"naive cost, weights × {float(scale):g}", str(naive)],
        [f"stable cost, weights × {float(scale):g}", f"{stable:.4f}"]])
    return {"nan_table": table, "naive_cost": float(naive), "stable_cost": float(stable),
            "nan_step": None if step is None else step + 1}
