"""Mini-batch gradient descent with momentum, and Adam: how networks are trained today.

Each update looks at a small batch of examples, not all m: its gradient is a
noisy estimate of the full one, but costs m / batch_size times less, so many
more steps fit in the same time. The update rules are pure functions of
arrays (`momentum_step`, `adam_step`); `minibatch_train` runs them over
shuffled batches and reports through a callback, never printing:

    momentum:  v <- beta v + grad;              params <- params - alpha v
    Adam:      m <- b1 m + (1 - b1) grad;       v <- b2 v + (1 - b2) grad^2
               m^ = m / (1 - b1^t);  v^ = v / (1 - b2^t)
               params <- params - alpha m^ / (sqrt(v^) + eps)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

RULES = ("sgd", "momentum", "adam")


def momentum_step(params: np.ndarray, velocity: np.ndarray, grad: np.ndarray, learning_rate: float,
                  beta: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """One heavy-ball update. All arrays (p,). Returns (new params, new velocity); inputs unchanged.

    beta = 0 is plain gradient descent. The velocity sums past gradients with
    weights beta^k, so directions that agree from step to step add up and
    directions that flip sign cancel.
    """
    v = beta * velocity + grad
    return params - learning_rate * v, v


def adam_step(params: np.ndarray, m1: np.ndarray, m2: np.ndarray, grad: np.ndarray, t: int,
              learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam update (Kingma and Ba, 2015), t = 1 for the first. Arrays (p,).

    m1, m2: running means of the gradient and of its square. Returns
    (new params, new m1, new m2); the inputs are not changed. Each parameter
    gets its own step size, about learning_rate whatever the gradient's scale.
    """
    m1 = beta1 * m1 + (1.0 - beta1) * grad
    m2 = beta2 * m2 + (1.0 - beta2) * grad * grad
    m_hat = m1 / (1.0 - beta1 ** t)
    v_hat = m2 / (1.0 - beta2 ** t)
    return params - learning_rate * m_hat / (np.sqrt(v_hat) + eps), m1, m2


@dataclass(frozen=True)
class BatchRecord:
    """Where a run stands after `step` updates (`epoch` passes over the data).

    cost: the full-data cost then; seconds: time spent updating so far (the
    full-data cost evaluations that make these records are not counted).
    """

    step: int
    epoch: float
    cost: float
    seconds: float


@dataclass(frozen=True)
class BatchResult:
    params: np.ndarray
    history: list[BatchRecord] = field(repr=False)
    rule: str
    stopped_early: bool = False

    @property
    def costs(self) -> np.ndarray:
        return np.array([r.cost for r in self.history])

    @property
    def seconds(self) -> np.ndarray:
        return np.array([r.seconds for r in self.history])

    @property
    def cost(self) -> float:
        return self.history[-1].cost


def minibatch_train(
    batch_cost_grad: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]],
    full_cost: Callable[[np.ndarray], float],
    params0: np.ndarray,
    m: int,
    rule: str = "momentum",
    batch_size: int = 64,
    epochs: float = 5,
    learning_rate: float = 0.1,
    beta: float = 0.9,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    seed: int | None = 0,
    report_every: int | None = None,
    callback: Callable[[BatchRecord], bool | None] | None = None,
    budget_seconds: float | None = None,
) -> BatchResult:
    """Train by mini-batches: each epoch shuffles the m examples and walks them in batches.

    batch_cost_grad(params, rows) -> (J, grad) on the examples `rows` (an index
    array); full_cost(params) -> J on all the data, used only to report.
    rule: "sgd", "momentum" or "adam". A record is made before the first update
    and every `report_every` updates (default: once per epoch) and at the end;
    a callback returning True stops the run. budget_seconds: stop once that
    much update time has passed. A cost that is not finite stops the run: the
    record says so (NaN or inf), and the params are the last ones reached.
    """
    if rule not in RULES:
        raise ValueError(f"unknown update rule {rule!r}; known: {', '.join(RULES)}")
    if batch_size < 1 or m < 1:
        raise ValueError("batch_size and m must be at least 1")
    rng = np.random.default_rng(seed)
    params = np.array(params0, dtype=float)
    v = np.zeros_like(params)
    m2 = np.zeros_like(params)
    per_epoch = int(np.ceil(m / batch_size))
    total = max(round(epochs * per_epoch), 1)
    every = report_every or per_epoch
    history: list[BatchRecord] = []
    spent = 0.0

    def report(step: int) -> bool:
        rec = BatchRecord(step, step / per_epoch, float(full_cost(params)), spent)
        history.append(rec)
        stop = bool(callback(rec)) if callback is not None else False
        return stop or not np.isfinite(rec.cost)

    if report(0):
        return BatchResult(params, history, rule, True)
    order = rng.permutation(m)
    for step in range(1, total + 1):
        k = (step - 1) % per_epoch
        if k == 0 and step > 1:
            order = rng.permutation(m)
        rows = order[k * batch_size:(k + 1) * batch_size]
        start = time.perf_counter()
        _, grad = batch_cost_grad(params, rows)
        if rule == "sgd":
            params = params - learning_rate * grad
        elif rule == "momentum":
            params, v = momentum_step(params, v, grad, learning_rate, beta)
        else:
            params, v, m2 = adam_step(params, v, m2, grad, step, learning_rate, beta1, beta2, eps)
        spent += time.perf_counter() - start
        over = budget_seconds is not None and spent >= budget_seconds
        if (step % every == 0 or step == total or over) and report(step):
            return BatchResult(params, history, rule, True)
        if over:
            return BatchResult(params, history, rule, True)
    return BatchResult(params, history, rule)


def first_nonfinite(values) -> int | None:
    """The index of the first NaN or infinite entry of a 1-D sequence, or None."""
    bad = ~np.isfinite(np.asarray(values, dtype=float))
    return int(np.argmax(bad)) if bad.any() else None
