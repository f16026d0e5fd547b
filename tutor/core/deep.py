"""Networks of any depth, written to be read: L layers, a hidden activation of
choice (sigmoid, tanh, ReLU), a sigmoid or a softmax output layer.

The conventions are the rest of the core's: Theta(l) has shape
(s_{l+1}, s_l + 1), its column 0 multiplies the bias unit; X is (m, n), y holds
0-based class indices, Y is their one-hot (m, K). The four equations of
backpropagation, for any L:

    BP1  delta_L = h - Y                                  (m, s_L)
    BP2  delta_l = (delta_{l+1} Theta_l)[:, 1:] * g'(z_l)  (m, s_l)
    BP3  D_l[:, 0]  = mean over examples of delta_{l+1}    (the bias column)
    BP4  D_l[:, 1:] = delta_{l+1}^T a_l / m  (+ lambda/m Theta_l[:, 1:])

BP1 holds for both outputs because each comes with its matched loss: the
sigmoid with the cross-entropy of K independent yes/no outputs, the softmax
with -sum Y log p. `tutor.core.backprop` is the fast version of the sigmoid
case; this module is the general one, kept plain so a lesson can show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tutor.core.activations import sigmoid, sigmoid_gradient, tanh, tanh_gradient
from tutor.core.cost import one_hot
from tutor.core.forward import add_bias, as_float
from tutor.core.params import reshape_params, theta_shapes, unroll

OUTPUTS = ("sigmoid", "softmax")
INITS = ("uniform", "xavier", "he")


def relu(z):
    """max(z, 0), elementwise, any shape."""
    return np.maximum(z, 0.0)


def relu_gradient(z):
    """1 where z > 0, else 0 (at z = 0 exactly: 0, the usual choice), any shape."""
    return (np.asarray(z) > 0).astype(float)


# name -> (g, g'(z)) for the hidden layers
HIDDEN = {
    "sigmoid": (sigmoid, sigmoid_gradient),
    "tanh": (tanh, tanh_gradient),
    "relu": (relu, relu_gradient),
}


def hidden_activation(name: str):
    """The (g, g'(z)) pair for a hidden activation name; ValueError naming the known ones."""
    try:
        return HIDDEN[name]
    except KeyError:
        raise ValueError(f"unknown hidden activation {name!r}; known: {', '.join(HIDDEN)}") from None


def softmax(z):
    """p = e^z / sum_k e^z, row by row. z: (m, K) -> p (m, K), each row summing to 1.

    The row's largest z is taken off first: the same p, and e^z cannot overflow.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# -- starting weights --------------------------------------------------------------


def xavier_initialize_weights(L_in: int, L_out: int, rng=None) -> np.ndarray:
    """Glorot (Xavier) uniform: weights in [-r, r], r = sqrt(6 / (L_in + L_out)), bias 0.

    Shape (L_out, 1 + L_in). It keeps the variance of z about the same from
    layer to layer for tanh-like units. rng: a numpy Generator or a seed.
    """
    g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    r = np.sqrt(6.0 / (L_in + L_out))
    Theta = np.zeros((L_out, 1 + L_in))
    Theta[:, 1:] = g.uniform(-r, r, size=(L_out, L_in))
    return Theta


def he_initialize_weights(L_in: int, L_out: int, rng=None) -> np.ndarray:
    """He: weights normal with standard deviation sqrt(2 / L_in), bias 0. Shape (L_out, 1 + L_in).

    ReLU zeroes about half its inputs, so each layer's weights are drawn twice
    as large in variance as Xavier's (fan-in form) to keep the signal's size.
    """
    g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    Theta = np.zeros((L_out, 1 + L_in))
    Theta[:, 1:] = g.normal(0.0, np.sqrt(2.0 / L_in), size=(L_out, L_in))
    return Theta


def init_thetas(layer_sizes: Sequence[int], method: str = "uniform", epsilon: float = 0.12,
                seed=None) -> list[np.ndarray]:
    """[Theta1, ..., Theta(L-1)] for `layer_sizes`, drawn from one generator in layer order.

    method "uniform": every weight, bias column too, uniform in [-epsilon, epsilon]
    (the course's rule); "xavier" and "he": see the functions above.
    """
    if method not in INITS:
        raise ValueError(f"unknown initialisation {method!r}; known: {', '.join(INITS)}")
    g = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    thetas = []
    for rows, cols in theta_shapes(layer_sizes):
        if method == "uniform":
            thetas.append(g.uniform(-epsilon, epsilon, size=(rows, cols)))
        elif method == "xavier":
            thetas.append(xavier_initialize_weights(cols - 1, rows, g))
        else:
            thetas.append(he_initialize_weights(cols - 1, rows, g))
    return thetas


# -- the passes ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeepForward:
    """One forward pass through L layers.

    a: (a1, ..., aL): a1..a(L-1) with the bias column, shapes (m, s_l + 1);
       aL = h (m, K) without. z: (z2, ..., zL), shapes (m, s_l).
    """

    a: tuple[np.ndarray, ...]
    z: tuple[np.ndarray, ...]

    @property
    def h(self) -> np.ndarray:
        return self.a[-1]


def deep_forward(thetas: Sequence[np.ndarray], X, hidden: str = "sigmoid", output: str = "sigmoid") -> DeepForward:
    """a1 = [1, X]; z(l+1) = a(l) Theta(l)^T; a(l+1) = [1, g(z(l+1))]; h = sigmoid or softmax of zL."""
    if output not in OUTPUTS:
        raise ValueError(f"unknown output layer {output!r}; known: {', '.join(OUTPUTS)}")
    g = hidden_activation(hidden)[0]
    a = [add_bias(as_float(X))]
    zs = []
    for l, Theta in enumerate(thetas):
        z = a[-1] @ np.asarray(Theta, dtype=float).T
        zs.append(z)
        if l < len(thetas) - 1:
            a.append(add_bias(g(z)))
        else:
            a.append(softmax(z) if output == "softmax" else sigmoid(z))
    return DeepForward(tuple(a), tuple(zs))


def deep_cost(h: np.ndarray, Y: np.ndarray, output: str = "sigmoid") -> float:
    """The unregularised cost of outputs h (m, K) for targets Y (m, K).

    sigmoid: (1/m) sum [-Y log h - (1 - Y) log(1 - h)]; softmax: (1/m) sum -Y log p.
    """
    m = h.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        if output == "softmax":
            terms = -np.where(Y > 0, Y * np.log(h), 0.0)
        else:
            terms = -(np.where(Y > 0, Y * np.log(h), 0.0) + np.where(Y < 1, (1.0 - Y) * np.log(1.0 - h), 0.0))
    return float(terms.sum() / m)


def weight_penalty(thetas: Sequence[np.ndarray], lam: float, m: int) -> float:
    """lambda / (2m) times the sum of every squared weight but the bias columns."""
    return float(lam) / (2.0 * m) * sum(float((np.asarray(T)[:, 1:] ** 2).sum()) for T in thetas)


@dataclass(frozen=True)
class DeepGradients:
    """What one backward pass found.

    J: the cost. grads: [D1, ..., D(L-1)] shaped like the Thetas.
    deltas: (delta2, ..., deltaL), shapes (m, s_l). forward: the pass it used.
    """

    J: float
    grads: list[np.ndarray]
    deltas: tuple[np.ndarray, ...]
    forward: DeepForward


def deep_backprop(thetas: Sequence[np.ndarray], X, y, lam: float = 0.0, hidden: str = "sigmoid",
                  output: str = "sigmoid") -> DeepGradients:
    """BP1 to BP4 (module docstring) for any number of layers.

    thetas: [Theta1 (s2, n + 1), ..., Theta(L-1) (K, s_{L-1} + 1)]; X (m, n);
    y (m,) 0-based labels (with one output unit, 0 or 1).
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    g_prime = hidden_activation(hidden)[1]
    fwd = deep_forward(thetas, X, hidden, output)
    m = fwd.h.shape[0]
    Y = one_hot(y, thetas[-1].shape[0])
    J = deep_cost(fwd.h, Y, output) + weight_penalty(thetas, lam, m)
    L = len(thetas)
    deltas: list[np.ndarray] = [None] * L  # deltas[l] is delta_{l+2}, the error of the layer Theta_{l+1} feeds
    deltas[-1] = fwd.h - Y  # BP1
    for l in range(L - 1, 0, -1):  # BP2, from the output back
        deltas[l - 1] = (deltas[l] @ thetas[l])[:, 1:] * g_prime(fwd.z[l - 1])
    grads = []
    for l, Theta in enumerate(thetas):  # BP3 and BP4 in one product: column 0 of a_l is the bias's 1
        D = deltas[l].T @ fwd.a[l] / m
        D[:, 1:] += (lam / m) * Theta[:, 1:]
        grads.append(D)
    return DeepGradients(J, grads, tuple(deltas), fwd)


def deep_cost_function(params, layer_sizes: Sequence[int], X, y, lam: float = 0.0, hidden: str = "sigmoid",
                       output: str = "sigmoid") -> tuple[float, np.ndarray]:
    """(J, grad) for the unrolled params of a `layer_sizes` network; grad unrolled like params."""
    res = deep_backprop(reshape_params(params, layer_sizes), X, y, lam, hidden, output)
    return res.J, unroll(res.grads)


def deep_cost_only(params, layer_sizes: Sequence[int], X, y, lam: float = 0.0, hidden: str = "sigmoid",
                   output: str = "sigmoid") -> float:
    """J alone (no backward pass), for numerical gradients."""
    thetas = reshape_params(params, layer_sizes)
    fwd = deep_forward(thetas, X, hidden, output)
    Y = one_hot(y, thetas[-1].shape[0])
    return deep_cost(fwd.h, Y, output) + weight_penalty(thetas, lam, fwd.h.shape[0])


def layer_gradient_norms(grads: Sequence[np.ndarray]) -> np.ndarray:
    """||D_l|| (Frobenius, bias column left out) for each layer: (L-1,), first layer first."""
    return np.array([float(np.linalg.norm(np.asarray(D)[:, 1:])) for D in grads])
