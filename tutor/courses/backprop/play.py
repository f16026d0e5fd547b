"""The "play" table: how the iteration count and lambda move cost and accuracy.

Each case (maxiter, lambda) trains the same network from the same seeded
starting weights with conjugate gradients on the training part of a seeded
train/test split, then reports the final training cost and the accuracy on the
training and the held-out examples. Laid side by side, the cases show
overfitting (training accuracy far above held-out accuracy) and
over-regularization (a large lambda that keeps even training accuracy low).

This module returns data; `tutor play` draws it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from tutor.plugin import TutorError

# DESIGN.md section 2, item 8.
DEFAULT_CASES_TEXT = "10:0.5,10:100,10:1000,30:1,200:0"

# How far apart two accuracies must be before the reading calls it a gap.
OVERFIT_GAP = 0.01
UNDERFIT_GAP = 0.05


@dataclass(frozen=True)
class PlayCase:
    """One row of the table: train for at most `maxiter` CG iterations at `lam`."""

    maxiter: int
    lam: float


@dataclass(frozen=True)
class PlayResult:
    """What one case reached. Accuracies are fractions in [0, 1]."""

    maxiter: int
    lam: float
    cost: float  # the regularized training cost J after training
    train_accuracy: float
    test_accuracy: float
    iterations: int  # CG may stop before maxiter

    def as_json(self) -> dict:
        return {
            "maxiter": self.maxiter,
            "lambda": self.lam,
            "cost": self.cost,
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
        }


@dataclass(frozen=True)
class PlayTable:
    """All cases, and the setting they shared."""

    results: list[PlayResult]
    dataset: str
    layer_sizes: tuple[int, ...]
    m_train: int
    m_test: int
    seed: int

    def as_json(self) -> dict:
        return {"cases": [r.as_json() for r in self.results]}


def parse_cases(text: str) -> list[PlayCase]:
    """'10:0.5,30:1' -> [PlayCase(10, 0.5), PlayCase(30, 1.0)]; TutorError when malformed."""
    cases = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        maxiter_text, sep, lam_text = item.partition(":")
        if not sep:
            raise TutorError(f"--cases item {item!r} is not maxiter:lambda (for example 30:1)")
        try:
            maxiter = int(maxiter_text)
        except ValueError:
            raise TutorError(f"--cases item {item!r}: maxiter {maxiter_text!r} is not a whole number") from None
        try:
            lam = float(lam_text)
        except ValueError:
            raise TutorError(f"--cases item {item!r}: lambda {lam_text!r} is not a number") from None
        if maxiter < 1:
            raise TutorError(f"--cases item {item!r}: maxiter must be at least 1")
        if not np.isfinite(lam) or lam < 0:
            raise TutorError(f"--cases item {item!r}: lambda must be a number >= 0")
        cases.append(PlayCase(maxiter, lam))
    if not cases:
        raise TutorError("--cases is empty; give maxiter:lambda pairs such as 10:0.5,30:1")
    return cases


DEFAULT_CASES = tuple(parse_cases(DEFAULT_CASES_TEXT))


def output_size(K: int) -> int:
    """Two classes need one sigmoid output (h >= 0.5); more need one per class."""
    return 1 if K == 2 else K


def play_layer_sizes(n: int, hidden: int, K: int) -> tuple[int, int, int]:
    """(n inputs, hidden units, outputs) for a one-hidden-layer network."""
    return (int(n), int(hidden), output_size(K))


ProgressCallback = Callable[[int, PlayCase, int, float], None]


def run_play(
    train_set,
    test_set,
    cases: Sequence[PlayCase] = DEFAULT_CASES,
    hidden: int = 25,
    seed: int = 0,
    callback: ProgressCallback | None = None,
) -> PlayTable:
    """Train every case on `train_set` and score it on both sets.

    train_set, test_set: `tutor.datasets.Dataset` (X (m, n), y (m,) 0-based).
    Every case starts from the same seeded uniform weights (eps = 0.12), so the
    rows differ only by maxiter and lambda. callback(case_index, case,
    iteration, cost) is called once per iteration of each case.
    """
    from tutor.core import accuracy, initialize_params, predict, reshape_params, train_network

    if hidden < 1:
        raise TutorError("--hidden must be at least 1")
    K = max(int(train_set.K), int(test_set.K))
    sizes = play_layer_sizes(train_set.n, hidden, K)
    params0 = initialize_params(sizes, seed=seed)
    results = []
    for index, case in enumerate(cases):

        def on_record(record, index=index, case=case):
            if callback is not None:
                callback(index, case, record.iteration, record.cost)

        run = train_network(
            sizes, train_set.X, train_set.y, params0, lam=case.lam, method="cg",
            iterations=case.maxiter, callback=on_record,
        )
        thetas = reshape_params(run.params, sizes)
        results.append(
            PlayResult(
                maxiter=case.maxiter,
                lam=case.lam,
                cost=float(run.cost),
                train_accuracy=accuracy(predict(thetas, train_set.X), train_set.y),
                test_accuracy=accuracy(predict(thetas, test_set.X), test_set.y),
                iterations=run.iterations,
            )
        )
    return PlayTable(results, train_set.name, sizes, int(train_set.m), int(test_set.m), seed)


def _name(r: PlayResult) -> str:
    return f"{r.maxiter} iterations at lambda {r.lam:g}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def reading(results: Sequence[PlayResult]) -> list[str]:
    """A few plain sentences about the table, each drawn from its numbers.

    Names the case that does best on held-out data, the case whose training
    accuracy runs furthest ahead of its held-out accuracy (overfitting), and
    the cases whose larger lambda keeps even training accuracy low
    (over-regularization).
    """
    if not results:
        return []
    lines = []
    best = max(results, key=lambda r: (r.test_accuracy, -r.lam))
    lines.append(f"Best on held-out data: {_name(best)} ({_pct(best.test_accuracy)} of unseen examples right).")

    # Overfitting is judged only among cases that fit the training set well:
    # a gap between two poor scores is noise, not memorization.
    top_train = max(r.train_accuracy for r in results)
    fitted = [r for r in results if r.train_accuracy >= top_train - UNDERFIT_GAP]
    overfit = max(fitted, key=lambda r: (r.train_accuracy - r.test_accuracy, -r.cost))
    gap = overfit.train_accuracy - overfit.test_accuracy
    if gap >= OVERFIT_GAP:
        lines.append(
            f"Overfitting: {_name(overfit)} gets {_pct(overfit.train_accuracy)} of the training set right "
            f"(cost {overfit.cost:.4g}) but {_pct(overfit.test_accuracy)} of the held-out set, the widest gap "
            f"among the well-fitted cases ({100 * gap:.1f} points): it has learned its training examples "
            "better than it generalizes."
        )
    elif gap > 0:
        lines.append(
            f"No case overfits much: among the well-fitted cases the widest gap between training and "
            f"held-out accuracy is {100 * gap:.1f} points."
        )
    else:
        lines.append("No case overfits: every well-fitted case does as well on held-out data as on its training data.")

    # Over-regularized: some case with no more iterations and a smaller lambda
    # fits the training set clearly better, so lambda (not time) is the cause.
    heavy = {}
    for r in results:
        better = [o for o in results if o.maxiter <= r.maxiter and o.lam < r.lam
                  and o.train_accuracy >= r.train_accuracy + UNDERFIT_GAP]
        if better:
            heavy[r] = max(better, key=lambda o: o.train_accuracy)
    if heavy:
        worst = min(heavy, key=lambda r: r.train_accuracy)
        names = ", ".join(f"lambda {r.lam:g}" for r in sorted(heavy, key=lambda r: r.lam))
        ref = heavy[worst]
        lines.append(
            f"Over-regularized: {names}. The penalty keeps the weights so small that even the training set is "
            f"hard to fit: lambda {worst.lam:g} gets {_pct(worst.train_accuracy)} of it right, "
            f"lambda {ref.lam:g} with {ref.maxiter} iterations gets {_pct(ref.train_accuracy)}."
        )
    else:
        lines.append("No case is over-regularized: a larger lambda never cost much training accuracy here.")

    # Under-trained: more iterations at a lambda no smaller would fit better.
    short = [r for r in results if r not in heavy and any(
        o.maxiter > r.maxiter and o.lam >= r.lam and o.train_accuracy >= r.train_accuracy + UNDERFIT_GAP
        for o in results)]
    if short:
        names = ", ".join(_name(r) for r in short)
        lines.append(f"Stopped too soon: {names}; more iterations would have fitted the training set better.")
    return lines


def case_dicts(table: PlayTable) -> list[dict]:
    """The results as plain dicts (for tests and other tools)."""
    return [asdict(r) for r in table.results]
