"""The train step: minimize the network's cost from a starting vector, live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.lessons.schema import Node, Reader, Scope, as_number
from tutor.plugin import Common, Step, StepFailed, step_kind
from tutor.lessons.texts import parse_text

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
        with ctx.training(iterations, title) as live:
            result = train_network(sizes, X, y, p0, lam=lam, activation=ctx.get("activation"), method=self.method,
                                   iterations=iterations, learning_rate=rate, callback=live.update)
        ctx.bind(self.bind, result.params)
        ctx.bind(self.bind + "_thetas", reshape_params(result.params, sizes))
        ctx.bind(self.bind + "_history", result.costs)
        ctx.bind(self.bind + "_cost", float(result.cost))
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        out.extend(train_summary(result, title))
        return out


def train_summary(result, title: str) -> list[Any]:
    """The cost curve of a training run and its summary line."""
    from tutor.render import CostCurve, TrainSummary

    out: list[Any] = []
    if len(result.costs) > 1:
        out.append(CostCurve(result.costs, title=f"cost per iteration ({title})"))
    out.append(TrainSummary.from_result(result))
    return out
