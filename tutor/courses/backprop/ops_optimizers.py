"""The training lesson's modern section: optimizers raced on the clock, and debugging a training run.

Mini-batch momentum and Adam (tutor.core.optim) against full-batch CG and
L-BFGS (tutor.core.train) on the same network from the same start: each
path is computed once and kept (it is pure: the same inputs give the same
numbers), and put on a clock measured when the step runs (the seconds one
full-batch evaluation and one pass of mini-batch steps take on this machine
now). Also a tiny batch overfitted, a sweep of learning rates, and where NaN
comes from. Everything returns data for a lesson step; nothing prints. A
parameter named `lam` is the lesson's `lambda`.
"""

from __future__ import annotations

import time

import numpy as np

from tutor.core import nn_cost_function, predict, reshape_params, train
from tutor.core.cost import cross_entropy
from tutor.core.optim import first_nonfinite, minibatch_train
from tutor.courses.backprop.ops_common import as_sizes, text_table
from tutor.courses.backprop.resultcache import kept
from tutor.plugin import operation, view

RACERS = ("cg", "lbfgs", "momentum", "adam")
NAMES = {"cg": "CG", "lbfgs": "L-BFGS", "momentum": "momentum, batch 64", "adam": "Adam, batch 64"}
# Learning rates that work for this network from this start (found by the sweep step's kind of search).
RATES = {"momentum": 0.5, "adam": 0.01}


def _full_batch(method, cost_grad, params0, passes):
    """(full evaluations so far, cost) after each iteration of a scipy optimizer, for `passes` evaluations."""
    evaluations = [0]

    def counted(p):
        evaluations[0] += 1
        return cost_grad(p)

    work, costs = [], []

    def on_record(rec) -> bool:
        work.append(evaluations[0])
        costs.append(rec.cost)
        return evaluations[0] >= passes

    train(counted, params0, method, 10 * int(passes), callback=on_record)
    work[0] = 0  # record 0 is the starting point, before any work
    return np.array(work, dtype=float), np.array(costs), len(work) - 1


def _mini_batch(rule, sizes, X, y, lam, params0, passes, batch_size=64, seed=0):
    """(passes over the data so far, cost) for mini-batch training over `passes` epochs."""
    m = X.shape[0]

    def batch(p, rows):  # the penalty shared out: a batch of b examples carries b/m of it
        return nn_cost_function(p, sizes, X[rows], y[rows], lam * len(rows) / m)

    def full(p):
        return nn_cost_function(p, sizes, X, y, lam)[0]

    per_epoch = int(np.ceil(m / batch_size))
    every = max(1, per_epoch // 4)  # four records per pass over the data
    res = minibatch_train(batch, full, params0, m, rule, batch_size=batch_size, epochs=float(passes),
                          learning_rate=RATES[rule], seed=seed, report_every=every)
    steps = np.array([r.step for r in res.history], dtype=float)
    return steps / per_epoch, res.costs, int(steps[-1])


@operation("optimizer_paths", outputs=("paths",), ahead=True)
@kept("optimizer_paths")
def optimizer_paths(params, layer_sizes, X, y, lam: float = 0.0, passes: int = 150, batch_passes: int = 40) -> dict:
    """CG and L-BFGS for `passes` full-batch evaluations, momentum and Adam for `batch_passes` passes of
    batches of 64, all from the same start. (A pass of batch steps takes several times as long as a
    full-batch evaluation: the race ends where the shortest path does.)

    paths: for each of RACERS, [passes done (n,), J (n,), updates made (1,)], flattened into one
    list of arrays. Pure (the same inputs give the same numbers), so it is kept on disk;
    `optimizer_race` turns the passes into seconds measured now.
    """
    sizes = as_sizes(layer_sizes)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(np.intp).ravel()
    params0 = np.asarray(params, dtype=float)

    def cost_grad(p):
        return nn_cost_function(p, sizes, X, y, lam)

    paths = []
    for name in RACERS:
        if name in ("cg", "lbfgs"):
            work, J, updates = _full_batch(name, cost_grad, params0, passes)
        else:
            work, J, updates = _mini_batch(name, sizes, X, y, lam, params0, batch_passes)
        paths.extend([work, J, np.array([updates], dtype=float)])
    return {"paths": paths}


def _seconds_per_pass(sizes, X, y, lam, params, batch_size=64, repeats=5) -> tuple[float, float]:
    """(seconds for one full-batch evaluation, seconds for one pass of batch steps), fastest of `repeats`."""
    m = X.shape[0]
    rows = np.arange(min(batch_size, m))
    best_full = best_batch = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        nn_cost_function(params, sizes, X, y, lam)
        best_full = min(best_full, time.perf_counter() - start)
        start = time.perf_counter()
        _, g = nn_cost_function(params, sizes, X[rows], y[rows], lam * len(rows) / m)
        _ = params - 0.1 * g  # the update's own cost, as a step pays it
        best_batch = min(best_batch, time.perf_counter() - start)
    return best_full, best_batch * int(np.ceil(m / batch_size))


@operation("optimizer_race", outputs=("race_curves", "race_table", "race_early_winner", "race_final_winner",
                                      "race_early_name", "race_final_name", "seconds_full_pass",
                                      "seconds_batch_pass", "race_seconds", "ms_full_pass", "ms_batch_pass",
                                      "batch_steps"))
def optimizer_race(paths, params, layer_sizes, X, y, lam: float = 0.0) -> dict:
    """The kept paths put on a clock measured now: J against seconds for each optimizer.

    The race lasts race_seconds: as long as the shortest path takes on this clock, so every
    optimizer is compared over the same time. seconds_full_pass: one full-batch evaluation
    (all m examples) timed now; seconds_batch_pass: the batch steps of one pass over the data.
    race_table rows: method, J at a tenth of the race, J at its end, updates made, examples per
    update. The optimizers' own bookkeeping (line searches, L-BFGS's memory) is not counted.
    """
    sizes = as_sizes(layer_sizes)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(np.intp).ravel()
    full, batch = _seconds_per_pass(sizes, X, y, lam, np.asarray(params, dtype=float))
    clocks = []
    for k, name in enumerate(RACERS):
        work, J, updates = paths[3 * k], paths[3 * k + 1], float(paths[3 * k + 2][0])
        clocks.append((work * (full if name in ("cg", "lbfgs") else batch), J, updates))
    seconds = min(float(t[-1]) for t, _, _ in clocks)
    curves, rows, early, final = [], [], [], []
    for name, (t_all, J_all, updates) in zip(RACERS, clocks):
        inside = t_all <= seconds
        t, J = t_all[inside], J_all[inside]
        if t[-1] < seconds:  # where the race ends, on the line to the next record
            t, J = np.append(t, seconds), np.append(J, np.interp(seconds, t_all, J_all))
        curves.append((NAMES[name], t, J))
        early.append(float(np.interp(seconds / 10, t, J)))
        final.append(float(J[-1]))
        per = X.shape[0] if name in ("cg", "lbfgs") else 64
        done = updates * min(1.0, seconds / float(t_all[-1]))
        rows.append([NAMES[name], f"{early[-1]:.3f}", f"{final[-1]:.3f}", f"{done:.0f}", str(per)])
    first, last = int(np.argmin(early)), int(np.argmin(final))
    return {"race_curves": curves, "race_table": text_table(rows), "race_early_winner": first,
            "race_final_winner": last, "race_early_name": NAMES[RACERS[first]], "race_final_name": NAMES[RACERS[last]],
            "seconds_full_pass": full, "seconds_batch_pass": batch, "race_seconds": seconds,
            "ms_full_pass": 1000 * full, "ms_batch_pass": 1000 * batch, "batch_steps": int(np.ceil(X.shape[0] / 64))}


@view("curves", options={"log": ("bool", False)})
def curves(value, ctx, spec):
    """Several curves against one x (as optimizer_race gives: [(name, xs, ys)]); log: a log scale for y."""
    from tutor.render.curves import Curves

    return Curves(value, title=spec.label, x_label="seconds", y_label="J", log_y=bool(spec.option("log", False)))


@operation("overfit_tiny", outputs=("tiny_costs", "tiny_final", "tiny_correct", "tiny_m"), ahead=True)
@kept("overfit_tiny")
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


@operation("rate_sweep", outputs=("sweep_table", "sweep_best", "sweep_blowups"), ahead=True)
@kept("rate_sweep")
def rate_sweep(params, layer_sizes, X, y, lam: float = 0.0, epochs: float = 1.0) -> dict:
    """Mini-batch momentum for `epochs` passes at learning rates 0.01, 0.03, ..., 100; J after each.

    sweep_table rows: rate, J; sweep_best: the rate with the lowest J; sweep_blowups:
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
    table = text_table([[f"{r:g}", f"{J:.4f}" if np.isfinite(J) else str(J)] for r, J in zip(rates, finals)])
    return {"sweep_table": table, "sweep_best": float(best), "sweep_blowups": int((~ok).sum())}


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
