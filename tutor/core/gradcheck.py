"""Gradient checking by central differences.

num_i = (J(theta + e u_i) - J(theta - e u_i)) / 2e, for every parameter i.
Two cost evaluations per parameter: fine for the 38 parameters of the debug
network, far too slow to leave on while training a 10285-parameter one, which
is why `spot_check` samples only k parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tutor.core.backprop import nn_cost_function
from tutor.core.cost import nn_cost
from tutor.core.init import debug_initialize_weights
from tutor.core.params import reshape_params, unroll

# Relative-difference bands for a verdict: below PASS the two gradients agree
# to rounding error; up to WARN something small is off (or e is badly sized);
# above it the analytical gradient is wrong.
PASS_BELOW = 1e-9
WARN_BELOW = 1e-5

DEBUG_LAYER_SIZES = (3, 5, 3)
DEBUG_M = 5


def _cost_only(J: Callable) -> Callable[[np.ndarray], float]:
    def cost(theta):
        out = J(theta)
        return float(out[0] if isinstance(out, tuple) else out)

    return cost


def compute_numerical_gradient(J: Callable, theta: np.ndarray, e: float = 1e-4, indices=None) -> np.ndarray:
    """Central-difference gradient of J at theta.

    J(theta) returns the cost, or (cost, grad) whose first item is used.
    indices: which parameters to perturb (default: all); the result has the
    shape of theta, with the untouched entries 0.
    """
    cost = _cost_only(J)
    theta = np.array(theta, dtype=float)  # a private copy, perturbed in place
    num = np.zeros_like(theta)
    for i in range(theta.size) if indices is None else indices:
        old = theta[i]
        theta[i] = old + e
        plus = cost(theta)
        theta[i] = old - e
        minus = cost(theta)
        theta[i] = old
        num[i] = (plus - minus) / (2.0 * e)
    return num


def relative_difference(numerical: np.ndarray, analytical: np.ndarray) -> float:
    """||num - ana|| / ||num + ana|| (0 when both are zero)."""
    denom = np.linalg.norm(numerical + analytical)
    if denom == 0:
        return 0.0
    return float(np.linalg.norm(numerical - analytical) / denom)


def verdict(rel: float) -> str:
    """'pass', 'warn' or 'fail' for a relative difference (see the bands above)."""
    if not np.isfinite(rel) or rel >= WARN_BELOW:
        return "fail"
    return "pass" if rel < PASS_BELOW else "warn"


@dataclass(frozen=True)
class GradientCheck:
    """Numerical and analytical gradients side by side (both unrolled)."""

    numerical: np.ndarray
    analytical: np.ndarray
    relative_difference: float
    lam: float
    layer_sizes: tuple[int, ...]
    cost: float

    @property
    def verdict(self) -> str:
        return verdict(self.relative_difference)


def debug_problem():
    """The debug network of the gradient-checking lesson.

    Sizes 3-5-3, m = 5. Returns (thetas, X (5, 3), y (5,)) with
    Theta1 = debug(5, 3), Theta2 = debug(3, 5), X = debug(5, 2), y_i = i mod 3.
    """
    n_in, n_hidden, K = DEBUG_LAYER_SIZES
    thetas = [debug_initialize_weights(n_hidden, n_in), debug_initialize_weights(K, n_hidden)]
    X = debug_initialize_weights(DEBUG_M, n_in - 1)
    y = np.arange(DEBUG_M) % K
    return thetas, X, y


def check_nn_gradients(lam: float = 0.0, activation: str = "sigmoid", e: float = 1e-4) -> GradientCheck:
    """Compare backpropagation with central differences on the debug network."""
    thetas, X, y = debug_problem()
    params = unroll(thetas)

    def J(p):
        # The nudged evaluations need the cost alone: nn_cost computes it
        # without the backward pass (half the time on this tiny network,
        # where every numpy call's overhead counts), by its own route.
        return nn_cost(reshape_params(p, DEBUG_LAYER_SIZES), X, y, lam, activation)

    cost, analytical = nn_cost_function(params, DEBUG_LAYER_SIZES, X, y, lam, activation)
    numerical = compute_numerical_gradient(J, params, e)
    return GradientCheck(
        numerical=numerical,
        analytical=analytical,
        relative_difference=relative_difference(numerical, analytical),
        lam=lam,
        layer_sizes=DEBUG_LAYER_SIZES,
        cost=cost,
    )


@dataclass(frozen=True)
class SpotCheck:
    """Central differences on a sample of k parameters of a big network."""

    indices: np.ndarray
    numerical: np.ndarray  # (k,)
    analytical: np.ndarray  # (k,)
    relative_difference: float

    @property
    def verdict(self) -> str:
        return verdict(self.relative_difference)


def spot_check(J: Callable, params: np.ndarray, k: int = 20, e: float = 1e-4, rng=None) -> SpotCheck:
    """Check k randomly chosen parameters: 2k cost evaluations instead of 2n.

    J(params) returns (cost, grad). rng: a numpy Generator or a seed.
    """
    g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    params = np.asarray(params, dtype=float)
    k = min(int(k), params.size)
    idx = np.sort(g.choice(params.size, size=k, replace=False))
    _, analytical = J(params)
    num = compute_numerical_gradient(J, params, e, indices=idx)[idx]
    ana = np.asarray(analytical)[idx]
    return SpotCheck(indices=idx, numerical=num, analytical=ana, relative_difference=relative_difference(num, ana))
