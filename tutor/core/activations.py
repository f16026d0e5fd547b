"""Activation functions g and their derivatives g'.

Every function is elementwise and works on arrays of any shape. The
derivatives come in two forms: from z (what the maths writes, g'(z)) and from
the activation a = g(z) that the forward pass already holds, which is what
backpropagation uses so that g is not evaluated twice.
"""

from __future__ import annotations

import numpy as np


# scipy.special.expit, bound on the first call of `sigmoid` and kept: importing
# scipy.special costs more than the rest of the tutor's maths, so `tutor
# lessons` or an exercise check should not wait for it, but a per-example loop
# calling sigmoid thousands of times should not pay even the import lookup.
_expit = None


def _load_expit():
    global _expit
    from scipy.special import expit

    _expit = expit
    return expit


def sigmoid(z, out=None):
    """g(z) = 1 / (1 + e^-z), elementwise; numerically safe for large |z|.

    scipy's expit is exact to the last bit even for very negative z (where
    1 / (1 + e^-z) would overflow). It keeps the dtype of z (float32 stays
    float32). out: an array to write into (may be z itself).
    """
    expit = _expit or _load_expit()
    return expit(z) if out is None else expit(z, out=out)


def sigmoid_gradient(z):
    """g'(z) = g(z) (1 - g(z)) for the sigmoid; exactly 0.25 at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z), elementwise."""
    return np.tanh(z)


def tanh_gradient(z):
    """d tanh(z) / dz = 1 - tanh(z)^2."""
    t = np.tanh(z)
    return 1.0 - t * t


def _sigmoid_gradient_from_a(a):
    return a * (1.0 - a)


def _tanh_gradient_from_a(a):
    return 1.0 - a * a


# name -> (g, g'(z), g' written in terms of a = g(z))
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_gradient, _sigmoid_gradient_from_a),
    "tanh": (tanh, tanh_gradient, _tanh_gradient_from_a),
}


def get_activation(name: str):
    """The (g, g'(z), g'(a)) triple for an activation name."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; known: {known}") from None
