"""The train step: minimize the network's cost from a starting vector, live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.plugin import Common, Node, Reader, Scope, Step, StepFailed, as_number, parse_text, step_kind

METHODS = ("cg", "lbfgs", "gd")
_METHOD_NAMES = {"cg": "conjugate gradient", "lbfgs": "L-BFGS", "gd": "gradient descent"}


def _number_or_name(r: Reader, key: str, default: Any, scope: Scope, cond) -> Any:
    """A literal number, or a bound name (kept as a str) to read at run time."""
    node: Node | None = r.node_of(key)
    if node is None:
        return default
    x = as_number(node)
    if x is not None:
        return x
    name = r.name(key)
    scope.require(name, r.where(key), cond)
    return name


def _resolve(ctx, v: Any) -> float:
    return float(np.asarray(ctx.get(v) if isinstance(v, str) else v, dtype=float).item())


@step_kind("train")
@dataclass(frozen=True)
class TrainStep(Step):
    method: str = "cg"
    iterations: Any = 50
    lam: Any = "lambda"
    learning_rate: Any = 1.0
    start: str = "params"
    bind: str = "trained"
    X: str = "X"
    y: str = "y"
    text: str | None = None
    KEYS = ("method", "iterations", "lambda", "learning_rate", "from", "bind", "X", "y", "text")

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> TrainStep:
        cond = common.condition
        text = parse_text(r, "text", scope, cond)
        method = r.str("method", default="cg", choices=METHODS)
        iterations = _number_or_name(r, "iterations", 50, scope, cond)
        lam = _number_or_name(r, "lambda", "lambda", scope, cond)
        if lam == "lambda":
            scope.require("lambda", r.where("lambda"), cond)
        rate = _number_or_name(r, "learning_rate", 1.0, scope, cond)
        start = r.name("from") or "params"
        X = r.name("X") or "X"
        y = r.name("y") or "y"
        for key, name in (("from", start), ("X", X), ("y", y), (None, "layer_sizes"), (None, "activation")):
            scope.require(name, r.where(key), cond)
        bind = r.name("bind") or "trained"
        for suffix in ("", "_thetas", "_history", "_cost"):
            scope.bind(bind + suffix, cond)
        return cls(common, method, iterations, lam, rate, start, bind, X, y, text)

    def run(self, ctx) -> list[Any]:
        from tutor.core import reshape_params, train_network

        iterations = int(_resolve(ctx, self.iterations))
        lam = _resolve(ctx, self.lam)
        rate = _resolve(ctx, self.learning_rate)
        sizes = [int(s) for s in ctx.get("layer_sizes")]
        p0 = np.asarray(ctx.get(self.start), dtype=float)
        X, y = ctx.get(self.X), ctx.get(self.y)
        if p0.size != sum(b * (a + 1) for a, b in zip(sizes, sizes[1:])):
            raise StepFailed(f"{self.start} has {p0.size} values, not the parameters of a {'-'.join(map(str, sizes))} network")
        title = f"{_METHOD_NAMES[self.method]}, {iterations} iterations, lambda = {lam:g}"
        activation = ctx.get("activation")
        with ctx.training(iterations, title) as live:
            kept = _kept_run(sizes, X, y, p0, lam, activation, self.method, iterations, rate)
            # Watched (learn and demo on a terminal, a notebook), the run happens
            # live: seeing the cost fall is the step. Unwatched (an export, a
            # pipe, --plain: no live bar), only its end shows, so a run kept from
            # before gives the same page without training again (nor importing
            # scipy.optimize).
            result = _from_kept(kept.read()) if not getattr(live, "watched", True) else None
            if result is None:
                result = train_network(sizes, X, y, p0, lam=lam, activation=activation, method=self.method,
                                       iterations=iterations, learning_rate=rate, callback=live.update)
                if not result.stopped_early:  # a run the learner cut short is not the step's result
                    kept.write({"params": result.params, "costs": result.costs, "method": result.method,
                                "message": result.message})
        ctx.bind(self.bind, result.params)
        ctx.bind(self.bind + "_thetas", reshape_params(result.params, sizes))
        ctx.bind(self.bind + "_history", result.costs)
        ctx.bind(self.bind + "_cost", float(result.cost))
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        out.extend(train_summary(result, title))
        return out


def _kept_run(sizes, X, y, p0, lam, activation, method, iterations, rate):
    """Where this training run's result is kept (tutor.courses.backprop.resultcache):
    keyed by every input, so any change trains afresh."""
    from tutor.courses.backprop.resultcache import Entry

    args = (list(sizes), np.asarray(X), np.asarray(y), p0, float(lam), str(activation), method, int(iterations),
            float(rate))
    return Entry("train_step", 1, args)


def _from_kept(found: dict | None):
    """A TrainResult rebuilt from a kept run, or None."""
    if found is None:
        return None
    from tutor.core.train import TrainRecord, TrainResult

    try:
        costs = np.asarray(found["costs"], dtype=float)
        history = [TrainRecord(i, float(c)) for i, c in enumerate(costs)]
        return TrainResult(np.asarray(found["params"], dtype=float), history, str(found["method"]),
                           str(found["message"]))
    except (KeyError, TypeError, ValueError):
        return None  # not what this step writes: train again


def train_summary(result, title: str) -> list[Any]:
    """The cost curve of a training run and its summary line."""
    from tutor.render import CostCurve, TrainSummary

    out: list[Any] = []
    if len(result.costs) > 1:
        out.append(CostCurve(result.costs, title=f"cost per iteration ({title})"))
    out.append(TrainSummary.from_result(result))
    return out
