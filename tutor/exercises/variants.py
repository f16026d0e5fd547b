"""Known-wrong versions of the exercise functions, as plain functions.

A diagnosis runs these on the test inputs and compares their outputs with
the learner's: when the learner's answer agrees with a wrong variant
wherever that variant goes wrong, the learner most likely made that mistake.
Each variant has the signature of the function it imitates.
"""

from __future__ import annotations

import numpy as np

from tutor.core import add_bias, reshape_params, sigmoid, sigmoid_gradient

# -- sigmoid_gradient -----------------------------------------------------


def sigmoid_instead_of_gradient(z):
    return sigmoid(z)


def gradient_of_activation(z):
    """g'(g(z)): the gradient applied to something that already went through g."""
    return sigmoid_gradient(sigmoid(z))


def a_formula_on_z(z):
    """a (1 - a) written with z in place of a = g(z)."""
    z = np.asarray(z, dtype=float)
    return z * (1.0 - z)


# -- rand_initialize_weights ------------------------------------------------


def init_zeros(L_in, L_out, epsilon=0.12, rng=None):
    return np.zeros((L_out, 1 + L_in))


def init_constant(L_in, L_out, epsilon=0.12, rng=None):
    return np.full((L_out, 1 + L_in), float(epsilon))


def init_zero_to_epsilon(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.default_rng(rng).random((L_out, 1 + L_in)) * epsilon


def init_unit_range(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.default_rng(rng).uniform(-1.0, 1.0, size=(L_out, 1 + L_in))


def init_standard_normal(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.default_rng(rng).standard_normal((L_out, 1 + L_in))


def init_no_bias_column(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.default_rng(rng).uniform(-epsilon, epsilon, size=(L_out, L_in))


def init_signature(W, L_in, L_out, epsilon=0.12) -> tuple:
    """What kind of starting weights W is: (shape, kind) with kind one of
    constant, too-wide, nonnegative, too-narrow, ok. Random draws differ from
    run to run; their kind does not, so variants are compared by it."""
    W = np.asarray(W, dtype=float)
    if W.size == 0 or not np.all(np.isfinite(W)):
        return (W.shape, "broken")
    if np.ptp(W) == 0:
        kind = "constant"
    elif np.abs(W).max() > epsilon * (1 + 1e-9):
        kind = "too-wide"
    elif W.min() >= 0 and W.size >= 20:
        kind = "nonnegative"
    elif W.size >= 20 and np.abs(W).max() < 0.5 * epsilon:
        kind = "too-narrow"
    else:
        kind = "ok"
    return (W.shape, kind)


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


def _nn(params, layer_sizes, X, y, lam=0.0, *, labels="right", divide_m=True, reg_j=0.5, reg_j_m=True,
        reg_j_bias=False, grad_m=True, reg_grad=1.0, reg_grad_m=True, reg_grad_bias=False, gprime="z",
        bias_delta=None, drop_bias=False):
    """The cost function with switches, one per known mistake."""
    thetas = reshape_params(np.asarray(params, dtype=float), layer_sizes)
    X = np.asarray(X, dtype=float)
    m, K = X.shape[0], int(layer_sizes[-1])
    Y = _targets(y, K, labels)
    a, zs = [add_bias(X)], []
    last = len(thetas) - 1
    for l, T in enumerate(thetas):
        z = a[-1] @ T.T
        zs.append(z)
        a.append(sigmoid(z) if l == last else add_bias(sigmoid(z)))
    zL = zs[-1]
    J_data = float(np.logaddexp(0.0, zL).sum() - (Y * zL).sum())
    J = J_data / m if divide_m else J_data
    sq = sum(float((T**2).sum()) if reg_j_bias else float((T[:, 1:] ** 2).sum()) for T in thetas)
    J += reg_j * lam * sq / (m if reg_j_m else 1.0)

    grads = [None] * len(thetas)
    delta = a[-1] - Y
    for l in range(last, -1, -1):
        T = thetas[l]
        if delta.shape[1] == T.shape[0] + 1:  # a kept bias delta: its row rides along
            T_rows = np.vstack([np.zeros((1, T.shape[1])), T])
        else:
            T_rows = T
        D = delta.T @ a[l]
        D = D / m if grad_m else D
        reg = reg_grad * lam * T_rows / (m if reg_grad_m else 1.0)
        if not reg_grad_bias:
            reg[:, 0] = 0.0
        D = D + reg
        grads[l] = D[:, 1:] if drop_bias else D
        if l > 0:
            back = delta[:, -T.shape[0]:] @ T  # (m, s_l + 1), bias unit first
            if bias_delta == "a":
                delta = back * (a[l] * (1.0 - a[l]))
            elif bias_delta == "z":
                delta = back * sigmoid_gradient(np.hstack([np.ones((m, 1)), zs[l - 1]]))
            elif gprime == "a":
                delta = back[:, 1:] * sigmoid_gradient(a[l][:, 1:])
            else:
                delta = back[:, 1:] * sigmoid_gradient(zs[l - 1])
    return J, np.concatenate([G.ravel() for G in grads])


def _nn_variant(**switches):
    def variant(params, layer_sizes, X, y, lam=0.0):
        return _nn(params, layer_sizes, X, y, lam, **switches)

    variant.__name__ = "nn_cost_function_" + "_".join(f"{k}_{v}" for k, v in switches.items())
    return variant


# -- compute_numerical_gradient -------------------------------------------------


def _cost(J, theta):
    out = J(theta)
    return float(out[0] if isinstance(out, tuple) else out)


def numerical_forward(J, theta, e=1e-4):
    theta = np.array(theta, dtype=float)
    base = _cost(J, theta)
    num = np.zeros_like(theta)
    for i in range(theta.size):
        t = theta.copy()
        t[i] += e
        num[i] = (_cost(J, t) - base) / e
    return num


def numerical_backward(J, theta, e=1e-4):
    theta = np.array(theta, dtype=float)
    base = _cost(J, theta)
    num = np.zeros_like(theta)
    for i in range(theta.size):
        t = theta.copy()
        t[i] -= e
        num[i] = (base - _cost(J, t)) / e
    return num


def numerical_not_halved(J, theta, e=1e-4):
    theta = np.array(theta, dtype=float)
    num = np.zeros_like(theta)
    for i in range(theta.size):
        tp, tm = theta.copy(), theta.copy()
        tp[i] += e
        tm[i] -= e
        num[i] = (_cost(J, tp) - _cost(J, tm)) / e
    return num


def numerical_all_at_once(J, theta, e=1e-4):
    theta = np.array(theta, dtype=float)
    value = (_cost(J, theta + e) - _cost(J, theta - e)) / (2 * e)
    return np.full_like(theta, value)


# -- predict ----------------------------------------------------------------------


def _h(thetas, X):
    a = np.asarray(X, dtype=float)
    for T in thetas:
        a = sigmoid(add_bias(a) @ np.asarray(T).T)
    return a


def predict_plus_one(thetas, X):
    return np.argmax(_h(thetas, X), axis=1) + 1


def predict_wrong_axis(thetas, X):
    return np.argmax(_h(thetas, X), axis=0)


# -- from scratch (W/b notation, rows are examples) ------------------------------------


def forward_sigmoid_hidden(X, parameters):
    Z1 = X @ parameters["W1"].T + parameters["b1"]
    A1 = sigmoid(Z1)
    Z2 = A1 @ parameters["W2"].T + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def forward_no_bias(X, parameters):
    Z1 = X @ parameters["W1"].T
    A1 = np.tanh(Z1)
    Z2 = A1 @ parameters["W2"].T
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _backward(parameters, cache, X, Y, *, derivative="tanh-a", divide_m=True, db_mean=True):
    m = X.shape[0]
    A1, A2, Z1 = cache["A1"], cache["A2"], cache["Z1"]
    dZ2 = A2 - Y
    k = m if divide_m else 1.0
    dW2 = dZ2.T @ A1 / k
    db2 = dZ2.sum(axis=0) / (k if db_mean else 1.0)
    gp = {"tanh-a": 1.0 - A1**2, "tanh-of-a": 1.0 - np.tanh(A1) ** 2, "tanh-z": 1.0 - Z1**2,
          "sigmoid-a": A1 * (1.0 - A1)}[derivative]
    dZ1 = (dZ2 @ parameters["W2"]) * gp
    dW1 = dZ1.T @ X / k
    db1 = dZ1.sum(axis=0) / (k if db_mean else 1.0)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _backward_variant(**switches):
    def variant(parameters, cache, X, Y):
        return _backward(parameters, cache, X, Y, **switches)

    variant.__name__ = "backward_propagation_" + "_".join(f"{k}_{v}" for k, v in switches.items())
    return variant


def update_wrong_sign(parameters, grads, learning_rate=1.2):
    return {k: v + learning_rate * grads["d" + k] for k, v in parameters.items()}


def update_no_learning_rate(parameters, grads, learning_rate=1.2):
    return {k: v - grads["d" + k] for k, v in parameters.items()}


# function name -> [(diagnosis id, variant)]
VARIANTS = {
    "sigmoid_gradient": [
        ("sigmoid-instead-of-gradient", sigmoid_instead_of_gradient),
        ("gradient-with-a-not-z", gradient_of_activation),
        ("gradient-with-a-not-z", a_formula_on_z),
    ],
    "rand_initialize_weights": [
        ("symmetric-initialization", init_zeros),
        ("symmetric-initialization", init_constant),
        ("wrong-init-range", init_zero_to_epsilon),
        ("wrong-init-range", init_unit_range),
        ("wrong-init-range", init_standard_normal),
        ("missing-bias-column", init_no_bias_column),
    ],
    "nn_cost_function": [
        ("labels-off-by-one", _nn_variant(labels="minus1")),
        ("labels-off-by-one", _nn_variant(labels="one-based")),
        ("labels-off-by-one", _nn_variant(labels="plus1")),
        ("missing-divide-by-m", _nn_variant(divide_m=False, reg_j_m=False, grad_m=False, reg_grad_m=False)),
        ("missing-divide-by-m", _nn_variant(divide_m=False, grad_m=False)),
        ("missing-divide-by-m", _nn_variant(reg_j_m=False, reg_grad_m=False)),
        ("missing-divide-by-m", _nn_variant(reg_j_m=False)),
        ("missing-divide-by-m", _nn_variant(grad_m=False)),
        ("regularization-factor", _nn_variant(reg_j=1.0, reg_grad=0.5)),
        ("regularization-factor", _nn_variant(reg_j=1.0)),
        ("regularization-factor", _nn_variant(reg_grad=0.5)),
        ("regularized-bias", _nn_variant(reg_j_bias=True, reg_grad_bias=True)),
        ("regularized-bias", _nn_variant(reg_j_bias=True)),
        ("regularized-bias", _nn_variant(reg_grad_bias=True)),
        ("gradient-with-a-not-z", _nn_variant(gprime="a")),
        ("bias-delta-kept", _nn_variant(bias_delta="a")),
        ("bias-delta-kept", _nn_variant(bias_delta="z")),
        ("missing-bias-column", _nn_variant(drop_bias=True)),
    ],
    "compute_numerical_gradient": [
        ("one-sided-difference", numerical_forward),
        ("one-sided-difference", numerical_backward),
        ("difference-not-halved", numerical_not_halved),
        ("perturbed-all-at-once", numerical_all_at_once),
    ],
    "predict": [
        ("labels-off-by-one", predict_plus_one),
        ("argmax-wrong-axis", predict_wrong_axis),
    ],
    "forward_propagation": [
        ("wrong-activation", forward_sigmoid_hidden),
        ("missing-bias-column", forward_no_bias),
    ],
    "backward_propagation": [
        ("missing-divide-by-m", _backward_variant(divide_m=False)),
        ("missing-divide-by-m", _backward_variant(db_mean=False)),
        ("gradient-with-a-not-z", _backward_variant(derivative="tanh-of-a")),
        ("gradient-with-a-not-z", _backward_variant(derivative="tanh-z")),
        ("wrong-activation", _backward_variant(derivative="sigmoid-a")),
    ],
    "update_parameters": [
        ("wrong-sign", update_wrong_sign),
        ("missing-learning-rate", update_no_learning_rate),
    ],
}
