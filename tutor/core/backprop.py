"""Backpropagation, twice: the per-example loop as taught, and vectorized.

For each layer, from the output back:
    delta_L = a_L - Y
    delta_l = (delta_{l+1} Theta_l)[:, 1:] * g'(z_l)      (bias delta dropped)
    Delta_l = sum over examples of delta_{l+1}^T a_l
    D_l     = Delta_l / m  +  (lambda / m) Theta_l   on every column but the first

`backprop_loop` walks the examples one at a time, accumulating Delta, exactly
as the lesson tells it. `backprop` does all examples at once with matrix
products; `nn_cost_function` is that, lean, for the optimizers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tutor.core.activations import get_activation, sigmoid, sigmoid_ufuncs
from tutor.core.cost import one_hot, regularization
from tutor.core.forward import Forward, as_float
from tutor.core.params import reshape_params, theta_shapes


@dataclass(frozen=True)
class Gradients:
    """What the vectorized backward pass found.

    J: the cost. grads: [D1, D2, ...] shaped like the Thetas.
    deltas: (delta2, ..., deltaL), shapes (m, s_l), bias deltas dropped.
    forward: the forward pass it started from.
    """

    J: float
    grads: list[np.ndarray]
    deltas: tuple[np.ndarray, ...]
    forward: Forward


@dataclass(frozen=True)
class LoopResult:
    """What the per-example loop found.

    J: the cost. grads: [D1, D2, ...]. Deltas: the accumulators before the
    division by m and the regularization, shaped like the Thetas.
    """

    J: float
    grads: list[np.ndarray]
    Deltas: list[np.ndarray]


def _in_place(activation):
    """The hidden activation as a function g(z, out=z), so `nn_cost_function`
    (which keeps no z) can overwrite z with a = g(z) instead of allocating a
    second (m, s_l) array; None when there is none."""
    if activation == "sigmoid":
        return sigmoid
    return {"tanh": np.tanh}.get(activation)


def _g_prime_of_a(activation, a, out=None):
    """g'(z) from a = g(z) with one temporary instead of two (same numbers).

    out=a: written over a itself (bit for bit the same values), for a
    caller that no longer needs a.
    """
    if activation == "sigmoid":
        if out is None:
            gp = 1.0 - a
            gp *= a
            return gp
        # (1 - a) a needs a and 1 - a at once: a block of rows at a time keeps
        # the temporary small while giving exactly the numbers above.
        step = max(1, 4096 * 32 // max(1, a.shape[1]))
        for i in range(0, a.shape[0], step):
            block = a[i:i + step]
            np.multiply(1.0 - block, block, out=block)
        return a
    if activation == "tanh":
        gp = np.multiply(a, a, out=out)
        np.subtract(1.0, gp, out=gp)
        return gp
    return get_activation(activation)[2](a)


def _softplus_sum(zL, h):
    """sum of log(1 + e^z) over zL (m, K), reusing h = sigmoid(zL).

    log(1 + e^z) = -log(1 - h) for z < 0 and z - log(h) for z >= 0, so the sum
    is sum(max(z, 0)) - sum(log q) with q = max(h, 1 - h) = 0.5 + |h - 0.5|,
    always in [0.5, 1]: nothing cancels or overflows. Since q >= 0.5, a row's
    product stays above 0.5^K (a normal number for K <= 1000), so one log per
    row replaces one per entry. The same quantity as `softplus_sum`
    (tutor.core.cost), which has no h to reuse.
    """
    q = h - 0.5
    np.abs(q, out=q)
    q += 0.5
    # Sums accumulate in float64 even for float32 data: the optimizer's line
    # search compares costs, and a float32 running sum over m rows would blur them.
    log_q = np.log(q.prod(axis=1)).sum(dtype=np.float64) if q.shape[1] <= 1000 else np.log(q).sum(dtype=np.float64)
    return float(np.maximum(zL, 0.0).sum(dtype=np.float64) - log_q)


_ROWS = np.arange(0)


def _row_indices(m: int) -> np.ndarray:
    """0, 1, ..., m - 1, kept between calls: an optimizer asks for the same m
    on every evaluation (read-only; a view of a longer kept range is fine)."""
    global _ROWS
    rows = _ROWS  # one read: another thread (a lesson's look-ahead) may replace it meanwhile
    if rows.size < m:
        rows = np.arange(m)
        rows.flags.writeable = False
        _ROWS = rows
    return rows[:m]


def _backward(thetas, X, y, lam, activation, grads_out, keep):
    """Shared vectorized pass. Writes D_l into grads_out; returns (J, extras).

    To spare the (m, n+1) copy [1, X], the first layer works with X and the
    bias column separately: z2 = X W1^T + b1, and D1 = [sum delta2, delta2^T X] / m.
    The two big products, X W1^T and delta2^T X, are all the work that grows
    with m * n; the rest avoids temporaries: Y is never built (h - Y is h with
    1 taken off at each label), the cost reuses h, and without `keep` each
    hidden z is overwritten by its activation.

    Everything is computed in X's dtype (float32 or float64): the Thetas are
    cast to it (small copies), never X to theirs. J and the regularization
    are summed in float64; grads_out may be float64 whatever X is.
    """
    g, _, _ = get_activation(activation)
    g_in_place = _in_place(activation)
    m = X.shape[0]
    last = len(thetas) - 1
    work = [T if T.dtype == X.dtype else T.astype(X.dtype) for T in thetas]
    acts = [X]  # activations of each layer, without the bias column
    zs = []
    for l, Theta in enumerate(work):
        z = (Theta[:, 1:] @ acts[-1].T).T  # see forward.affine: same numbers, less BLAS memory
        z += Theta[:, 0]
        if l == last:
            zs.append(z)
            acts.append(sigmoid(z))
        elif keep or g_in_place is None:
            zs.append(z)
            acts.append(g(z))
        else:
            acts.append(g_in_place(z, out=z))

    zL, h = zs[-1], acts[-1]
    y = np.asarray(y).ravel().astype(np.intp, copy=False)
    rows = _row_indices(m) if h.shape[1] > 1 else None
    if h.shape[1] == 1:  # one sigmoid output: Y is y itself
        z_at_labels = float(zL[:, 0].astype(np.float64) @ y.astype(np.float64))
    else:
        z_at_labels = float(zL[rows, y].sum(dtype=np.float64))
    # J = (1/m) sum [log(1 + e^z) - Y z]  (the cross-entropy written in z)
    J = (_softplus_sum(zL, h) - z_at_labels) / m + regularization(thetas, lam, m)
    if not keep:
        zs.clear()  # zL is not needed past the cost
        zL = None
    # delta_L = h - Y. Without `keep`, h is not needed any more: it becomes
    # delta_L in place (at MNIST size every (m, s) array saved is megabytes).
    delta = h.copy() if keep else h
    if rows is None:
        delta[:, 0] -= y
    else:
        delta[rows, y] -= 1.0

    ones = np.ones(m, dtype=X.dtype)
    deltas = [delta]
    for l in range(last, -1, -1):
        D = grads_out[l]
        D[:, 0] = ones @ delta  # column sums as a BLAS product: faster than .sum(axis=0)
        D[:, 1:] = delta.T @ acts[l]
        D /= m
        if lam:
            D[:, 1:] += (lam / m) * thetas[l][:, 1:]
        if l > 0:
            # g'(z_l) from a_l; without `keep`, a_l is done with after the
            # product above, so g' is written over it instead of a new array.
            gp = _g_prime_of_a(activation, acts[l], out=None if keep else acts[l])
            # delta W as (W^T delta^T)^T, like the forward products: with two
            # OpenBLAS threads a tall-times-thin product touches ~60 MB of
            # thread buffer; this form does not (bench/mnist.py --only memory).
            delta = (work[l][:, 1:].T @ delta.T).T
            delta *= gp
            deltas.append(delta)
            if not keep:
                acts[l] = gp = None  # a_l (now g') and the delta after it go as soon as possible
                deltas = [delta]

    if not keep:
        return J, None
    fwd = Forward(z=zs, units=acts)  # the a's with bias columns are built if asked for
    return J, (tuple(reversed(deltas)), fwd)


def backprop(
    thetas: Sequence[np.ndarray], X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid"
) -> Gradients:
    """Vectorized backpropagation over all m examples, keeping every delta."""
    X = as_float(X)
    grads = [np.empty(T.shape, dtype=X.dtype) for T in thetas]
    J, (deltas, fwd) = _backward(thetas, X, y, lam, activation, grads, keep=True)
    return Gradients(J=J, grads=grads, deltas=deltas, forward=fwd)


def nn_cost_function(
    params: np.ndarray,
    layer_sizes: Sequence[int],
    X: np.ndarray,
    y: np.ndarray,
    lam: float = 0.0,
    activation: str = "sigmoid",
) -> tuple[float, np.ndarray]:
    """Cost and gradient of an unrolled network: returns (J, grad).

    params: unrolled Thetas (row-major, Theta1 first). X: (m, n). y: (m,)
    0-based class indices. grad is unrolled like params. The gradient is
    written straight into one flat array (no concatenation afterwards).
    X may be float32: the passes then run in float32 (half the memory
    traffic); J is a Python float and grad stays float64, as optimizers expect.
    """
    thetas = reshape_params(params, layer_sizes)
    grad = np.empty(params.shape)
    grads = reshape_params(grad, layer_sizes)
    J, _ = _backward(thetas, as_float(X), y, lam, activation, grads, keep=False)
    return J, grad


def _with_bias(v: np.ndarray) -> np.ndarray:
    """[1, v] for a vector v (s,) -> (s + 1,)."""
    out = np.empty(v.shape[0] + 1)
    out[0] = 1.0
    out[1:] = v
    return out


def backprop_example(thetas: Sequence[np.ndarray], x: np.ndarray, y_k: np.ndarray, activation: str = "sigmoid"):
    """One example through the network and back, in column-vector form.

    x: (n,) one row of X. y_k: (K,) its one-hot target.
    Returns (a, z, delta): a = [a1, ..., aL] (a1..a(L-1) with the bias 1 in
    front), z = [z2, ..., zL], delta = [delta2, ..., deltaL] (bias dropped).
    """
    g, _, g_prime_of_a = get_activation(activation)
    last = len(thetas) - 1
    a = [_with_bias(x)]
    z = []
    for l, Theta in enumerate(thetas):
        z_next = Theta @ a[l]
        z.append(z_next)
        if l == last:
            a.append(sigmoid(z_next))
        else:
            a_next = np.empty(z_next.shape[0] + 1)
            a_next[0] = 1.0
            a_next[1:] = g(z_next)
            a.append(a_next)
    delta = [None] * (last + 1)
    delta[last] = a[-1] - y_k
    for l in range(last, 0, -1):
        # thetas[l] maps layer l+1 to l+2; its transpose sends the error back.
        # Only the columns after the bias: the bias unit has no delta.
        back = thetas[l][:, 1:].T @ delta[l]
        # g'(z) from the activation the forward pass already holds:
        # a (1 - a) for the sigmoid, the same numbers as sigmoid_gradient(z).
        back *= g_prime_of_a(a[l][1:])
        delta[l - 1] = back
    return a, z, delta


def backprop_loop(
    thetas: Sequence[np.ndarray], X: np.ndarray, y: np.ndarray, lam: float = 0.0, activation: str = "sigmoid"
) -> LoopResult:
    """Backpropagation one example at a time, accumulating Delta (as taught).

    Slow on purpose: it is the version to read. `backprop` gives the same
    numbers (to 1e-12) with matrix products. For each example t:

        a1 = [1, x_t];  z_{l+1} = Theta_l a_l;  a_{l+1} = [1, g(z_{l+1})]
        delta_L = a_L - y_t;  delta_l = (Theta_l^T delta_{l+1})[1:] * g'(z_l)
        J += cost of example t;  Delta_l += delta_{l+1} a_l^T

    The steps are `backprop_example`'s, written into arrays allocated once
    before the loop (each example overwrites the last one's a, z and delta),
    so the time goes into the maths of the example rather than into making
    small arrays: the loop stays example by example, just without waste.
    """
    X = np.asarray(X, dtype=float)
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    g, _, g_prime_of_a = get_activation(activation)
    g = sigmoid if activation == "sigmoid" else {"tanh": np.tanh}.get(activation, g)
    m = X.shape[0]
    K = thetas[-1].shape[0]
    last = len(thetas) - 1
    labels = np.asarray(y).ravel().astype(np.intp)
    Y = one_hot(labels, K)
    Deltas = [np.zeros(T.shape) for T in thetas]
    # a[l]: layer l's units with the bias 1 in front (the output layer has none)
    a = [np.empty(T.shape[1]) for T in thetas] + [np.empty(K)]
    for a_l in a[:-1]:
        a_l[0] = 1.0
    z = [np.empty(T.shape[0]) for T in thetas]
    delta = [np.empty(T.shape[0]) for T in thetas]
    backs = [T[:, 1:].T for T in thetas]  # Theta_l^T without the bias row
    q = np.empty(K)
    # Delta_l += delta_{l+1} a_l^T goes through one scratch array per layer,
    # and delta_{l+1} as a column is a view made once (each example writes
    # into the same delta arrays): no outer product allocated per example.
    # numpy only: scipy's BLAS dger does it in one call (1.0 us against 2.6 us
    # for a 25 x 65 Delta), but importing scipy.linalg costs more (35 ms and
    # up) than that saves over the backprop lesson's 5,392 examples (9 ms).
    delta_cols = [d[:, None] for d in delta]
    outers = [np.empty(T.shape) for T in thetas]
    J = 0.0
    if g is sigmoid:
        g = sigmoid_ufuncs  # the same numbers; the error state is entered once, below
    with np.errstate(over="ignore", under="ignore"):
        for t in range(m):
            # forward
            a[0][1:] = X[t]
            for l in range(last + 1):
                np.matmul(thetas[l], a[l], out=z[l])
                if l == last:
                    sigmoid_ufuncs(z[l], out=a[l + 1])
                elif g is sigmoid_ufuncs or g is np.tanh:
                    g(z[l], out=a[l + 1][1:])
                else:
                    a[l + 1][1:] = g(z[l])
            # backward: the output error, then each hidden layer's
            np.subtract(a[-1], Y[t], out=delta[last])
            for l in range(last, 0, -1):
                np.matmul(backs[l], delta[l], out=delta[l - 1])
                delta[l - 1] *= g_prime_of_a(a[l][1:])
            # this example's cost: -sum log q with q = h at the label, 1 - h elsewhere
            h = a[-1]
            np.subtract(1.0, h, out=q)
            k = 0 if K == 1 else labels[t]
            if K > 1 or labels[t] == 1:
                q[k] = h[k]
            J -= float(np.log(q).sum())
            # Delta_l += delta_{l+1} a_l^T
            for l in range(last + 1):
                np.multiply(delta_cols[l], a[l], out=outers[l])
                Deltas[l] += outers[l]
    J = J / m + regularization(thetas, lam, m)
    grads = []
    for Theta, Delta in zip(thetas, Deltas):
        D = Delta / m
        D[:, 1:] += (lam / m) * Theta[:, 1:]
        grads.append(D)
    return LoopResult(J=J, grads=grads, Deltas=Deltas)


def nn_cost_function_loop(params, layer_sizes, X, y, lam=0.0, activation="sigmoid"):
    """`nn_cost_function` computed by the per-example loop: returns (J, grad)."""
    res = backprop_loop(reshape_params(params, layer_sizes), X, y, lam, activation)
    return res.J, np.concatenate([D.ravel() for D in res.grads])


__all__ = [
    "Gradients",
    "LoopResult",
    "backprop",
    "backprop_example",
    "backprop_loop",
    "nn_cost_function",
    "nn_cost_function_loop",
    "theta_shapes",
]
