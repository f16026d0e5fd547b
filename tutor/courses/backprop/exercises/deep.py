"""The backprop-deep exercise: `backprop_deep(thetas, X, y, lam)` for any number of layers.

Its reference (readable, vectorised: what `tutor solution` shows), the
fixtures it is checked on (the bundled digits through 64-30-20-10, the debug
network, a deeper random one) and its known mistakes, each a version of the
function with one thing wrong. Only the parent process imports this module.
"""

from __future__ import annotations

import itertools

import numpy as np

from tutor.plugin import fixture, mistake, reference


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@reference("backprop_deep")
def backprop_deep(thetas, X, y, lam):
    """J and [D1, ..., D(L-1)] for a sigmoid network of any depth."""
    m = X.shape[0]
    K = thetas[-1].shape[0]
    Y = np.eye(K)[y]  # one-hot labels, (m, K)

    # forward: keep every a (with its column of ones) and every z
    a = [np.hstack([np.ones((m, 1)), X])]
    z = []
    for Theta in thetas:
        z.append(a[-1] @ Theta.T)
        a.append(np.hstack([np.ones((m, 1)), _sigmoid(z[-1])]))
    h = a[-1][:, 1:]  # the output layer has no bias unit

    # the cost: mean cross-entropy, plus the penalty without bias columns
    J = -(Y * np.log(h) + (1 - Y) * np.log(1 - h)).sum() / m
    J += lam / (2 * m) * sum((T[:, 1:] ** 2).sum() for T in thetas)

    delta = h - Y  # BP1
    grads = [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        D = delta.T @ a[l] / m  # BP3 (column 0) and BP4
        D[:, 1:] += lam / m * thetas[l][:, 1:]  # no penalty on the bias
        grads[l] = D
        if l > 0:
            # BP2: back through Theta, drop the bias column, times g'(z)
            g = _sigmoid(z[l - 1])
            delta = (delta @ thetas[l])[:, 1:] * g * (1 - g)
    return J, grads


def _variant(thetas, X, y, lam, *, reg_j_bias=False, reg_grad_bias=False, keep_bias_delta=False, divide_m=True, gprime_of_a=False,
             sign=1.0, squared=False):
    """backprop_deep with switches, one per known mistake (the same steps as the reference otherwise)."""
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(np.intp).ravel()
    m, K = X.shape[0], thetas[-1].shape[0]
    Y = np.eye(K)[y]
    a = [np.hstack([np.ones((m, 1)), X])]
    z = []
    for Theta in thetas:
        z.append(a[-1] @ Theta.T)
        a.append(np.hstack([np.ones((m, 1)), _sigmoid(z[-1])]))
    h = a[-1][:, 1:]
    penalty = sum(((T ** 2).sum() if reg_j_bias else (T[:, 1:] ** 2).sum()) for T in thetas)
    J = -(Y * np.log(h) + (1 - Y) * np.log(1 - h)).sum() / m + lam / (2 * m) * penalty
    delta = sign * (h - Y)
    if squared:
        delta = delta * h * (1 - h)
    grads = [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        D = delta.T @ a[l]
        if divide_m:
            D = D / m
        if reg_grad_bias:
            D = D + lam / m * thetas[l]
        else:
            D[:, 1:] += lam / m * thetas[l][:, 1:]
        grads[l] = D
        if l > 0:
            if keep_bias_delta:  # the bias column kept: g' from a, which has it too
                delta = (delta @ thetas[l]) * a[l] * (1 - a[l])
            elif gprime_of_a:
                g = _sigmoid(a[l][:, 1:])  # g'(a) taken as if a were z
                delta = (delta @ thetas[l])[:, 1:] * g * (1 - g)
            else:
                g = _sigmoid(z[l - 1])
                delta = (delta @ thetas[l])[:, 1:] * g * (1 - g)
    return J, grads


def _register(diagnosis_id: str, **switches):
    def variant(thetas, X, y, lam):
        return _variant(thetas, X, y, lam, **switches)

    variant.__name__ = "backprop_deep_" + "_".join(f"{k}_{v}" for k, v in switches.items())
    mistake("backprop_deep", diagnosis_id)(variant)


for _id, _switches in [
    ("regularized-bias", {"reg_j_bias": True, "reg_grad_bias": True}),
    ("regularized-bias", {"reg_grad_bias": True}),
    ("regularized-bias", {"reg_j_bias": True}),
    ("bias-delta-kept", {"keep_bias_delta": True}),
    ("missing-divide-by-m", {"divide_m": False}),
    ("gradient-with-a-not-z", {"gprime_of_a": True}),
    ("delta-sign-flipped", {"sign": -1.0}),
    ("squared-error-delta", {"squared": True}),
]:
    _register(_id, **_switches)


@fixture("deep-digits")
def deep_digits(sizes=(64, 30, 20, 10), m=100, seed=0, scale=0.5) -> dict:
    """The first m bundled digits (8 x 8 = 64 features) and seeded weights uniform in ±scale."""
    from tutor.courses.backprop.datasets import load_digits

    ds = load_digits()
    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in sizes]
    thetas = [rng.uniform(-scale, scale, size=(s_out, s_in + 1)) for s_in, s_out in itertools.pairwise(sizes)]
    return {"thetas": thetas, "X": np.array(ds.X[:m], dtype=float), "y": np.array(ds.y[:m])}


@fixture("deep-random")
def deep_random(sizes=(4, 6, 5, 4, 3), m=12, seed=0, scale=0.8) -> dict:
    """A seeded network of any depth on normal inputs, every class present."""
    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in sizes]
    thetas = [rng.uniform(-scale, scale, size=(s_out, s_in + 1)) for s_in, s_out in itertools.pairwise(sizes)]
    X = rng.normal(size=(m, sizes[0]))
    y = np.arange(m) % sizes[-1]
    rng.shuffle(y)
    return {"thetas": thetas, "X": X, "y": y}


@fixture("deep-debug")
def deep_debug() -> dict:
    """The gradient-checking network (3-5-3, m = 5) as a list of Thetas: one hidden layer is a depth too."""
    from tutor.core import debug_problem

    thetas, X, y = debug_problem()
    return {"thetas": [T.copy() for T in thetas], "X": X, "y": y}
