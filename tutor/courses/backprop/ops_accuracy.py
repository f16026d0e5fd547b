"""The accuracy lesson's operations: the play table, overfitting on a held-out split, the confusion matrix.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values) for a lesson step to show
or check; nothing here prints. A parameter named `lam` is the lesson's
`lambda` (a Python keyword).
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    accuracy,
    initialize_params,
    nn_cost,
    predict,
    reshape_params,
    train_network,
)
from tutor.courses.backprop.ops_common import as_sizes, text_table
from tutor.courses.backprop.play import DEFAULT_CASES
from tutor.courses.backprop.resultcache import kept
from tutor.plugin import operation

# (maxiter, lambda): the cases of the course's "play" exercise, one definition
# for the lesson and for `tutor play`.
PLAY_CASES = tuple((c.maxiter, c.lam) for c in DEFAULT_CASES)


@operation("play_table", outputs=("play", "play_costs", "play_accuracies"), ahead=True)
@kept("play_table")
def play_table(
    layer_sizes, X: np.ndarray, y: np.ndarray, seed: int = 0, params0: np.ndarray | None = None,
    activation: str = "sigmoid",
) -> dict:
    """Train from the same start for each (iterations, lambda) case; cost and training accuracy.

    The start is params0 when given, else uniform [-0.12, 0.12] weights drawn
    with `seed` (a fresh network, as in the course's exercise).

    play_costs / play_accuracies: (5,) in the order of PLAY_CASES; the cost
    is the regularized cost the optimizer minimized, accuracy in percent.
    play columns: iterations, lambda, cost, training accuracy.
    """
    sizes = as_sizes(layer_sizes)
    if params0 is None:
        params0 = initialize_params(sizes, "uniform", epsilon=0.12, seed=int(seed))
    rows, costs, accs = [], [], []
    for iters, lam in PLAY_CASES:
        res = train_network(sizes, X, y, params0, lam, activation, "cg", iters)
        acc = 100.0 * accuracy(predict(reshape_params(res.params, sizes), X, activation), y)
        costs.append(res.cost)
        accs.append(acc)
        rows.append([iters, f"{lam:g}", f"{res.cost:.4f}", f"{acc:.1f}%"])
    return {
        "play": text_table(rows),
        "play_costs": np.array(costs),
        "play_accuracies": np.array(accs),
    }


def split_indices(m: int, train_size: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split of range(m): (train indices, held-out indices)."""
    order = np.random.default_rng(seed).permutation(int(m))
    return np.sort(order[: int(train_size)]), np.sort(order[int(train_size) :])


def cg_checkpoints(sizes, X, y, params0, lam: float, activation: str, counts) -> dict[int, np.ndarray]:
    """{k: the parameters after k CG iterations} for each k in counts, from one run of max(counts).

    The same as a separate `train_network(..., "cg", k)` for each k, to the
    last bit: scipy's CG takes the same steps whatever its iteration limit,
    and stops at the limit with the point it has reached, so the run to k is
    the first k iterations of the longest run. One run instead of several (the
    held-out experiment: 160 iterations instead of 310). A run that converges
    before k gives its final point, as the separate run would.
    """
    from scipy.optimize import minimize

    from tutor.core import nn_cost_function

    Xc = np.ascontiguousarray(np.asarray(X, dtype=float))
    yc = np.asarray(y, dtype=np.intp).ravel()
    want = sorted({int(k) for k in counts})
    out: dict[int, np.ndarray] = {}
    done = [0]

    def on_iteration(intermediate_result):
        done[0] += 1
        if done[0] in want:
            out[done[0]] = np.array(intermediate_result.x, copy=True)

    res = minimize(lambda p: nn_cost_function(p, sizes, Xc, yc, lam, activation), np.array(params0, dtype=float),
                   jac=True, method="CG", callback=on_iteration, options={"maxiter": want[-1]})
    for k in want:
        out.setdefault(k, np.asarray(res.x))  # converged earlier: every later limit ends where it did
    return out


# Iteration counts at which the held-out experiment measures the network.
OVERFIT_ITERATIONS = (10, 20, 40, 80, 160)


@operation(
    "overfitting",
    outputs=("overfit", "train_costs", "heldout_costs", "train_acc", "heldout_acc", "n_train", "n_heldout",
             "heldout_rise", "accuracy_gap"),
    ahead=True,
)
@kept("overfitting")
def overfitting(
    layer_sizes, X: np.ndarray, y: np.ndarray, lam: float = 0.0, train_size: int = 300, seed: int = 0,
    activation: str = "sigmoid",
) -> dict:
    """Train on a small part of the data and measure it on the rest as training goes on.

    For each count in OVERFIT_ITERATIONS: a CG run of that many iterations
    from the same seeded start on `train_size` examples; the unregularized
    cost and the accuracy (%) on the training part and on the held-out part.
    Overfitting shows as the training cost going to 0 while the held-out
    cost turns back up: heldout_rise = last held-out cost - its minimum;
    accuracy_gap = training - held-out accuracy (points) after the longest run.
    overfit columns: iterations, training cost, held-out cost, training
    accuracy, held-out accuracy.
    """
    sizes = as_sizes(layer_sizes)
    tr, te = split_indices(X.shape[0], min(int(train_size), X.shape[0] - 1), seed)
    Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
    p0 = initialize_params(sizes, "uniform", epsilon=0.12, seed=seed)
    rows, c_tr, c_te, a_tr, a_te = [], [], [], [], []
    snapshots = cg_checkpoints(sizes, Xtr, ytr, p0, float(lam), activation, OVERFIT_ITERATIONS)
    for iters in OVERFIT_ITERATIONS:
        th = reshape_params(snapshots[iters], sizes)
        c_tr.append(nn_cost(th, Xtr, ytr, 0.0, activation))
        c_te.append(nn_cost(th, Xte, yte, 0.0, activation))
        a_tr.append(100.0 * accuracy(predict(th, Xtr, activation), ytr))
        a_te.append(100.0 * accuracy(predict(th, Xte, activation), yte))
        rows.append([iters, f"{c_tr[-1]:.4f}", f"{c_te[-1]:.4f}", f"{a_tr[-1]:.1f}%", f"{a_te[-1]:.1f}%"])
    return {
        "overfit": text_table(rows),
        "train_costs": np.array(c_tr),
        "heldout_costs": np.array(c_te),
        "train_acc": np.array(a_tr),
        "heldout_acc": np.array(a_te),
        "n_train": int(tr.size),
        "n_heldout": int(te.size),
        "heldout_rise": float(c_te[-1] - min(c_te)),
        "accuracy_gap": float(a_tr[-1] - a_te[-1]),
    }


@operation("confusion", outputs=("confusion_counts", "most_confused", "most_confused_count"))
def confusion(y: np.ndarray, predictions: np.ndarray, K: int, class_names) -> dict:
    """C (K, K): C[i, j] counts examples of class i predicted as j; and its largest off-diagonal cell."""
    from tutor.core import confusion_matrix

    C = confusion_matrix(y, predictions, int(K))
    off = C.copy()
    np.fill_diagonal(off, 0)
    i, j = np.unravel_index(int(np.argmax(off)), off.shape)
    names = list(class_names)
    return {
        "confusion_counts": C,
        "most_confused": f"{names[i]} read as {names[j]}",
        "most_confused_count": int(off[i, j]),
    }

