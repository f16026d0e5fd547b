"""The forward pass: a1 = [1, X], z(l+1) = a(l) Theta(l)^T, a(l+1) = [1, g(z(l+1))].

The last layer always uses the sigmoid, whatever the hidden activation, so that
each output is a probability. Every z and a comes back so a lesson can show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tutor.core.activations import get_activation, sigmoid


def add_bias(A: np.ndarray) -> np.ndarray:
    """[1, A]: a column of ones before A. (m, n) -> (m, n + 1)."""
    A = np.asarray(A, dtype=float)
    out = np.empty((A.shape[0], A.shape[1] + 1))
    out[:, 0] = 1.0
    out[:, 1:] = A
    return out


@dataclass(frozen=True)
class Forward:
    """Everything the forward pass computed, for an L-layer network.

    a: (a1, a2, ..., aL). a1..a(L-1) include the bias column, shapes
       (m, s_l + 1); aL = h has shape (m, s_L) and no bias.
    z: (z2, ..., zL), shapes (m, s_l).
    """

    a: tuple[np.ndarray, ...]
    z: tuple[np.ndarray, ...]

    @property
    def h(self) -> np.ndarray:
        """The network's output h = aL, shape (m, K)."""
        return self.a[-1]

    def named(self) -> dict[str, np.ndarray]:
        """{'a1': ..., 'z2': ..., 'a2': ..., ..., 'aL': ..., 'h': ...}."""
        out: dict[str, np.ndarray] = {"a1": self.a[0]}
        for i, z in enumerate(self.z, start=2):
            out[f"z{i}"] = z
            out[f"a{i}"] = self.a[i - 1]
        out["h"] = self.h
        return out


def feedforward(thetas: Sequence[np.ndarray], X: np.ndarray, activation: str = "sigmoid") -> Forward:
    """Run X (m, n) through the network; return every z and a.

    thetas: [Theta1 (s2, n + 1), Theta2 (s3, s2 + 1), ...].
    """
    g = get_activation(activation)[0]
    a = [add_bias(X)]
    zs = []
    last = len(thetas) - 1
    for l, Theta in enumerate(thetas):
        z = a[-1] @ Theta.T
        zs.append(z)
        a.append(sigmoid(z) if l == last else add_bias(g(z)))
    return Forward(a=tuple(a), z=tuple(zs))
