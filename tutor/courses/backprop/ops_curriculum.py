"""Operations the curriculum's lessons need beyond the general network ones.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values): what a lesson step shows
or checks. Nothing here prints. The general operations (forward, cost,
backprop, gradcheck, predict, ...) live in ops_network.py; these are the
teaching experiments: the cost at chance, the symmetry problem, the cost of
gradient checking, the play table, overfitting on a held-out split, and the
from-scratch network in W/b notation.

A parameter named `lam` is the lesson's `lambda` (a Python keyword).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.core import (
    accuracy,
    backprop_example,
    check_nn_gradients,
    cross_entropy,
    debug_problem,
    epsilon_init,
    feedforward,
    initialize_params,
    n_params,
    nn_cost,
    nn_cost_function,
    one_hot,
    predict,
    regularization,
    relative_difference,
    reshape_params,
    sigmoid,
    sigmoid_gradient,
    spot_check,
    theta_shapes,
    train,
    train_network,
    unroll,
    verdict,
)
from tutor.core.gradcheck import DEBUG_LAYER_SIZES, compute_numerical_gradient
from tutor.plugin import operation
from tutor.courses.backprop.play import DEFAULT_CASES
from tutor.courses.backprop.resultcache import kept


def _table(rows: Sequence[Sequence]) -> np.ndarray:
    """A small table for the `table` view: a 2-D array of cell texts.

    The headings belong to the lesson (the view's `columns:`), which is where
    a teacher would reword them; each op's docstring lists its columns.
    """
    return np.array([[str(c) for c in r] for r in rows])


def _sizes(layer_sizes) -> tuple[int, ...]:
    return tuple(int(s) for s in layer_sizes)


# ---------------------------------------------------------------- 1. network


@operation("label_counts")
def label_counts(y: np.ndarray, K: int) -> np.ndarray:
    """How many examples of each class: (K,) counts, index = class."""
    return np.bincount(np.asarray(y, dtype=np.intp), minlength=int(K))


@operation("parameter_count", outputs=("n_parameters", "parameter_table", "params_size"))
def parameter_count(layer_sizes, params: np.ndarray) -> dict:
    """Count the weights from the layer sizes, and the length of the vector.

    n_parameters: sum over layers of s_{l+1} * (s_l + 1), from the sizes alone.
    params_size: the length of the unrolled vector actually built.
    parameter_table columns: matrix, shape, units x (inputs + bias), numbers.
    """
    sizes = _sizes(layer_sizes)
    rows = []
    for l, (r, c) in enumerate(theta_shapes(sizes), start=1):
        rows.append([f"Theta{l}", f"{r} x {c}", f"{r} x ({c - 1} + 1)", r * c])
    total = n_params(sizes)
    rows.append(["all", "", "", total])
    return {
        "n_parameters": total,
        "parameter_table": _table(rows),
        "params_size": int(np.asarray(params).size),
    }


@operation("roll_round_trip", outputs=("thetas_back", "Theta1_back", "round_trip_error"))
def roll_round_trip(params: np.ndarray, layer_sizes, thetas) -> dict:
    """Reshape the unrolled vector back into matrices and compare with the originals.

    round_trip_error: the largest absolute difference (0 when unroll and
    reshape are exact inverses).
    """
    back = reshape_params(np.asarray(params, dtype=float), _sizes(layer_sizes))
    err = max(float(np.max(np.abs(b - t))) for b, t in zip(back, thetas))
    return {"thetas_back": back, "Theta1_back": back[0], "round_trip_error": err}


# ------------------------------------------------------------------- 3. cost


@operation("cost_terms", outputs=("cost_terms", "J_unreg", "cost_per_example"))
def cost_terms(h: np.ndarray, Y: np.ndarray) -> dict:
    """The cost before summing: -Y log h - (1 - Y) log(1 - h), one entry per output.

    cost_terms: (m, K). cost_per_example: (m,), row sums. J_unreg: their mean.
    """
    h = np.clip(np.asarray(h, dtype=float), 1e-300, 1 - 1e-16)  # log(0) guard for a saturated output
    terms = -(Y * np.log(h) + (1.0 - Y) * np.log(1.0 - h))
    per_example = terms.sum(axis=1)
    return {"cost_terms": terms, "J_unreg": float(per_example.mean()), "cost_per_example": per_example}


@operation("regularization_parts", outputs=("reg_term", "reg_with_bias", "squared_weights", "J_reg"))
def regularization_parts(thetas, lam: float, m: int, J_unreg: float) -> dict:
    """The regularization term lambda/(2m) * sum of squared weights, bias column left out.

    reg_with_bias is the same sum wrongly including column 0, to show the
    difference; J_reg = J_unreg + reg_term.
    """
    lam, m = float(lam), int(m)
    squares = sum(float(np.sum(T[:, 1:] ** 2)) for T in thetas)
    with_bias = sum(float(np.sum(T**2)) for T in thetas)
    reg = regularization(thetas, lam, m)
    return {
        "reg_term": reg,
        "reg_with_bias": lam / (2.0 * m) * with_bias,
        "squared_weights": squares,
        "J_reg": float(J_unreg) + reg,
    }


@operation("chance_cost", outputs=("h_chance", "J_chance", "K_log2"))
def chance_cost(m: int, K: int) -> dict:
    """The cost of a network that outputs 0.5 everywhere (it knows nothing).

    Every one of the K outputs costs -log(0.5) = log 2 whatever the label, so
    J = K log 2. h_chance: (m, K) of 0.5.
    """
    h = np.full((int(m), int(K)), 0.5)
    Y = one_hot(np.zeros(int(m), dtype=np.intp), int(K))  # any labels give the same value
    return {"h_chance": h, "J_chance": cross_entropy(h, Y), "K_log2": int(K) * float(np.log(2.0))}


@operation("cost_at_lambdas", outputs=("J_lambda0", "J_lambda1", "J_lambda3", "reg_per_lambda"))
def cost_at_lambdas(thetas, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> dict:
    """The cost of the given weights at lambda = 0, 1 and 3 (the course's checkpoints).

    reg_per_lambda: what one unit of lambda adds, (sum of squares) / (2m).
    """
    J = {lam: nn_cost(thetas, X, y, lam, activation) for lam in (0.0, 1.0, 3.0)}
    return {
        "J_lambda0": J[0.0],
        "J_lambda1": J[1.0],
        "J_lambda3": J[3.0],
        "reg_per_lambda": regularization(thetas, 1.0, X.shape[0]),
    }


# ------------------------------------------------------- 4. sigmoid gradient


@operation(
    "sigmoid_gradient_values",
    outputs=("z_values", "g_values", "g_prime_values", "g_prime_table", "g_times_one_minus_g", "g_prime_at_zero",
             "g_prime_at_one", "g_prime_at_ten"),
)
def sigmoid_gradient_values(z) -> dict:
    """g(z) and g'(z) = g(z)(1 - g(z)) at a few points z (a list).

    g_times_one_minus_g: the product rule written out from g_values, to check
    against sigmoid_gradient. g_prime_at_zero / _one / _ten: g'(0), g'(1), g'(10).
    g_prime_table columns: z, g(z), g'(z) (6 decimals).
    """
    z = np.asarray(z, dtype=float)
    g, gp = sigmoid(z), sigmoid_gradient(z)
    rows = [[f"{zi:g}", f"{gi:.6f}", f"{gpi:.6g}" if gpi < 1e-3 else f"{gpi:.6f}"] for zi, gi, gpi in zip(z, g, gp)]
    return {
        "z_values": z,
        "g_values": g,
        "g_prime_values": gp,
        "g_prime_table": _table(rows),
        "g_times_one_minus_g": g * (1.0 - g),
        "g_prime_at_zero": float(sigmoid_gradient(0.0)),
        "g_prime_at_one": float(sigmoid_gradient(1.0)),
        "g_prime_at_ten": float(sigmoid_gradient(10.0)),
    }


@operation("saturation", outputs=("g_prime_z", "mean_g_prime", "saturated_percent"))
def saturation(z: np.ndarray, below: float = 0.01) -> dict:
    """How much gradient flows through units with pre-activations z.

    g_prime_z: g'(z), same shape as z. saturated_percent: share (in %) of
    entries whose g'(z) is below `below`, i.e. nearly switched off for learning.
    """
    gp = sigmoid_gradient(np.asarray(z, dtype=float))
    return {
        "g_prime_z": gp,
        "mean_g_prime": float(gp.mean()),
        "saturated_percent": 100.0 * float(np.mean(gp < below)),
    }


@operation("init_epsilons", outputs=("epsilons", "epsilon_table", "Theta1_init"))
def init_epsilons(layer_sizes, seed: int = 0) -> dict:
    """The sqrt(6) rule eps = sqrt(6)/sqrt(L_in + L_out) for each layer, and a sample Theta1.

    Theta1_init: uniform in [-0.12, 0.12], shape (s2, s1 + 1).
    epsilon_table columns: matrix, L_in, L_out, eps.
    """
    sizes = _sizes(layer_sizes)
    eps = [epsilon_init(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]
    rows = [[f"Theta{i + 1}", sizes[i], sizes[i + 1], f"{e:.4f}"] for i, e in enumerate(eps)]
    theta1 = reshape_params(initialize_params(sizes, "uniform", epsilon=0.12, seed=seed), sizes)[0]
    return {
        "epsilons": np.array(eps),
        "epsilon_table": _table(rows),
        "Theta1_init": theta1,
    }


def _distinct_rows(A: np.ndarray, tol: float = 1e-12) -> int:
    """How many different rows A has (rows closer than tol count as one)."""
    distinct: list[np.ndarray] = []
    for row in A:
        if not any(np.max(np.abs(row - d)) <= tol for d in distinct):
            distinct.append(row)
    return len(distinct)


@operation(
    "symmetry_demo",
    outputs=(
        "Theta1_from_zeros",
        "Theta1_from_random",
        "distinct_from_zeros",
        "distinct_from_random",
        "spread_from_zeros",
        "cost_from_zeros",
        "cost_from_random",
    ),
)
@kept("symmetry_demo")
def symmetry_demo(
    layer_sizes, X: np.ndarray, y: np.ndarray, iterations: int = 30, learning_rate: float = 1.0, seed: int = 0
) -> dict:
    """Train twice by gradient descent, from all-zero weights and from random ones.

    From zeros every hidden unit computes the same value and receives the
    same gradient, so the rows of Theta1 (one per hidden unit) stay equal:
    distinct_from_zeros is 1 and spread_from_zeros (the largest difference
    between any row and the first) is 0. From random weights every row differs.
    """
    sizes = _sizes(layer_sizes)
    out = {}
    for name, p0 in (
        ("zeros", initialize_params(sizes, "zeros")),
        ("random", initialize_params(sizes, "uniform", epsilon=0.12, seed=seed)),
    ):
        res = train_network(sizes, X, y, p0, 0.0, method="gd", iterations=int(iterations), learning_rate=float(learning_rate))
        Theta1 = reshape_params(res.params, sizes)[0].copy()
        out[f"Theta1_from_{name}"] = Theta1
        out[f"distinct_from_{name}"] = _distinct_rows(Theta1)
        out[f"cost_from_{name}"] = res.cost
    T0 = out["Theta1_from_zeros"]
    out["spread_from_zeros"] = float(np.max(np.abs(T0 - T0[0])))
    return out


# --------------------------------------------------------------- 5. backprop


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


# ------------------------------------------------------ 6. gradient checking


def _columns(num: np.ndarray, ana: np.ndarray) -> np.ndarray:
    """Numerical and analytical side by side: (n, 2)."""
    return np.column_stack([num, ana])


@operation("debug_network", outputs=("debug_Theta1", "debug_Theta2", "debug_X", "debug_y", "debug_sizes"))
def debug_network() -> dict:
    """The small deterministic 3-5-3 network (m = 5) used to check gradients."""
    thetas, X, y = debug_problem()
    return {
        "debug_Theta1": thetas[0],
        "debug_Theta2": thetas[1],
        "debug_X": X,
        "debug_y": y,
        "debug_sizes": list(DEBUG_LAYER_SIZES),
    }


@operation(
    "debug_gradient_check",
    outputs=("grad_columns", "numerical", "analytical", "rel_diff", "check_verdict", "debug_n_params"),
)
def debug_gradient_check(lam: float = 0.0) -> dict:
    """Central differences against backpropagation on the debug network.

    grad_columns: (38, 2), numerical | analytical. rel_diff:
    ||num - ana|| / ||num + ana||; check_verdict: pass / warn / fail.
    """
    gc = check_nn_gradients(float(lam))
    return {
        "grad_columns": _columns(gc.numerical, gc.analytical),
        "numerical": gc.numerical,
        "analytical": gc.analytical,
        "rel_diff": gc.relative_difference,
        "check_verdict": gc.verdict,
        "debug_n_params": int(gc.numerical.size),
    }


@operation("broken_gradient_check", outputs=("broken_columns", "broken_rel_diff", "broken_verdict"))
def broken_gradient_check(lam: float = 3.0) -> dict:
    """The same check against a gradient with a classic bug: regularization left out.

    The cost includes lambda/(2m) * sum Theta², but the buggy gradient forgets
    its derivative (lambda/m) Theta, so the two columns disagree and the
    relative difference is far above the pass band.
    """
    thetas, X, y = debug_problem()
    sizes = DEBUG_LAYER_SIZES
    params = unroll(thetas)
    lam = float(lam)

    def J(p):
        return nn_cost(reshape_params(p, sizes), X, y, lam)  # the cost alone: no backward pass needed

    _, buggy = nn_cost_function(params, sizes, X, y, 0.0)  # the gradient without its lambda part
    num = compute_numerical_gradient(J, params)
    rel = relative_difference(num, buggy)
    return {"broken_columns": _columns(num, buggy), "broken_rel_diff": rel, "broken_verdict": verdict(rel)}


@operation(
    "time_gradient_check",
    outputs=("seconds_per_cost", "seconds_backprop", "full_check_evaluations", "full_check_seconds",
             "full_check_minutes", "two_p", "numeric_over_backprop"),
)
def time_gradient_check(
    params: np.ndarray, layer_sizes, X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid",
    samples: int = 10,
) -> dict:
    """Time one cost evaluation and one backprop pass now, and extrapolate to a full numerical gradient.

    A full check needs two_p = 2 evaluations per parameter; backprop gets
    every partial derivative from one forward and one backward pass.
    numeric_over_backprop: the full check's time in backprop passes. Each
    timing is the fastest of `samples` runs (timing.py).
    """
    from tutor.courses.backprop.timing import cost_and_backprop_seconds

    per_cost, per_backprop = cost_and_backprop_seconds(params, _sizes(layer_sizes), X, y, lam, activation, samples)
    evals = 2 * np.size(params)
    return {
        "seconds_per_cost": per_cost,
        "seconds_backprop": per_backprop,
        "full_check_evaluations": evals,
        "full_check_seconds": evals * per_cost,
        "full_check_minutes": evals * per_cost / 60.0,
        "two_p": evals,
        "numeric_over_backprop": evals * per_cost / per_backprop,
    }


@operation("network_spot_check", outputs=("spot_columns", "spot_indices", "spot_rel_diff", "spot_verdict", "spot_seconds"))
def network_spot_check(
    params: np.ndarray, layer_sizes, X: np.ndarray, y: np.ndarray, lam: float = 0.0, k: int = 20, seed: int = 0,
    activation: str = "sigmoid",
) -> dict:
    """Central differences on k randomly chosen parameters of the full network.

    spot_columns: (k, 2) numerical | analytical; spot_indices: (k,) positions
    in the unrolled vector. 2k cost evaluations instead of 2 per parameter.
    """
    sizes = _sizes(layer_sizes)
    X = np.ascontiguousarray(X, dtype=float)

    calls = []

    def J(p):
        # spot_check asks once for (cost, grad) at params; every later call is a
        # nudged cost for the central differences, which needs no backprop (a
        # full backprop there made the 40 evaluations look dearer than the
        # full-check estimate the lesson had just shown)
        if not calls:
            calls.append(1)
            return nn_cost_function(p, sizes, X, y, float(lam), activation)
        return (nn_cost(reshape_params(p, sizes), X, y, float(lam), activation),)

    from tutor.courses.backprop.timing import timed

    sc, seconds = timed(lambda: spot_check(J, np.asarray(params, dtype=float), int(k), rng=int(seed)))
    return {
        "spot_columns": _columns(sc.numerical, sc.analytical),
        "spot_indices": sc.indices,
        "spot_rel_diff": sc.relative_difference,
        "spot_verdict": sc.verdict,
        "spot_seconds": seconds,
    }


# ---------------------------------------------------------- 7-8. training, accuracy


@operation("percent_correct", outputs=("predictions", "accuracy_percent", "n_correct", "n_wrong"))
def percent_correct(thetas, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> dict:
    """Predict every example and score it: accuracy in percent and the counts."""
    p = predict(thetas, X, activation)
    acc = accuracy(p, y)
    right = int(np.sum(p == np.asarray(y)))
    return {"predictions": p, "accuracy_percent": 100.0 * acc, "n_correct": right, "n_wrong": int(p.size - right)}


@operation("cost_change", outputs=("cost_start", "cost_end", "cost_fell_by", "cost_ratio"))
def cost_change(history) -> dict:
    """First and last cost of a training history, and how far it fell."""
    h = np.asarray(history, dtype=float)
    if hasattr(history, "costs"):
        h = np.asarray(history.costs, dtype=float)
    start, end = float(h[0]), float(h[-1])
    return {"cost_start": start, "cost_end": end, "cost_fell_by": start - end, "cost_ratio": end / start if start else 0.0}


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
    sizes = _sizes(layer_sizes)
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
        "play": _table(rows),
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
    sizes = _sizes(layer_sizes)
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
        "overfit": _table(rows),
        "train_costs": np.array(c_tr),
        "heldout_costs": np.array(c_te),
        "train_acc": np.array(a_tr),
        "heldout_acc": np.array(a_te),
        "n_train": int(tr.size),
        "n_heldout": int(te.size),
        "heldout_rise": float(c_te[-1] - min(c_te)),
        "accuracy_gap": float(a_tr[-1] - a_te[-1]),
    }


# ------------------------------------------------------ 9. moons from scratch


@operation("to_wb", outputs=("W1", "b1", "W2", "b2"))
def to_wb(thetas) -> dict:
    """Split Theta = [b | W] into weights W (s_{l+1}, s_l) and biases b (s_{l+1},)."""
    T1, T2 = thetas[0], thetas[1]
    return {"W1": T1[:, 1:].copy(), "b1": T1[:, 0].copy(), "W2": T2[:, 1:].copy(), "b2": T2[:, 0].copy()}


@operation("wb_forward", outputs=("Z1", "A1", "Z2", "A2"))
def wb_forward(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray, X: np.ndarray) -> dict:
    """Z1 = X W1ᵀ + b1, A1 = tanh(Z1) (m, h); Z2 = A1 W2ᵀ + b2, A2 = sigmoid(Z2) (m, 1)."""
    Z1 = X @ W1.T + b1
    A1 = np.tanh(Z1)
    Z2 = A1 @ W2.T + b2
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": sigmoid(Z2)}


@operation("wb_cost")
def wb_cost(A2: np.ndarray, y: np.ndarray) -> float:
    """-(1/m) sum [y log A2 + (1 - y) log(1 - A2)] for one sigmoid output A2 (m, 1)."""
    a = np.asarray(A2, dtype=float).ravel()
    t = np.asarray(y, dtype=float).ravel()
    return float(-np.mean(t * np.log(a) + (1.0 - t) * np.log(1.0 - a)))


@operation("wb_backward", outputs=("dZ2", "dW2", "db2", "dZ1", "dW1", "db1"))
def wb_backward(X: np.ndarray, y: np.ndarray, W2: np.ndarray, A1: np.ndarray, A2: np.ndarray) -> dict:
    """The backward pass written out for a tanh hidden layer and one sigmoid output.

    dZ2 = A2 - Y (m, 1); dW2 = dZ2ᵀ A1 / m (1, h); db2 = mean of dZ2 (1,);
    dZ1 = dZ2 W2 * (1 - A1²) (m, h); dW1 = dZ1ᵀ X / m (h, 2); db1 = column means (h,).
    """
    m = X.shape[0]
    Y = np.asarray(y, dtype=float).reshape(-1, 1)
    dZ2 = A2 - Y
    dW2 = dZ2.T @ A1 / m
    db2 = dZ2.mean(axis=0)
    dZ1 = (dZ2 @ W2) * (1.0 - A1**2)
    dW1 = dZ1.T @ X / m
    db1 = dZ1.mean(axis=0)
    return {"dZ2": dZ2, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dW1": dW1, "db1": db1}


@operation("wb_as_theta_grads")
def wb_as_theta_grads(dW1: np.ndarray, db1: np.ndarray, dW2: np.ndarray, db2: np.ndarray) -> list:
    """[db1 | dW1], [db2 | dW2]: the W/b gradients in Theta layout, to compare with backprop."""
    return [np.column_stack([db1, dW1]), np.column_stack([db2, dW2])]


@operation("wb_update", outputs=("W1_next", "b1_next", "W2_next", "b2_next"))
def wb_update(
    W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray,
    dW1: np.ndarray, db1: np.ndarray, dW2: np.ndarray, db2: np.ndarray, learning_rate: float,
) -> dict:
    """One gradient-descent step: each parameter moves by -learning_rate times its gradient."""
    a = float(learning_rate)
    return {"W1_next": W1 - a * dW1, "b1_next": b1 - a * db1, "W2_next": W2 - a * dW2, "b2_next": b2 - a * db2}


@operation(
    "gd_from_scratch",
    outputs=("cost_every", "cost_log", "gd_costs", "gd_thetas", "gd_W1", "gd_b1", "gd_W2", "gd_b2", "gd_final_cost"),
    ahead=True,
)
@kept("gd_from_scratch")
def gd_from_scratch(
    X: np.ndarray, y: np.ndarray, hidden: int, learning_rate: float, iterations: int, seed: int = 2,
    every: int = 1000,
) -> dict:
    """Plain gradient descent on a 2-hidden-1 network with a tanh hidden layer.

    Starts from W ~ RandomState(seed).randn * 0.01 (W1 drawn first) and zero
    biases, and runs `iterations` updates with tutor.core.train (method gd):
    the same maths as wb_forward / wb_backward / wb_update, repeated.
    cost_every: (k, 2) rows [iteration, cost] at 0, every, 2*every, ...;
    gd_costs: the cost before each update and after the last, (iterations + 1,).
    cost_log columns: iteration, cost.
    """
    sizes = (X.shape[1], int(hidden), 1)
    p0 = initialize_params(sizes, "normal", scale=0.01, seed=int(seed))
    Xc = np.ascontiguousarray(X, dtype=float)
    yc = np.asarray(y, dtype=np.intp)

    def cost_grad(p):
        return nn_cost_function(p, sizes, Xc, yc, 0.0, "tanh")

    res = train(cost_grad, p0, "gd", int(iterations), float(learning_rate))
    costs = res.costs
    step = max(1, int(every))
    marks = [i for i in range(0, costs.size, step)]
    table = np.array([[i, costs[i]] for i in marks])
    log = _table([[i, f"{costs[i]:.6f}"] for i in marks])
    thetas = reshape_params(res.params, sizes)
    wb = to_wb(thetas)
    return {
        "cost_every": table,
        "cost_log": log,
        "gd_costs": costs,
        "gd_thetas": [t.copy() for t in thetas],
        "gd_W1": wb["W1"],
        "gd_b1": wb["b1"],
        "gd_W2": wb["W2"],
        "gd_b2": wb["b2"],
        "gd_final_cost": float(costs[-1]),
    }


@operation("feedforward_h")
def feedforward_h(thetas, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    """Just the network's output h (m, K) for the given weights."""
    return feedforward(thetas, X, activation).h


@operation("pick_example", outputs=("x_row", "x_image", "x_label", "x_class"))
def pick_example(X: np.ndarray, y: np.ndarray, class_names, index: int = 0) -> dict:
    """Row `index` of X: x_row (n,), x_image (1, n) for the digits view, its label.

    x_label: the 0-based class index; x_class: the name printed for it.
    """
    i = int(index)
    if not 0 <= i < X.shape[0]:
        raise ValueError(f"example {i} does not exist; there are {X.shape[0]} (0 to {X.shape[0] - 1})")
    label = int(y[i])
    return {"x_row": X[i].copy(), "x_image": X[i : i + 1].copy(), "x_label": label, "x_class": str(class_names[label])}


@operation("theta_shape_texts", outputs=("Theta1_shape", "Theta2_shape", "a1_width", "a2_width"))
def theta_shape_texts(layer_sizes) -> dict:
    """The Theta shapes as quiz answers ("25x65"), and the widths with the bias unit."""
    (r1, c1), (r2, c2) = theta_shapes(_sizes(layer_sizes))[:2]
    return {"Theta1_shape": f"{r1}x{c1}", "Theta2_shape": f"{r2}x{c2}", "a1_width": c1, "a2_width": c2}


@operation("network_cost")
def network_cost(thetas, X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid") -> float:
    """J for the given weights, straight from tutor.core.nn_cost (an independent route)."""
    return nn_cost(thetas, X, y, float(lam), activation)


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


@operation("vectorized_backprop", outputs=("J_vec", "a1", "a2", "delta3", "delta2", "D1", "D2", "grads_vec", "grad"))
def vectorized_backprop(thetas, X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid") -> dict:
    """All m examples at once: delta3 (m, K), delta2 (m, s2) and the gradients D1, D2.

    grad: the gradient unrolled like params. a1 (m, n+1), a2 (m, s2+1): the
    activations with their bias columns, for the shape algebra of D = deltaᵀ a.
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
        "grads_vec": res.grads,
        "grad": unroll(res.grads),
    }


@operation("random_start", outputs=("params0", "thetas0"))
def random_start(layer_sizes, seed: int = 0, epsilon: float = 0.12) -> dict:
    """Fresh starting weights, uniform in [-epsilon, epsilon]: params0 unrolled, thetas0 as matrices."""
    sizes = _sizes(layer_sizes)
    p0 = initialize_params(sizes, "uniform", epsilon=float(epsilon), seed=int(seed))
    return {"params0": p0, "thetas0": [t.copy() for t in reshape_params(p0, sizes)]}


@operation("reshape_trained", outputs=("thetas_out", "Theta1_out", "Theta2_out"))
def reshape_trained(params: np.ndarray, layer_sizes) -> dict:
    """An unrolled vector (e.g. after training) back into Theta1, Theta2."""
    th = reshape_params(np.asarray(params, dtype=float), _sizes(layer_sizes))
    return {"thetas_out": th, "Theta1_out": th[0], "Theta2_out": th[1]}


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
