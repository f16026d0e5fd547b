"""Named inputs for exercise test cases.

A test case in YAML names a fixture and literal arguments; the fixture fills
in the rest (a network, data, labels). Both the parent (reference, variants)
and the sandbox (cost functions handed to the learner's numerical gradient)
build inputs here, so the two sides always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def debug_network() -> dict:
    """The gradient-checking network: sizes 3-5-3, m = 5 (DESIGN.md 2.6)."""
    from tutor.core import debug_problem, unroll

    thetas, X, y = debug_problem()
    return {"params": unroll(thetas), "layer_sizes": [3, 5, 3], "X": X, "y": y}


def grader_network() -> dict:
    """The course grader fixture: sizes 2-4-4, m = 16 (DESIGN.md figures)."""
    from tutor.core import unroll

    X = (np.sin(np.arange(1, 33)) / 5.0).reshape(16, 2, order="F")
    y = np.arange(1, 17) % 4
    Theta1 = np.sin(np.arange(1, 24, 2, dtype=float)).reshape(4, 3, order="F")
    Theta2 = np.cos(np.arange(1, 40, 2, dtype=float)).reshape(4, 5, order="F")
    return {"params": unroll([Theta1, Theta2]), "layer_sizes": [2, 4, 4], "X": X, "y": y}


def random_network(sizes=(4, 6, 3), m=12, seed=0, scale=0.8) -> dict:
    """A seeded network with weights of a size that makes mistakes visible."""
    from tutor.core import n_params

    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in sizes]
    X = rng.normal(size=(m, sizes[0]))
    K = sizes[-1]
    y = np.arange(m) % K if K > 1 else np.arange(m) % 2
    rng.shuffle(y)
    params = rng.uniform(-scale, scale, size=n_params(sizes))
    return {"params": params, "layer_sizes": sizes, "X": X, "y": y}


def network_thetas(which="grader", **kw) -> dict:
    """Inputs of predict(thetas, X): a fixture network as a list of Thetas."""
    from tutor.core import reshape_params

    net = {"grader": grader_network, "debug": debug_network, "random": random_network}[which](**kw)
    thetas = [T.copy() for T in reshape_params(net["params"], net["layer_sizes"])]
    return {"thetas": thetas, "X": net["X"]}


def scratch(m=8, n_h=4, seed=3, scale=1.0, learning_rate=1.2) -> dict:
    """Inputs of the from-scratch functions: X, Y, parameters, cache, grads."""
    from tutor.exercises.reference_scratch import backward_propagation, forward_propagation

    rng = np.random.RandomState(seed)
    X = rng.randn(m, 2)
    Y = (rng.rand(m, 1) > 0.5).astype(float)
    parameters = {
        "W1": rng.randn(n_h, 2) * scale,
        "b1": rng.randn(n_h) * 0.5,
        "W2": rng.randn(1, n_h) * scale,
        "b2": rng.randn(1) * 0.5,
    }
    _, cache = forward_propagation(X, parameters)
    grads = backward_propagation(parameters, cache, X, Y)
    return {"X": X, "Y": Y, "parameters": parameters, "cache": cache, "grads": grads,
            "learning_rate": learning_rate}


# -- cost functions handed to compute_numerical_gradient --------------------


@dataclass(frozen=True)
class CostFixture:
    """A named cost J(theta) that can cross the process boundary by name."""

    name: str
    kwargs: dict = field(default_factory=dict)

    def build(self):
        return COSTS[self.name](**self.kwargs)


def _debug_cost(lam=0.0):
    from tutor.core import nn_cost_function

    net = debug_network()

    def J(theta):
        return nn_cost_function(np.asarray(theta, dtype=float), net["layer_sizes"], net["X"], net["y"], lam)

    return J


def _cubic_cost():
    # J(t) = sum(t^3 / 3 + t^2): the one-sided difference is off by e*(t + 1),
    # the central one is exact up to rounding.
    def J(theta):
        t = np.asarray(theta, dtype=float)
        return float(np.sum(t**3 / 3.0 + t**2))

    return J


COSTS = {"debug-cost": _debug_cost, "cubic": _cubic_cost}


def numerical_debug(lam=0.0) -> dict:
    net = debug_network()
    return {"J": CostFixture("debug-cost", {"lam": lam}), "theta": net["params"], "e": 1e-4}


def numerical_cubic(n=6, seed=1, e=1e-4) -> dict:
    theta = np.random.default_rng(seed).uniform(-2, 2, size=n)
    return {"J": CostFixture("cubic"), "theta": theta, "e": e}


FIXTURES = {
    "debug": debug_network,
    "grader": grader_network,
    "random-network": random_network,
    "predict-network": network_thetas,
    "scratch": scratch,
    "numerical-debug": numerical_debug,
    "numerical-cubic": numerical_cubic,
}


def build(name: str | None, options: dict | None = None) -> dict:
    """The named fixture's arguments (an empty dict when name is None)."""
    if name is None:
        return {}
    return FIXTURES[name](**(options or {}))
