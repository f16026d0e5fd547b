"""The forward pass: a1 = [1, X], z(l+1) = a(l) Theta(l)^T, a(l+1) = [1, g(z(l+1))].

The last layer always uses the sigmoid, whatever the hidden activation, so that
each output is a probability. Every z and a comes back so a lesson can show it.

The products never build [1, X]: a(l) Theta(l)^T is computed as
A(l) W(l)^T + b(l), with W = Theta[:, 1:] and b = Theta[:, 0] (the bias column
split out of Theta instead of a ones column glued onto the data). At MNIST
size [1, X] would be a second copy of all of X. The a's with their bias
column, as the lessons show them, are built only when someone asks for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.core.activations import get_activation, sigmoid


def as_float(X) -> np.ndarray:
    """X as a float array without a copy when it already is one.

    float32 and float64 are kept (the core computes in the dtype of the data);
    anything else (ints, bools, lists) becomes float64.
    """
    X = np.asarray(X)
    if X.dtype == np.float64 or X.dtype == np.float32:
        return X
    return X.astype(np.float64)


def add_bias(A: np.ndarray) -> np.ndarray:
    """[1, A]: a column of ones before A. (m, n) -> (m, n + 1), in A's float dtype."""
    A = as_float(A)
    out = np.empty((A.shape[0], A.shape[1] + 1), dtype=A.dtype)
    out[:, 0] = 1.0
    out[:, 1:] = A
    return out


def affine(A: np.ndarray, Theta: np.ndarray) -> np.ndarray:
    """z = [1, A] Theta^T, computed as A W^T + b without building [1, A].

    A: (m, s_l). Theta: (s_{l+1}, s_l + 1). Returns z (m, s_{l+1}) in A's
    dtype (Theta is cast to it, a small copy, so a float32 A is never
    promoted to a float64 copy).
    """
    if Theta.dtype != A.dtype:
        Theta = Theta.astype(A.dtype)
    # (W A^T)^T rather than A W^T: the same products, but with two OpenBLAS
    # threads A W^T (a tall A times a thin W^T) first touches ~60 MB of the
    # second thread's buffer, a fixed cost that is half the memory budget at
    # 20000 x 784 (bench/memory.py). z comes out Fortran-ordered; numpy's
    # elementwise work does not care.
    z = (Theta[:, 1:] @ A.T).T
    z += Theta[:, 0]
    return z


class Forward:
    """Everything the forward pass computed, for an L-layer network.

    a: (a1, a2, ..., aL). a1..a(L-1) include the bias column, shapes
       (m, s_l + 1); aL = h has shape (m, s_L) and no bias. Built on first
       access (a1 = [1, X] is a copy of X), then kept.
    z: (z2, ..., zL), shapes (m, s_l).
    units: (X, a2, ..., aL) without bias columns: what the pass holds.
    """

    __slots__ = ("units", "z", "_a")

    def __init__(self, a=None, z=(), *, units=None):
        if units is None:  # built from the a's with their bias columns (the old form)
            a = tuple(a)
            units = tuple(A[:, 1:] for A in a[:-1]) + (a[-1],)
            self._a = a
        else:
            self._a = None
        self.units = tuple(units)
        self.z = tuple(z)

    @property
    def a(self) -> tuple[np.ndarray, ...]:
        if self._a is None:
            self._a = tuple(add_bias(A) for A in self.units[:-1]) + (self.units[-1],)
        return self._a

    @property
    def h(self) -> np.ndarray:
        """The network's output h = aL, shape (m, K)."""
        return self.units[-1]

    def named(self) -> dict[str, np.ndarray]:
        """{'a1': ..., 'z2': ..., 'a2': ..., ..., 'aL': ..., 'h': ...}."""
        a = self.a
        out: dict[str, np.ndarray] = {"a1": a[0]}
        for i, z in enumerate(self.z, start=2):
            out[f"z{i}"] = z
            out[f"a{i}"] = a[i - 1]
        out["h"] = self.h
        return out

    def __repr__(self) -> str:
        shapes = ", ".join("x".join(map(str, A.shape)) for A in self.units)
        return f"Forward(units: {shapes})"


def feedforward(thetas: Sequence[np.ndarray], X: np.ndarray, activation: str = "sigmoid") -> Forward:
    """Run X (m, n) through the network; return every z and a.

    thetas: [Theta1 (s2, n + 1), Theta2 (s3, s2 + 1), ...]. Computes in X's
    float dtype; X itself is not copied.
    """
    g = get_activation(activation)[0]
    A = as_float(X)
    units = [A]
    zs = []
    last = len(thetas) - 1
    for l, Theta in enumerate(thetas):
        z = affine(units[-1], Theta)
        zs.append(z)
        units.append(sigmoid(z) if l == last else g(z))
    return Forward(z=zs, units=units)


def output(thetas: Sequence[np.ndarray], X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    """h (m, K) alone, keeping no z or a: each layer's z is overwritten by
    its activation, so the memory used is one (m, s_l) array per layer."""
    g = get_activation(activation)[0]
    A = as_float(X)
    last = len(thetas) - 1
    for l, Theta in enumerate(thetas):
        z = affine(A, Theta)
        if l == last or activation == "sigmoid":
            A = sigmoid(z, out=z)
        elif activation == "tanh":
            A = np.tanh(z, out=z)
        else:
            A = g(z)
    return A
