"""The backprop course's intuition experiments, and the functions its type-along steps may call.

Operations (named by `compute` steps):

- `scalar_unit`: one unit f = sigmoid(w x + b), forward values, local
  gradients, the chain rule backwards, checked against central differences.
- `gate_patterns`: an add distributes its gradient, a multiply swaps its
  inputs; shown on a tiny expression and checked numerically.
- `squared_error_contrast`: delta3 with cross-entropy (h - y) against the
  squared-error delta (h - y) g'(z3), on the most confidently wrong outputs.
- `delta_norms`: the size of delta2 against delta3 on a network (g' <= 1/4).
- `chance_baseline`: the best a clueless network can do, predicting the
  class prior: sum over classes of the binary entropy H(prior).
- `backprop_timing`: one backward pass against 2P cost evaluations, as a ratio.

Expression functions (callable in `kind: expression` steps): sigmoid,
sigmoid_gradient.
"""

from __future__ import annotations

import numpy as np

from tutor.core import cross_entropy, feedforward, one_hot, sigmoid, sigmoid_gradient
from tutor.plugin import expression_function, operation


@expression_function("sigmoid")
def _sigmoid(z):
    """g(z) = 1 / (1 + e^-z), elementwise."""
    return sigmoid(np.asarray(z, dtype=float))


@expression_function("sigmoid_gradient")
def _sigmoid_gradient(z):
    """g'(z) = g(z) (1 - g(z)), elementwise."""
    return sigmoid_gradient(np.asarray(z, dtype=float))


def _table(rows) -> np.ndarray:
    return np.array([[str(c) for c in r] for r in rows])


def _central(f, x: float, eps: float = 1e-5) -> float:
    return (f(x + eps) - f(x - eps)) / (2.0 * eps)


@operation("scalar_unit", outputs=("unit_w", "unit_x", "unit_b", "unit_z", "unit_f", "unit_local", "unit_dfdw",
                                   "unit_dfdx", "unit_dfdb", "unit_table", "unit_gap"))
def scalar_unit(w: float = 2.0, x: float = -1.0, b: float = -3.0) -> dict:
    """One unit f = g(w x + b): forward values, then the chain rule backwards, checked numerically.

    unit_local: g'(z) = f (1 - f). unit_dfdw = g'(z) x, unit_dfdx = g'(z) w,
    unit_dfdb = g'(z) 1. unit_table columns: input, value, local slope dz/d(input),
    chain rule df/d(input), central difference. unit_gap: the largest
    |chain rule - central difference| over w, x, b.
    """
    w, x, b = float(w), float(x), float(b)
    z = w * x + b
    f = float(sigmoid(z))
    local = f * (1.0 - f)
    chain = {"w": local * x, "x": local * w, "b": local * 1.0}
    numeric = {
        "w": _central(lambda t: float(sigmoid(t * x + b)), w),
        "x": _central(lambda t: float(sigmoid(w * t + b)), x),
        "b": _central(lambda t: float(sigmoid(w * x + t)), b),
    }
    slope = {"w": x, "x": w, "b": 1.0}
    value = {"w": w, "x": x, "b": b}
    rows = [[k, f"{value[k]:g}", f"{slope[k]:g}", f"{chain[k]:.6f}", f"{numeric[k]:.6f}"] for k in ("w", "x", "b")]
    gap = max(abs(chain[k] - numeric[k]) for k in chain)
    return {"unit_w": w, "unit_x": x, "unit_b": b, "unit_z": z, "unit_f": f, "unit_local": local, "unit_dfdw": chain["w"], "unit_dfdx": chain["x"],
            "unit_dfdb": chain["b"], "unit_table": _table(rows), "unit_gap": gap}


@operation("gate_patterns", outputs=("gate_table", "gate_gap"))
def gate_patterns(a: float = 3.0, b: float = -2.0, c: float = 4.0) -> dict:
    """The two patterns behind the matrix formulas, on q = a + b and f = q c.

    Backwards from df/df = 1: the multiply sends c to q and q to c (it swaps
    its inputs); the add sends the same df/dq to a and to b (it distributes).
    gate_table columns: input, chain rule, central difference. gate_gap:
    the largest disagreement.
    """
    a, b, c = float(a), float(b), float(c)
    q = a + b
    chain = {"c": q, "q": c, "a": c * 1.0, "b": c * 1.0}
    numeric = {
        "c": _central(lambda t: (a + b) * t, c),
        "q": _central(lambda t: t * c, q),
        "a": _central(lambda t: (t + b) * c, a),
        "b": _central(lambda t: (a + t) * c, b),
    }
    rows = [[k, f"{chain[k]:g}", f"{numeric[k]:.6f}"] for k in ("c", "q", "a", "b")]
    return {"gate_table": _table(rows), "gate_gap": max(abs(chain[k] - numeric[k]) for k in chain)}


@operation("squared_error_contrast", outputs=("wrong_h", "wrong_y", "wrong_example", "wrong_class", "delta_ce",
                                              "delta_se", "delta_shrink", "contrast_table"))
def squared_error_contrast(thetas, X: np.ndarray, y: np.ndarray, count: int = 5) -> dict:
    """delta3 under cross-entropy (h - y) and under squared error ((h - y) g'(z3)) on the worst outputs.

    Picks the `count` output entries whose h is furthest from its target
    (confidently wrong, so saturated). delta_shrink: how many times smaller
    the squared-error delta is on the worst one. contrast_table columns:
    example, class, h, y, h - y, (h - y) h (1 - h).
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    h = feedforward(thetas, np.asarray(X, dtype=float)).a[-1]
    Y = one_hot(np.asarray(y, dtype=np.intp).ravel(), h.shape[1])
    err = h - Y
    se = err * h * (1.0 - h)
    order = np.argsort(-np.abs(err), axis=None)[: max(1, int(count))]
    rows = []
    for flat in order:
        i, k = np.unravel_index(int(flat), h.shape)
        rows.append([i, k, f"{h[i, k]:.4f}", int(Y[i, k]), f"{err[i, k]:+.4f}", f"{se[i, k]:+.2e}"])
    i0, k0 = np.unravel_index(int(order[0]), h.shape)
    return {
        "wrong_h": float(h[i0, k0]), "wrong_y": int(Y[i0, k0]), "wrong_example": int(i0), "wrong_class": int(k0),
        "delta_ce": float(err[i0, k0]), "delta_se": float(se[i0, k0]),
        "delta_shrink": float(abs(err[i0, k0]) / max(abs(se[i0, k0]), 1e-300)),
        "contrast_table": _table(rows),
    }


@operation("delta_norms", outputs=("norm_delta3", "norm_back", "norm_delta2", "delta_ratio", "slope_shrink",
                                   "max_g_prime", "mean_g_prime"))
def delta_norms(thetas, X: np.ndarray, y: np.ndarray) -> dict:
    """How much error reaches the hidden layer: ||delta2|| against ||delta3|| (Frobenius norms over all examples).

    norm_back: ||(delta3 Theta2)[:, 1:]||, the error sent back before the
    slope; slope_shrink = norm_back / norm_delta2, what multiplying by g'(z2)
    took away. max_g_prime / mean_g_prime: of g'(z2); the sigmoid's slope is
    at most 1/4, so every sigmoid layer back shrinks the error by at least 4
    unless the weights make up for it.
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    fw = feedforward(thetas, np.asarray(X, dtype=float))
    h = fw.a[-1]
    Y = one_hot(np.asarray(y, dtype=np.intp).ravel(), h.shape[1])
    d3 = h - Y
    z2 = fw.z[0]
    gp = sigmoid_gradient(z2)
    back = (d3 @ thetas[1])[:, 1:]
    d2 = back * gp
    n3, nb, n2 = float(np.linalg.norm(d3)), float(np.linalg.norm(back)), float(np.linalg.norm(d2))
    return {"norm_delta3": n3, "norm_back": nb, "norm_delta2": n2, "delta_ratio": n2 / n3 if n3 else float("nan"),
            "slope_shrink": nb / n2 if n2 else float("nan"),
            "max_g_prime": float(gp.max()), "mean_g_prime": float(gp.mean())}


@operation("chance_baseline", outputs=("prior", "J_prior", "J_prior_formula", "J_half"))
def chance_baseline(Y: np.ndarray) -> dict:
    """The cost of the best network that ignores its input: it predicts each class's prior.

    prior: (K,) the share of each class. J_prior: the cross-entropy of
    predicting the prior for every example; J_prior_formula: sum over classes
    of H(p) = -p log p - (1 - p) log(1 - p) (equal, computed apart);
    J_half: predicting 0.5 everywhere, K log 2, for comparison.
    """
    Y = np.asarray(Y, dtype=float)
    m, K = Y.shape
    p = Y.mean(axis=0)
    h = np.tile(np.clip(p, 1e-12, 1 - 1e-12), (m, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        H = -(p * np.log(p) + (1 - p) * np.log(1 - p))
    return {"prior": p, "J_prior": float(cross_entropy(h, Y)), "J_prior_formula": float(np.nansum(H)),
            "J_half": K * float(np.log(2.0))}


@operation("backprop_timing", outputs=("seconds_one_cost", "seconds_one_backprop", "two_p", "numeric_over_backprop",
                                       "backprop_over_cost"))
def backprop_timing(params: np.ndarray, layer_sizes, X: np.ndarray, y: np.ndarray, lam: float = 0.0,
                    samples: int = 7) -> dict:
    """A measured ratio: 2P cost evaluations (the numerical gradient) against one backprop (cost + gradient).

    Both timed now, each the fastest of `samples` runs on one BLAS thread
    (timing.py). numeric_over_backprop = 2P x (one cost) / (one backprop);
    backprop_over_cost: one backprop costs that many cost evaluations.
    """
    from tutor.courses.backprop.timing import cost_and_backprop_seconds

    one_cost, one_bp = cost_and_backprop_seconds(params, layer_sizes, X, y, lam, runs=samples)
    two_p = 2 * np.size(params)
    return {"seconds_one_cost": one_cost, "seconds_one_backprop": one_bp, "two_p": two_p,
            "numeric_over_backprop": two_p * one_cost / one_bp, "backprop_over_cost": one_bp / one_cost}
