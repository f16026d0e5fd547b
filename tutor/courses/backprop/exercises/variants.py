"""Known-wrong versions of the course's exercise functions, one per mistake.

Each variant has the signature of the function it imitates and is registered
with the diagnosis it confirms. The engine runs a variant on the test inputs
and names its diagnosis only when the variant reproduces the learner's output
(or the learner's error, sizes included) on every test, and differs from the
right answer on at least one: a cause is named only when recomputing it gives
exactly what the learner got.
"""

from __future__ import annotations

import numpy as np

from tutor.core import add_bias, reshape_params, sigmoid, sigmoid_gradient
from tutor.plugin import mistake

# -- sigmoid_gradient -----------------------------------------------------


@mistake("sigmoid_gradient", "sigmoid-instead-of-gradient")
def sigmoid_instead_of_gradient(z):
    return sigmoid(z)


@mistake("sigmoid_gradient", "gradient-with-a-not-z")
def gradient_of_activation(z):
    """g'(g(z)): the gradient applied to something that already went through g."""
    return sigmoid_gradient(sigmoid(z))


@mistake("sigmoid_gradient", "gradient-with-a-not-z")
def a_formula_on_z(z):
    """a (1 - a) written with z in place of a = g(z)."""
    z = np.asarray(z, dtype=float)
    return z * (1.0 - z)


@mistake("sigmoid_gradient", "matrix-product-for-elementwise")
def sigmoid_gradient_matmul(z):
    """g(z) @ (1 - g(z)): a matrix product where the product is elementwise."""
    s = sigmoid(np.asarray(z, dtype=float))
    return s @ (1.0 - s)


# -- rand_initialize_weights ------------------------------------------------


@mistake("rand_initialize_weights", "symmetric-initialization")
def init_zeros(L_in, L_out, epsilon=0.12, rng=None):
    return np.zeros((L_out, 1 + L_in))


@mistake("rand_initialize_weights", "symmetric-initialization")
def init_constant(L_in, L_out, epsilon=0.12, rng=None):
    return np.full((L_out, 1 + L_in), float(epsilon))


@mistake("rand_initialize_weights", "symmetric-initialization")
def init_identical_rows(L_in, L_out, epsilon=0.12, rng=None):
    """One random row repeated for every unit (re-seeding per row, or broadcasting one row)."""
    row = np.random.default_rng(rng).uniform(-epsilon, epsilon, size=1 + L_in)
    return np.tile(row, (L_out, 1))


@mistake("rand_initialize_weights", "symmetric-initialization")
def init_constant_rows(L_in, L_out, epsilon=0.12, rng=None):
    """One random number per unit, repeated across its inputs."""
    col = np.random.default_rng(rng).uniform(-epsilon, epsilon, size=(L_out, 1))
    return np.tile(col, (1, 1 + L_in))


@mistake("rand_initialize_weights", "wrong-init-range")
def init_zero_to_epsilon(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.default_rng(rng).random((L_out, 1 + L_in)) * epsilon


@mistake("rand_initialize_weights", "wrong-init-range")
def init_unit_range(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.default_rng(rng).uniform(-1.0, 1.0, size=(L_out, 1 + L_in))


@mistake("rand_initialize_weights", "wrong-init-range")
def init_standard_normal(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.default_rng(rng).standard_normal((L_out, 1 + L_in))


@mistake("rand_initialize_weights", "init-missing-bias-column")
def init_no_bias_column(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.default_rng(rng).uniform(-epsilon, epsilon, size=(L_out, L_in))


def init_signature(W, L_in, L_out, epsilon=0.12) -> tuple:
    """What kind of starting weights W is: (shape, kind) with kind one of
    broken, symmetric, too-wide, nonnegative, too-narrow, ok. Random draws
    differ from run to run; their kind does not, so variants are compared by it."""
    W = np.asarray(W, dtype=float)
    if W.size == 0 or not np.all(np.isfinite(W)):
        return (W.shape, "broken")
    if W.ndim == 2 and symmetric_rows(W):
        kind = "symmetric"
    elif np.abs(W).max() > epsilon * (1 + 1e-9):
        kind = "too-wide"
    elif W.min() >= 0 and W.size >= 20:
        kind = "nonnegative"
    elif W.size >= 20 and np.abs(W).max() < 0.5 * epsilon:
        kind = "too-narrow"
    else:
        kind = "ok"
    return (W.shape, kind)


def symmetric_rows(W) -> bool:
    """Two units with the same incoming weights, or a unit whose weights are all equal."""
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.size == 0:
        return False
    if np.ptp(W) == 0:
        return True
    if W.shape[1] > 1 and np.any(np.ptp(W, axis=1) == 0):
        return True
    return W.shape[0] > 1 and len(np.unique(W, axis=0)) < W.shape[0]


# -- nn_cost_function ---------------------------------------------------------


def _targets(y, K, labels):
    y = np.asarray(y).astype(np.intp).ravel()
    m = y.size
    Y = np.zeros((m, K))
    if labels == "minus1":  # 1-based thinking: y - 1, with -1 wrapping to the last class
        Y[np.arange(m), y - 1] = 1.0
    elif labels == "one-based":  # compares y with 1..K: class 0 is never hot
        Y = (y[:, None] == np.arange(1, K + 1)).astype(float)
    elif labels == "plus1":
        Y[np.arange(m), (y + 1) % K] = 1.0
    else:
        Y[np.arange(m), y] = 1.0
    return Y


def _layer_input(a, l, a_bias):
    """The input of layer l: activations with the bias column, or the mistake asked for."""
    if a_bias == "none-input" and l == 0 or a_bias == "none-hidden" and l > 0:
        return a
    if a_bias == "twice-input" and l == 0:
        return add_bias(add_bias(a))
    return add_bias(a)


def _nn(params, layer_sizes, X, y, lam=0.0, *, labels="right", divide_m=True, reg_j=0.5, reg_j_m=True,
        reg_j_bias=False, grad_m=True, reg_grad=1.0, reg_grad_m=True, reg_grad_bias=False, gprime="z",
        bias_delta=None, drop_bias=False, a_bias="right", hidden="g", delta_sign=1.0, delta_sq=False,
        cost_terms="both", mean_mk=False, unroll="C", forward_T=True, back_T=False, gprime_op="*",
        reg_inplace=False):
    """The cost function (J, grad) with switches, one per known mistake."""
    thetas = reshape_params(np.asarray(params, dtype=float), layer_sizes)
    X = np.asarray(X, dtype=float)
    m, K = X.shape[0], int(layer_sizes[-1])
    Y = _targets(y, K, labels)
    acts, ins, zs = [X], [], []
    last = len(thetas) - 1
    for l, T in enumerate(thetas):
        a_in = _layer_input(acts[-1], l, a_bias)
        ins.append(a_in)
        z = a_in @ (T.T if forward_T else T)
        zs.append(z)
        acts.append(sigmoid(z) if (l == last or hidden == "g") else z)
    h, zL = acts[-1], zs[-1]
    if cost_terms == "both":
        per = np.logaddexp(0.0, zL) - Y * zL
    else:  # only -Y log h
        per = Y * np.logaddexp(0.0, -zL)
    J_data = float(per.sum())
    J = J_data / (m * K if mean_mk else m) if divide_m else J_data
    sq = sum(float((T**2).sum()) if reg_j_bias else float((T[:, 1:] ** 2).sum()) for T in thetas)
    J += reg_j * lam * sq / (m if reg_j_m else 1.0)

    grads = [None] * len(thetas)
    delta = delta_sign * (h - Y)
    if delta_sq:
        delta = delta * (h * (1.0 - h))
    for l in range(last, -1, -1):
        T = thetas[l]
        if delta.shape[1] == T.shape[0] + 1:  # a kept bias delta: its row rides along
            T_rows = np.vstack([np.zeros((1, T.shape[1])), T])
        else:
            T_rows = T
        D = delta.T @ ins[l]
        D = D / m if grad_m else D
        if reg_inplace:  # D[:, 1:] += (lam / m) * Theta[:, 1:], as written by hand: raises on a mismatch
            D[:, 1:] += reg_grad * lam / (m if reg_grad_m else 1.0) * T[:, 1:]
            T_rows = np.zeros_like(T_rows)
        reg = reg_grad * lam * T_rows / (m if reg_grad_m else 1.0)
        if not reg_grad_bias:
            reg[:, 0] = 0.0
        D = D + reg
        grads[l] = D[:, 1:] if drop_bias else D
        if l > 0:
            back = delta[:, -T.shape[0]:] @ (T.T if back_T else T)  # (m, s_l + 1), bias unit first
            z_prev = zs[l - 1]
            if bias_delta == "a":
                a_prev = add_bias(acts[l])
                delta = back * (a_prev * (1.0 - a_prev))
            elif bias_delta == "z":
                delta = back * sigmoid_gradient(np.hstack([np.ones((m, 1)), z_prev]))
            else:
                gp = sigmoid_gradient(acts[l]) if gprime == "a" else sigmoid_gradient(z_prev)
                delta = back[:, 1:] @ gp if gprime_op == "@" else back[:, 1:] * gp
    return J, np.concatenate([G.ravel(order=unroll) for G in grads])


def _nn_variant(diagnosis_id, **switches):
    def variant(params, layer_sizes, X, y, lam=0.0):
        return _nn(params, layer_sizes, X, y, lam, **switches)

    variant.__name__ = "nn_cost_function_" + "_".join(f"{k}_{v}" for k, v in switches.items())
    mistake("nn_cost_function", diagnosis_id)(variant)
    return variant


for _id, _switches in [
    ("labels-off-by-one", dict(labels="minus1")),
    ("labels-off-by-one", dict(labels="one-based")),
    ("labels-off-by-one", dict(labels="plus1")),
    ("missing-divide-by-m", dict(divide_m=False, reg_j_m=False, grad_m=False, reg_grad_m=False)),
    ("missing-divide-by-m", dict(divide_m=False, grad_m=False)),
    ("missing-divide-by-m", dict(divide_m=False)),
    ("missing-divide-by-m", dict(grad_m=False)),
    ("missing-divide-by-m", dict(reg_j_m=False)),
    ("regularized-gradient-without-m", dict(reg_grad_m=False)),
    ("regularized-gradient-without-m", dict(reg_j_m=False, reg_grad_m=False)),
    ("regularization-factor", dict(reg_j=1.0, reg_grad=0.5)),
    ("regularization-factor", dict(reg_j=1.0)),
    ("regularization-factor", dict(reg_grad=0.5)),
    ("regularized-bias", dict(reg_j_bias=True, reg_grad_bias=True)),
    ("regularized-bias", dict(reg_j_bias=True)),
    ("regularized-bias", dict(reg_grad_bias=True)),
    ("gradient-with-a-not-z", dict(gprime="a")),
    ("bias-delta-kept", dict(bias_delta="a")),
    ("bias-delta-kept", dict(bias_delta="z")),
    ("bias-delta-kept", dict(bias_delta="a", reg_inplace=True)),
    ("bias-delta-kept", dict(bias_delta="z", reg_inplace=True)),
    ("missing-bias-column", dict(drop_bias=True)),
    ("missing-bias-column", dict(a_bias="none-input")),
    ("missing-bias-column", dict(a_bias="none-hidden")),
    ("bias-column-twice", dict(a_bias="twice-input")),
    ("activation-missing", dict(hidden="z")),
    ("delta-sign-flipped", dict(delta_sign=-1.0)),
    ("squared-error-delta", dict(delta_sq=True)),
    ("cost-missing-second-term", dict(cost_terms="first")),
    ("mean-over-m-times-k", dict(mean_mk=True)),
    ("gradient-unrolled-column-major", dict(unroll="F")),
    ("forward-missing-transpose", dict(forward_T=False)),
    ("backward-transposed-weights", dict(back_T=True)),
    ("matrix-product-for-elementwise", dict(gprime_op="@")),
]:
    _nn_variant(_id, **_switches)


# -- compute_numerical_gradient -------------------------------------------------


def _cost(J, theta):
    out = J(theta)
    return float(out[0] if isinstance(out, tuple) else out)


@mistake("compute_numerical_gradient", "one-sided-difference")
def numerical_forward(J, theta, e=1e-4):
    theta = np.array(theta, dtype=float)
    base = _cost(J, theta)
    num = np.zeros_like(theta)
    for i in range(theta.size):
        t = theta.copy()
        t[i] += e
        num[i] = (_cost(J, t) - base) / e
    return num


@mistake("compute_numerical_gradient", "one-sided-difference")
def numerical_backward(J, theta, e=1e-4):
    theta = np.array(theta, dtype=float)
    base = _cost(J, theta)
    num = np.zeros_like(theta)
    for i in range(theta.size):
        t = theta.copy()
        t[i] -= e
        num[i] = (base - _cost(J, t)) / e
    return num


@mistake("compute_numerical_gradient", "difference-not-halved")
def numerical_not_halved(J, theta, e=1e-4):
    theta = np.array(theta, dtype=float)
    num = np.zeros_like(theta)
    for i in range(theta.size):
        tp, tm = theta.copy(), theta.copy()
        tp[i] += e
        tm[i] -= e
        num[i] = (_cost(J, tp) - _cost(J, tm)) / e
    return num


@mistake("compute_numerical_gradient", "perturbed-all-at-once")
def numerical_all_at_once(J, theta, e=1e-4):
    theta = np.array(theta, dtype=float)
    value = (_cost(J, theta + e) - _cost(J, theta - e)) / (2 * e)
    return np.full_like(theta, value)


# -- predict ----------------------------------------------------------------------


def _h(thetas, X, *, bias=True, transpose=True):
    a = np.asarray(X, dtype=float)
    for T in thetas:
        a_in = add_bias(a) if bias else a
        a = sigmoid(a_in @ (np.asarray(T).T if transpose else np.asarray(T)))
    return a


@mistake("predict", "labels-off-by-one")
def predict_plus_one(thetas, X):
    return np.argmax(_h(thetas, X), axis=1) + 1


@mistake("predict", "argmax-wrong-axis")
def predict_wrong_axis(thetas, X):
    return np.argmax(_h(thetas, X), axis=0)


@mistake("predict", "missing-bias-column")
def predict_no_bias(thetas, X):
    return np.argmax(_h(thetas, X, bias=False), axis=1)


@mistake("predict", "forward-missing-transpose")
def predict_no_transpose(thetas, X):
    return np.argmax(_h(thetas, X, transpose=False), axis=1)


# -- from scratch (W/b notation, rows are examples) ------------------------------------


@mistake("forward_propagation", "wrong-activation")
def forward_sigmoid_hidden(X, parameters):
    Z1 = X @ parameters["W1"].T + parameters["b1"]
    A1 = sigmoid(Z1)
    Z2 = A1 @ parameters["W2"].T + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


@mistake("forward_propagation", "missing-bias-column")
def forward_no_bias(X, parameters):
    Z1 = X @ parameters["W1"].T
    A1 = np.tanh(Z1)
    Z2 = A1 @ parameters["W2"].T
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


@mistake("forward_propagation", "activation-missing")
def forward_no_hidden_activation(X, parameters):
    Z1 = X @ parameters["W1"].T + parameters["b1"]
    A1 = Z1
    Z2 = A1 @ parameters["W2"].T + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


@mistake("forward_propagation", "forward-missing-transpose")
def forward_no_transpose(X, parameters):
    Z1 = X @ parameters["W1"] + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = A1 @ parameters["W2"] + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _backward(parameters, cache, X, Y, *, derivative="tanh-a", divide_m=True, db_mean=True, flat=None,
              transposed=False, sign=1.0, dw_m=True):
    m = X.shape[0]
    A1, A2, Z1 = cache["A1"], cache["A2"], cache["Z1"]
    if flat == "y":  # (m, 1) - (m,): an m x m matrix, [i, j] = A2[i] - Y[j]
        dZ2 = sign * (A2 - np.asarray(Y).ravel())
    elif flat == "a":  # (m,) - (m, 1): its transpose
        dZ2 = sign * (np.asarray(A2).ravel() - Y)
    else:
        dZ2 = sign * (A2 - Y)
    k = m if divide_m else 1.0
    kw = k if dw_m else 1.0  # the weights' gradients alone left as sums
    dW2 = (A1.T @ dZ2 if transposed else dZ2.T @ A1) / kw
    db2 = dZ2.sum(axis=0) / (k if db_mean else 1.0)
    gp = {"tanh-a": 1.0 - A1**2, "tanh-of-a": 1.0 - np.tanh(A1) ** 2, "tanh-z": 1.0 - Z1**2,
          "sigmoid-a": A1 * (1.0 - A1)}[derivative]
    dZ1 = (dZ2 @ parameters["W2"]) * gp
    dW1 = (X.T @ dZ1 if transposed else dZ1.T @ X) / kw
    db1 = dZ1.sum(axis=0) / (k if db_mean else 1.0)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _backward_variant(diagnosis_id, **switches):
    def variant(parameters, cache, X, Y):
        return _backward(parameters, cache, X, Y, **switches)

    variant.__name__ = "backward_propagation_" + "_".join(f"{k}_{v}" for k, v in switches.items())
    mistake("backward_propagation", diagnosis_id)(variant)
    return variant


for _id, _switches in [
    ("missing-divide-by-m", dict(divide_m=False)),
    ("missing-divide-by-m", dict(db_mean=False)),
    ("missing-divide-by-m", dict(dw_m=False)),
    ("gradient-with-a-not-z", dict(derivative="tanh-of-a")),
    ("gradient-with-a-not-z", dict(derivative="tanh-z")),
    ("wrong-activation", dict(derivative="sigmoid-a")),
    ("column-minus-flat-broadcast", dict(flat="y")),
    ("column-minus-flat-broadcast", dict(flat="a")),
    ("transposed-product", dict(transposed=True)),
    ("delta-sign-flipped", dict(sign=-1.0)),
]:
    _backward_variant(_id, **_switches)


@mistake("update_parameters", "wrong-sign")
def update_wrong_sign(parameters, grads, learning_rate=1.2):
    return {k: v + learning_rate * grads["d" + k] for k, v in parameters.items()}


@mistake("update_parameters", "missing-learning-rate")
def update_no_learning_rate(parameters, grads, learning_rate=1.2):
    return {k: v - grads["d" + k] for k, v in parameters.items()}
