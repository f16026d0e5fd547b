"""The backprop lesson's operations: one example forward and back, the per-example loop, the matrix version, and their race.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values) for a lesson step to show
or check; nothing here prints. A parameter named `lam` is the lesson's
`lambda` (a Python keyword).
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    backprop_example,
    unroll,
)
from tutor.plugin import operation


@operation(
    "one_example",
    outputs=("ex_a1", "ex_z2", "ex_a2", "ex_z3", "ex_h", "ex_y", "ex_delta3", "ex_back", "ex_delta2", "ex_label"),
)
def one_example(thetas, X: np.ndarray, Y: np.ndarray, index: int = 0, activation: str = "sigmoid") -> dict:
    """Example `index` forward and back, as column vectors (a two-layer-weight network).

    ex_a1 (n+1,), ex_z2 (s2,), ex_a2 (s2+1,), ex_z3 (K,), ex_h (K,),
    ex_delta3 = h - y (K,), ex_back = Theta2ᵀ delta3 (s2+1,) with the bias
    entry still in front, ex_delta2 = ex_back[1:] * g'(z2) (s2,).
    """
    t = int(index)
    a, z, delta = backprop_example(thetas, X[t], Y[t], activation)
    return {
        "ex_a1": a[0],
        "ex_z2": z[0],
        "ex_a2": a[1],
        "ex_z3": z[-1],
        "ex_h": a[-1],
        "ex_y": np.asarray(Y[t], dtype=float),
        "ex_delta3": delta[-1],
        "ex_back": thetas[-1].T @ delta[-1],
        "ex_delta2": delta[0],
        "ex_label": int(np.argmax(Y[t])),
    }


@operation("outer_product", outputs=("outer", "outer_shape_text"))
def outer_product(column: np.ndarray, row: np.ndarray) -> dict:
    """column (p,) times row (q,) -> (p, q): one example's contribution to Delta."""
    M = np.outer(column, row)
    return {"outer": M, "outer_shape_text": f"{M.shape[0]} x {M.shape[1]}"}


@operation("max_abs_difference")
def max_abs_difference(a, b) -> float:
    """The largest absolute difference between two arrays, or two lists of arrays."""
    a_list = a if isinstance(a, (list, tuple)) else [a]
    b_list = b if isinstance(b, (list, tuple)) else [b]
    if len(a_list) != len(b_list):
        raise ValueError(f"{len(a_list)} arrays against {len(b_list)}")
    return max(float(np.max(np.abs(np.asarray(x) - np.asarray(w)))) for x, w in zip(a_list, b_list))


@operation("regularize_gradient", outputs=("D_unreg", "D_reg", "reg_part"))
def regularize_gradient(Delta: np.ndarray, Theta: np.ndarray, lam: float, m: int) -> dict:
    """D = Delta / m, plus (lambda / m) Theta on every column but the first.

    All three are shaped like Theta; reg_part has a zero bias column.
    """
    D_unreg = np.asarray(Delta, dtype=float) / int(m)
    reg = (float(lam) / int(m)) * np.asarray(Theta, dtype=float)
    reg[:, 0] = 0.0
    return {"D_unreg": D_unreg, "D_reg": D_unreg + reg, "reg_part": reg}


@operation("time_backprop", outputs=("seconds_loop", "seconds_vectorized", "speedup", "seconds_loop_all",
                                    "seconds_vectorized_all", "speedup_all"))
def time_backprop(
    thetas, X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid",
    loop_seconds: float | None = None, loop_m: int | None = None, runs: int = 7,
) -> dict:
    """Wall-clock time of the per-example loop and of the vectorized pass, on the loop's rows and on all of X (m, n).

    loop_m: how many of X's first rows the loop ran over (all m by default);
    loop_seconds: how long it took (the `loop_backprop` step's outputs of
    those names). Given, the loop is not run again: at about 18 us an
    example on the digits, a second loop was the largest part of the
    lesson's wait. Without it the loop runs twice here.

    seconds_loop, seconds_vectorized, speedup: on the loop's rows, both
    measured. seconds_vectorized_all: measured on all m rows;
    seconds_loop_all: the loop's time scaled to m rows (it is linear in the
    rows: one example after another), and speedup_all their ratio. Each
    vectorized time is the fastest of `runs` (timing.py).
    """
    from tutor.core import backprop, backprop_loop
    from tutor.courses.backprop.timing import fastest, one_thread

    m = int(np.shape(X)[0])
    rows = m if loop_m is None else max(1, min(int(loop_m), m))
    X_rows, y_rows = X[:rows], y[:rows]
    with one_thread():
        if loop_seconds is None:
            loop_seconds = fastest(lambda: backprop_loop(thetas, X_rows, y_rows, lam, activation), 2)
        vec = fastest(lambda: backprop(thetas, X_rows, y_rows, lam, activation), runs)
        vec_all = vec if rows == m else fastest(lambda: backprop(thetas, X, y, lam, activation), runs)
    loop = float(loop_seconds)
    loop_all = loop * m / rows

    def ratio(a, b):
        return a / b if b > 0 else float("inf")

    return {"seconds_loop": loop, "seconds_vectorized": vec, "speedup": ratio(loop, vec),
            "seconds_loop_all": loop_all, "seconds_vectorized_all": vec_all, "speedup_all": ratio(loop_all, vec_all)}


@operation("loop_backprop", outputs=("J_loop", "Delta1", "Delta2", "D1_loop", "D2_loop", "grads_loop", "loop_seconds",
                                     "loop_m", "X_loop", "y_loop"))
def loop_backprop(
    thetas, X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid", rows: int | None = None,
) -> dict:
    """Backpropagation one example at a time (t = 1..loop_m), accumulating Delta.

    rows: run over X's first `rows` examples only (default: all m). The loop
    is the version to read, not to run: on the digits it takes about 18 us
    an example, and a few hundred examples show it and check it as well as
    all of them. loop_m: the number it ran over; X_loop (loop_m, n), y_loop:
    those examples, for the matrix version to be compared on.

    Delta1, Delta2: the sums of delta^T a before dividing by loop_m, shaped
    like Theta1, Theta2. D1_loop, D2_loop: the gradients, Delta / loop_m
    plus the regularization. grads_loop: [D1_loop, D2_loop]. loop_seconds:
    how long the loop took, which `time_backprop` can take instead of
    running it again.
    """
    from tutor.core import backprop_loop
    from tutor.courses.backprop.timing import timed

    m = int(np.shape(X)[0])
    n = m if rows is None else max(1, min(int(rows), m))
    X_loop, y_loop = X[:n], y[:n]
    res, seconds = timed(lambda: backprop_loop(thetas, X_loop, y_loop, float(lam), activation))
    return {
        "J_loop": res.J,
        "Delta1": res.Deltas[0],
        "Delta2": res.Deltas[1],
        "D1_loop": res.grads[0],
        "D2_loop": res.grads[1],
        "grads_loop": res.grads,
        "loop_seconds": seconds,
        "loop_m": n,
        "X_loop": X_loop,
        "y_loop": y_loop,
    }


@operation("matrices_against_loop", outputs=("grads_rows", "J_rows", "gradient_gap"))
def matrices_against_loop(thetas, X: np.ndarray, y: np.ndarray, grads_loop, lam: float = 0.0,
                          activation: str = "sigmoid") -> dict:
    """The vectorized pass on the loop's own examples X (t, n), y (t,), against the loop's gradient.

    grads_rows: [D1, D2] from the matrix version; J_rows: its cost;
    gradient_gap: the largest absolute difference from grads_loop over
    every entry of D1 and D2 (rounding only, about 1e-16, when both are right).
    """
    from tutor.core import backprop

    res = backprop(thetas, X, y, float(lam), activation)
    return {"grads_rows": res.grads, "J_rows": res.J, "gradient_gap": max_abs_difference(res.grads, grads_loop)}


@operation("vectorized_backprop",
           outputs=("J_vec", "a1", "a2", "delta3", "delta2", "D1", "D2", "D2_bias", "grads_vec", "grad"))
def vectorized_backprop(thetas, X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid") -> dict:
    """All m examples at once: delta3 (m, K), delta2 (m, s2) and the gradients D1, D2.

    grad: the gradient unrolled like params. a1 (m, n+1), a2 (m, s2+1): the
    activations with their bias columns, for the shape algebra of D = deltaᵀ a.
    D2_bias (K,): column 0 of D2, the output biases' gradient.
    """
    from tutor.core import backprop

    res = backprop(thetas, X, y, float(lam), activation)
    return {
        "J_vec": res.J,
        "a1": res.forward.a[0],
        "a2": res.forward.a[1],
        "delta3": res.deltas[-1],
        "delta2": res.deltas[0],
        "D1": res.grads[0],
        "D2": res.grads[1],
        "D2_bias": res.grads[1][:, 0].copy(),
        "grads_vec": res.grads,
        "grad": unroll(res.grads),
    }

