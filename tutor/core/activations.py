"""Activation functions g and their derivatives g'.

Every function is elementwise and works on arrays of any shape. The
derivatives come in two forms: from z (what the maths writes, g'(z)) and from
the activation a = g(z) that the forward pass already holds, which is what
backpropagation uses so that g is not evaluated twice.
"""

from __future__ import annotations

import numpy as np

# scipy.special.expit, bound on the first call that needs it (a dtype numpy's
# formula below does not cover: float16, longdouble, complex) and kept:
# importing scipy.special costs about 0.1 s, more than most lessons' maths.
_expit = None


def _load_expit():
    global _expit
    from scipy.special import expit

    _expit = expit
    return expit


_FAST = (np.dtype(np.float64), np.dtype(np.float32))


def sigmoid(z, out=None):
    """g(z) = 1 / (1 + e^-z), elementwise; numerically safe for large |z|.

    float64 and float32 arrays of any size are computed with numpy ufuncs
    written into one array, so no module beyond numpy is needed (scipy's
    expit has a lower fixed cost on tiny arrays, 0.5 us against 2.7 us, but
    importing it costs 0.1 s: the per-example loop on the digits makes about
    10,000 such calls). Where expit is a normal number the two agree to
    2.3 ulp (relative, measured); e^-z overflows to inf for z below about
    -709 (float64) or -88.7 (float32), where 1 / inf gives exactly 0 and
    expit a subnormal (under 1e-308 / 1e-38). float32 stays float32. Other
    dtypes (float16, complex) go to expit.
    Integers, bools, lists and Python numbers are computed as float64 arrays
    of their size (so sigmoid(z) and sigmoid(float(z)) agree to the last bit,
    as the exercise checker's reproduced mistakes need); a 0-d input gives a
    numpy scalar, as expit does.
    out: an array to write into (may be z itself).
    """
    if out is None:
        z = np.asarray(z)
        if z.dtype.kind in "biu":
            z = z.astype(np.float64)
    if type(z) is np.ndarray and z.dtype in _FAST and (out is None or out.dtype == z.dtype):
        if out is None and z.ndim == 0:
            return sigmoid(z.reshape(1))[0]
        with np.errstate(over="ignore", under="ignore"):
            return sigmoid_ufuncs(z, out)
    expit = _expit or _load_expit()
    return expit(z) if out is None else expit(z, out=out)


def sigmoid_ufuncs(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """`sigmoid`'s arithmetic on a float32/float64 array, without its checks
    or its error state: the caller must ignore overflow and underflow itself
    (np.errstate(over="ignore", under="ignore")). For a loop that enters that
    state once around thousands of tiny calls, where entering it per call
    would cost half the time of the arithmetic. Same numbers as `sigmoid`.
    """
    a = np.negative(z, out=out)
    np.exp(a, out=a)
    a += 1.0
    return np.reciprocal(a, out=a)


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
