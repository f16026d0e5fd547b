"""Training that reports instead of printing.

`train` minimizes a cost function and calls `callback(record)` once per
iteration with a `TrainRecord`; the CLI turns those into a progress bar and a
cost curve, a test into a list. Record 0 is the cost before any update, so a
run of n iterations reports n + 1 records. A callback that returns True stops
the run early (Ctrl-C, a demo's time limit).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

METHODS = ("cg", "lbfgs", "gd")
_SCIPY_NAMES = {"cg": "CG", "lbfgs": "L-BFGS-B"}

# The optimizer used when the caller names none. L-BFGS: on the digits it
# reaches 95% in fewer cost evaluations than CG (27 against 39), and at
# MNIST size (60000 x 784) it needed 12.7 s where CG needed 53 s, CG's line
# search asking for far more evaluations as m grows. A lesson that teaches CG
# says `method: cg` and gets it.
DEFAULT_METHOD = "lbfgs"


@dataclass(frozen=True)
class TrainRecord:
    """The cost after `iteration` updates (0: the starting point)."""

    iteration: int
    cost: float


@dataclass(frozen=True)
class TrainResult:
    """Where training ended and how it got there."""

    params: np.ndarray
    history: list[TrainRecord] = field(repr=False)
    method: str
    message: str
    stopped_early: bool = False
    threads: int | None = None  # BLAS threads of each evaluation when train_network knows them (None: the user's setting)

    @property
    def costs(self) -> np.ndarray:
        """The cost per iteration, (n + 1,)."""
        return np.array([r.cost for r in self.history])

    @property
    def iterations(self) -> int:
        return self.history[-1].iteration if self.history else 0

    @property
    def cost(self) -> float:
        return self.history[-1].cost


class _Memo:
    """Remembers the last evaluation, since scipy asks again for x0."""

    def __init__(self, f):
        self.f = f
        self.x = None
        self.out = None

    def __call__(self, x):
        if self.x is None or not np.array_equal(x, self.x):
            self.out = self.f(x)
            self.x = np.array(x, copy=True)
        return self.out


def train(
    cost_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    params0: np.ndarray,
    method: str = DEFAULT_METHOD,
    iterations: int = 50,
    learning_rate: float = 1.0,
    callback: Callable[[TrainRecord], bool | None] | None = None,
) -> TrainResult:
    """Minimize cost_grad (params -> (J, grad)) from params0.

    method: "lbfgs" (L-BFGS-B, the default), "cg" (scipy's nonlinear
    conjugate gradient), or "gd" (plain gradient descent,
    params -= learning_rate * grad). The result's `method` says which ran.
    iterations: the maximum number of updates.
    """
    if method not in METHODS:
        raise ValueError(f"unknown optimizer {method!r}; known: {', '.join(METHODS)}")
    history: list[TrainRecord] = []

    def report(i: int, J: float) -> bool:
        rec = TrainRecord(i, float(J))
        history.append(rec)
        return bool(callback(rec)) if callback is not None else False

    params = np.array(params0, dtype=float)
    J0, grad = cost_grad(params)
    stop = report(0, J0)
    if stop or iterations <= 0:
        return TrainResult(params, history, method, "stopped before the first update", stop)

    if method == "gd":
        # One evaluation per update, each at the new point: the gradient for the
        # next step comes with the cost just reported (no memo needed, and at
        # 10000 small updates its comparisons and copies were an eighth of the time).
        for i in range(1, iterations + 1):
            params = params - learning_rate * grad
            J, grad = cost_grad(params)
            if report(i, J):
                return TrainResult(params, history, method, f"stopped after {i} updates", True)
        return TrainResult(params, history, method, f"{iterations} gradient-descent updates")

    from scipy.optimize import minimize  # heavy: imported only when training

    f = _Memo(cost_grad)  # scipy asks again for x0, which was just evaluated
    f.x, f.out = params.copy(), (J0, grad)
    stopped = False

    def on_iteration(intermediate_result):
        nonlocal stopped
        if report(len(history), intermediate_result.fun):
            stopped = True
            raise StopIteration

    res = minimize(
        f, params, jac=True, method=_SCIPY_NAMES[method], callback=on_iteration, options={"maxiter": int(iterations)}
    )
    return TrainResult(np.asarray(res.x), history, method, str(res.message), stopped)


def train_network(
    layer_sizes: Sequence[int],
    X: np.ndarray,
    y: np.ndarray,
    params0: np.ndarray,
    lam: float = 0.0,
    activation: str = "sigmoid",
    method: str = DEFAULT_METHOD,
    iterations: int = 50,
    learning_rate: float = 1.0,
    callback: Callable[[TrainRecord], bool | None] | None = None,
) -> TrainResult:
    """`train` on the network cost `nn_cost_function(params, layer_sizes, X, y, lam)`.

    X (m, n) float32 or float64 is used in its own dtype (float32: the passes
    run in single precision, half the memory traffic; the parameters the
    optimizer holds stay float64). Other dtypes become float64 once here, not
    per call. When m * n is large, each cost-and-gradient evaluation runs on
    every free core while the optimizer's own work stays on one (tutor.blas),
    unless the user fixed the thread count.
    """
    from tutor.blas import threaded_evaluations
    from tutor.core.backprop import nn_cost_function
    from tutor.core.forward import as_float

    X = np.ascontiguousarray(as_float(X))  # a no-op for a C-ordered float array
    y = np.asarray(y, dtype=np.intp).ravel()
    sizes = tuple(int(s) for s in layer_sizes)

    def cost_grad(p):
        return nn_cost_function(p, sizes, X, y, lam, activation)

    with threaded_evaluations(*X.shape, cost_grad) as evaluate:
        result = train(evaluate, params0, method, iterations, learning_rate, callback)
    return dataclasses.replace(result, threads=evaluate.threads)
