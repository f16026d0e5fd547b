"""The deep lesson's operations: a pass through any number of layers, a central difference,
per-layer gradient norms for three activations and three initialisations, a softmax output.

Every function calls `tutor.core.deep` and returns named values for a lesson
step; nothing prints. A parameter named `lam` is the lesson's `lambda`.
"""

from __future__ import annotations

import numpy as np

from tutor.core import one_hot, reshape_params, unroll
from tutor.core.deep import (
    deep_backprop,
    deep_cost_only,
    init_thetas,
    layer_gradient_norms,
)
from tutor.courses.backprop.ops_common import as_sizes, text_table
from tutor.plugin import operation, view

# The network whose gradients are measured layer by layer: five hidden layers, so
# that what happens to the error on its way back has room to show.
NORM_SIZES = (64, 30, 30, 30, 30, 30, 10)
# "How much smaller is the first layer's gradient than the last's?" The choices a
# lesson offers, as ratios last / first; `ratio_choice` picks the nearest on a log scale.
RATIO_CHOICES = (1.0, 10.0, 1000.0, 100000.0)


@operation("deep_pass", outputs=("a1", "z2", "a2", "z3", "a3", "z4", "h", "delta4", "delta3", "delta2",
                                 "D1", "D2", "D3", "D3_data", "lam", "J_deep"))
def deep_pass(thetas, X, y, lam: float = 0.0) -> dict:
    """Forward and backward through a network with two hidden layers (three Thetas), sigmoid units.

    a1 (m, n+1), z2 (m, s2), a2 (m, s2+1), z3 (m, s3), a3 (m, s3+1), z4 (m, K), h (m, K);
    delta4 (m, K), delta3 (m, s3), delta2 (m, s2); D1..D3 shaped like the Thetas (regularised);
    D3_data: D3 without its regularisation term; lam: lambda as a plain name.
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    if len(thetas) != 3:
        raise ValueError(f"this lesson's names are for three weight matrices (two hidden layers), got {len(thetas)}")
    res = deep_backprop(thetas, X, y, float(lam))
    a, z = res.forward.a, res.forward.z
    m = a[0].shape[0]
    D3_data = res.deltas[2].T @ a[2] / m
    return {"a1": a[0], "z2": z[0], "a2": a[1], "z3": z[1], "a3": a[2], "z4": z[2], "h": a[3],
            "delta4": res.deltas[2], "delta3": res.deltas[1], "delta2": res.deltas[0],
            "D1": res.grads[0], "D2": res.grads[1], "D3": res.grads[2], "D3_data": D3_data,
            "lam": float(lam), "J_deep": res.J}


@operation("central_difference_parts", outputs=("J_plus", "J_minus", "e", "J_here", "g_backprop", "weight_name"))
def central_difference_parts(thetas, X, y, lam: float = 0.0, layer: int = 1, row: int = 0, col: int = 1,
                             e: float = 1e-4) -> dict:
    """J with one weight moved by +e and by -e (every other weight fixed), and backprop's entry for it.

    layer is 1-based (Theta1, Theta2, ...). weight_name: e.g. 'Theta1[4, 17]'.
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    layer, row, col = int(layer), int(row), int(col)
    if not 1 <= layer <= len(thetas):
        raise ValueError(f"there is no Theta{layer} (the network has {len(thetas)})")
    T = thetas[layer - 1]
    if not (0 <= row < T.shape[0] and 0 <= col < T.shape[1]):
        raise ValueError(f"Theta{layer} is {T.shape[0]} x {T.shape[1]}; it has no entry [{row}, {col}]")
    sizes = [thetas[0].shape[1] - 1] + [t.shape[0] for t in thetas]
    params = unroll(thetas)
    i = sum(t.size for t in thetas[: layer - 1]) + row * T.shape[1] + col
    plus, minus = params.copy(), params.copy()
    plus[i] += e
    minus[i] -= e
    res = deep_backprop(thetas, X, y, float(lam))
    return {"J_plus": deep_cost_only(plus, sizes, X, y, lam), "J_minus": deep_cost_only(minus, sizes, X, y, lam),
            "e": float(e), "J_here": res.J, "g_backprop": float(res.grads[layer - 1][row, col]),
            "weight_name": f"Theta{layer}[{row}, {col}]"}


def ratio_choice(ratio: float) -> int:
    """The index in RATIO_CHOICES nearest to `ratio` on a log scale."""
    if not np.isfinite(ratio) or ratio <= 0:
        return 0
    return int(np.argmin([abs(np.log10(ratio) - np.log10(c)) for c in RATIO_CHOICES]))


@operation("layer_norms", outputs=("norms", "norm_bars", "norm_ratio", "norm_choice"),
           literals=("act", "init"), ahead=True)
def layer_norms(X, y, act: str = "sigmoid", init: str = "uniform", epsilon: float = 0.12, seed: int = 0,
                sizes: tuple = NORM_SIZES) -> dict:
    """||D_l|| for every layer of a deep network (NORM_SIZES) at its starting weights, on X, y.

    act: the hidden activation (sigmoid, tanh, relu); init: uniform (±epsilon), xavier or he.
    norms (L-1,): first layer first; norm_bars: for the `bars` view; norm_ratio: last / first;
    norm_choice: the index of the nearest of RATIO_CHOICES.
    """
    sizes = as_sizes(sizes)
    thetas = init_thetas(sizes, init, float(epsilon), int(seed))
    res = deep_backprop(thetas, X, y, 0.0, act)
    norms = layer_gradient_norms(res.grads)
    ratio = float(norms[-1] / norms[0]) if norms[0] > 0 else float("inf")
    how = {"uniform": f"uniform ±{float(epsilon):g}", "xavier": "Xavier", "he": "He"}[init]
    bars = {"values": norms, "labels": [f"D{i}" for i in range(1, len(norms) + 1)],
            "title": f"||D_l|| per layer, {act}, {how} ({'-'.join(map(str, sizes))})", "log": True}
    return {"norms": norms, "norm_bars": bars, "norm_ratio": ratio, "norm_choice": ratio_choice(ratio)}


@operation("norm_table", outputs=("norm_table",), ahead=True)
def norm_table(X, y, epsilon: float = 0.12, seed: int = 0) -> dict:
    """last / first gradient norm for every activation and initialisation (rows: sigmoid, tanh, relu).

    Columns: activation, uniform ±epsilon, Xavier, He.
    """
    rows = []
    for act in ("sigmoid", "tanh", "relu"):
        cells = [act]
        for init in ("uniform", "xavier", "he"):
            r = layer_norms(X, y, act, init, epsilon, seed)["norm_ratio"]
            cells.append(f"{r:,.0f}" if r >= 10 else f"{r:.1f}")
        rows.append(cells)
    return {"norm_table": text_table(rows)}


@view("bars")
def bars(value, ctx, spec):
    """Horizontal bars: {values, labels, title, log} (as layer_norms gives), or a 1-D array."""
    from tutor.render.bars import Bars

    if isinstance(value, dict):
        return Bars(value["values"], value["labels"], title=spec.label or value.get("title"),
                    log=bool(value.get("log", False)))
    values = np.asarray(value, dtype=float).ravel()
    return Bars(values, [str(i) for i in range(values.size)], title=spec.label)


@operation("softmax_pass", outputs=("p", "z_out", "delta_out", "softmax_J", "softmax_row_sums", "dJ_dz_numeric",
                                    "dJ_dz_backprop"))
def softmax_pass(thetas, X, y, e: float = 1e-5) -> dict:
    """The same network with a softmax output layer and the loss -sum Y log p.

    p (m, K) rows summing to 1; z_out (m, K) the last pre-activations; delta_out = p - Y;
    dJ_dz_numeric: central differences of J with respect to z_out[0, :] (K,), times m, beside
    dJ_dz_backprop = delta_out[0, :].
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    res = deep_backprop(thetas, X, y, 0.0, "sigmoid", "softmax")
    p, z = res.forward.h, res.forward.z[-1]
    m, K = p.shape
    Y = one_hot(y, K)
    from tutor.core.deep import deep_cost, softmax

    numeric = np.empty(K)
    for k in range(K):  # move one z of the first example, every other z fixed
        zp, zm = z.copy(), z.copy()
        zp[0, k] += e
        zm[0, k] -= e
        numeric[k] = (deep_cost(softmax(zp), Y, "softmax") - deep_cost(softmax(zm), Y, "softmax")) / (2 * e) * m
    return {"p": p, "z_out": z, "delta_out": res.deltas[-1], "softmax_J": res.J,
            "softmax_row_sums": p.sum(axis=1), "dJ_dz_numeric": numeric, "dJ_dz_backprop": res.deltas[-1][0]}


@operation("deep_gradient_check", outputs=("deep_rel_diff",), ahead=True)
def deep_gradient_check(thetas, X, y, lam: float = 0.0, count: int = 40, seed: int = 0) -> dict:
    """Central differences against deep backprop on `count` weights drawn at random, bias columns included."""
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    sizes = [thetas[0].shape[1] - 1] + [t.shape[0] for t in thetas]
    params = unroll(thetas)
    ana = unroll(deep_backprop(reshape_params(params, sizes), X, y, float(lam)).grads)
    rng = np.random.default_rng(seed)
    idx = rng.choice(params.size, size=min(int(count), params.size), replace=False)
    num = np.empty(idx.size)
    e = 1e-4
    for k, i in enumerate(idx):
        plus, minus = params.copy(), params.copy()
        plus[i] += e
        minus[i] -= e
        num[k] = (deep_cost_only(plus, sizes, X, y, lam) - deep_cost_only(minus, sizes, X, y, lam)) / (2 * e)
    a = ana[idx]
    return {"deep_rel_diff": float(np.linalg.norm(num - a) / np.linalg.norm(num + a))}

