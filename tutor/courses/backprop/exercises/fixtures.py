"""Named inputs of the bundled course's exercise tests.

A test in YAML names a fixture and literal arguments; the fixture fills in
the rest (a network, data, labels). Built in the parent only: the child
receives the values, never this code.
"""

from __future__ import annotations

import numpy as np

from tutor.plugin import FunctionArg, fixture


@fixture("debug")
def debug_network() -> dict:
    """The gradient-checking network: sizes 3-5-3, m = 5 (DESIGN.md 2.6)."""
    from tutor.core import debug_problem, unroll

    thetas, X, y = debug_problem()
    return {"params": unroll(thetas), "layer_sizes": [3, 5, 3], "X": X, "y": y}


@fixture("grader")
def grader_network() -> dict:
    """The course grader fixture: sizes 2-4-4, m = 16 (DESIGN.md figures)."""
    from tutor.core import unroll

    X = (np.sin(np.arange(1, 33)) / 5.0).reshape(16, 2, order="F")
    y = np.arange(1, 17) % 4
    Theta1 = np.sin(np.arange(1, 24, 2, dtype=float)).reshape(4, 3, order="F")
    Theta2 = np.cos(np.arange(1, 40, 2, dtype=float)).reshape(4, 5, order="F")
    return {"params": unroll([Theta1, Theta2]), "layer_sizes": [2, 4, 4], "X": X, "y": y}


@fixture("random-network")
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


@fixture("predict-network")
def network_thetas(which="grader", **kw) -> dict:
    """Inputs of predict(thetas, X): a fixture network as a list of Thetas."""
    from tutor.core import reshape_params

    net = {"grader": grader_network, "debug": debug_network, "random": random_network}[which](**kw)
    thetas = [T.copy() for T in reshape_params(net["params"], net["layer_sizes"])]
    return {"thetas": thetas, "X": net["X"]}


@fixture("scratch")
def scratch(m=8, n_h=4, seed=3, scale=1.0, learning_rate=1.2) -> dict:
    """Inputs of the from-scratch functions: X, Y, parameters, cache, grads."""
    from tutor.courses.backprop.exercises.scratch import backward_propagation, forward_propagation

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


@fixture("numerical-debug")
def numerical_debug(lam=0.0) -> dict:
    """J = the debug network's cost (a registered helper, so the child can call it)."""
    net = debug_network()
    J = FunctionArg("network_cost", {"layer_sizes": net["layer_sizes"], "X": net["X"], "y": net["y"],
                                     "lam": float(lam)})
    return {"J": J, "theta": net["params"], "e": 1e-4}


@fixture("numerical-cubic")
def numerical_cubic(n=6, seed=1, e=1e-4) -> dict:
    theta = np.random.default_rng(seed).uniform(-2, 2, size=n)
    return {"J": FunctionArg("cubic_cost", {}), "theta": theta, "e": e}


@fixture("numerical-tuple")
def numerical_tuple(n=5, seed=4, e=1e-4) -> dict:
    """J returns (cost, a decoy gradient): only the cost may be differenced."""
    theta = np.random.default_rng(seed).uniform(-2, 2, size=n)
    return {"J": FunctionArg("cubic_cost_and_decoy", {}), "theta": theta, "e": e}
