"""The moons-from-scratch lesson's operations: the network in W/b notation, forward, cost, backward, update, and plain gradient descent.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values) for a lesson step to show
or check; nothing here prints. A parameter named `lam` is the lesson's
`lambda` (a Python keyword).
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    initialize_params,
    nn_cost_function,
    reshape_params,
    sigmoid,
    train,
)
from tutor.courses.backprop.ops_common import text_table
from tutor.courses.backprop.resultcache import kept
from tutor.plugin import operation


@operation("to_wb", outputs=("W1", "b1", "W2", "b2"))
def to_wb(thetas) -> dict:
    """Split Theta = [b | W] into weights W (s_{l+1}, s_l) and biases b (s_{l+1},)."""
    T1, T2 = thetas[0], thetas[1]
    return {"W1": T1[:, 1:].copy(), "b1": T1[:, 0].copy(), "W2": T2[:, 1:].copy(), "b2": T2[:, 0].copy()}


@operation("wb_forward", outputs=("Z1", "A1", "Z2", "A2"))
def wb_forward(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray, X: np.ndarray) -> dict:
    """Z1 = X W1ᵀ + b1, A1 = tanh(Z1) (m, h); Z2 = A1 W2ᵀ + b2, A2 = sigmoid(Z2) (m, 1)."""
    Z1 = X @ W1.T + b1
    A1 = np.tanh(Z1)
    Z2 = A1 @ W2.T + b2
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": sigmoid(Z2)}


@operation("wb_cost")
def wb_cost(A2: np.ndarray, y: np.ndarray) -> float:
    """-(1/m) sum [y log A2 + (1 - y) log(1 - A2)] for one sigmoid output A2 (m, 1)."""
    a = np.asarray(A2, dtype=float).ravel()
    t = np.asarray(y, dtype=float).ravel()
    return float(-np.mean(t * np.log(a) + (1.0 - t) * np.log(1.0 - a)))


@operation("wb_backward", outputs=("dZ2", "dW2", "db2", "dZ1", "dW1", "db1"))
def wb_backward(X: np.ndarray, y: np.ndarray, W2: np.ndarray, A1: np.ndarray, A2: np.ndarray) -> dict:
    """The backward pass written out for a tanh hidden layer and one sigmoid output.

    dZ2 = A2 - Y (m, 1); dW2 = dZ2ᵀ A1 / m (1, h); db2 = mean of dZ2 (1,);
    dZ1 = dZ2 W2 * (1 - A1²) (m, h); dW1 = dZ1ᵀ X / m (h, 2); db1 = column means (h,).
    """
    m = X.shape[0]
    Y = np.asarray(y, dtype=float).reshape(-1, 1)
    dZ2 = A2 - Y
    dW2 = dZ2.T @ A1 / m
    db2 = dZ2.mean(axis=0)
    dZ1 = (dZ2 @ W2) * (1.0 - A1**2)
    dW1 = dZ1.T @ X / m
    db1 = dZ1.mean(axis=0)
    return {"dZ2": dZ2, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dW1": dW1, "db1": db1}


@operation("wb_as_theta_grads")
def wb_as_theta_grads(dW1: np.ndarray, db1: np.ndarray, dW2: np.ndarray, db2: np.ndarray) -> list:
    """[db1 | dW1], [db2 | dW2]: the W/b gradients in Theta layout, to compare with backprop."""
    return [np.column_stack([db1, dW1]), np.column_stack([db2, dW2])]


@operation("wb_update", outputs=("W1_next", "b1_next", "W2_next", "b2_next"))
def wb_update(
    W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray,
    dW1: np.ndarray, db1: np.ndarray, dW2: np.ndarray, db2: np.ndarray, learning_rate: float,
) -> dict:
    """One gradient-descent step: each parameter moves by -learning_rate times its gradient."""
    a = float(learning_rate)
    return {"W1_next": W1 - a * dW1, "b1_next": b1 - a * db1, "W2_next": W2 - a * dW2, "b2_next": b2 - a * db2}


@operation(
    "gd_from_scratch",
    outputs=("cost_every", "cost_log", "gd_costs", "gd_thetas", "gd_W1", "gd_b1", "gd_W2", "gd_b2", "gd_final_cost"),
    ahead=True,
)
@kept("gd_from_scratch")
def gd_from_scratch(
    X: np.ndarray, y: np.ndarray, hidden: int, learning_rate: float, iterations: int, seed: int = 2,
    every: int = 1000,
) -> dict:
    """Plain gradient descent on a 2-hidden-1 network with a tanh hidden layer.

    Starts from W ~ RandomState(seed).randn * 0.01 (W1 drawn first) and zero
    biases, and runs `iterations` updates with tutor.core.train (method gd):
    the same maths as wb_forward / wb_backward / wb_update, repeated.
    cost_every: (k, 2) rows [iteration, cost] at 0, every, 2*every, ...;
    gd_costs: the cost before each update and after the last, (iterations + 1,).
    cost_log columns: iteration, cost.
    """
    sizes = (X.shape[1], int(hidden), 1)
    p0 = initialize_params(sizes, "normal", scale=0.01, seed=int(seed))
    Xc = np.ascontiguousarray(X, dtype=float)
    yc = np.asarray(y, dtype=np.intp)

    def cost_grad(p):
        return nn_cost_function(p, sizes, Xc, yc, 0.0, "tanh")

    res = train(cost_grad, p0, "gd", int(iterations), float(learning_rate))
    costs = res.costs
    step = max(1, int(every))
    marks = [i for i in range(0, costs.size, step)]
    table = np.array([[i, costs[i]] for i in marks])
    log = text_table([[i, f"{costs[i]:.6f}"] for i in marks])
    thetas = reshape_params(res.params, sizes)
    wb = to_wb(thetas)
    return {
        "cost_every": table,
        "cost_log": log,
        "gd_costs": costs,
        "gd_thetas": [t.copy() for t in thetas],
        "gd_W1": wb["W1"],
        "gd_b1": wb["b1"],
        "gd_W2": wb["W2"],
        "gd_b2": wb["b2"],
        "gd_final_cost": float(costs[-1]),
    }

