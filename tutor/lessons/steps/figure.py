"""The figure step: digits, hidden units, a cost curve, a decision boundary, a confusion matrix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.lessons.schema import Reader, Scope
from tutor.lessons.steps.base import Common, Step, StepFailed, step_kind
from tutor.lessons.steps.basic import parse_text

FIGURES = ("digits", "hidden", "cost", "boundary", "confusion")
_DEFAULT_VALUE = {"digits": "X", "hidden": "Theta1", "cost": None, "boundary": "thetas", "confusion": None}


@step_kind("figure")
@dataclass(frozen=True)
class FigureStep(Step):
    figure: str = "digits"
    value: str = "X"
    labels: str | None = None
    count: int = 20
    X: str = "X"
    y: str = "y"
    label: str | None = None
    text: str | None = None
    KEYS = ("figure", "value", "labels", "count", "X", "y", "label", "text")

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> FigureStep:
        cond = common.condition
        text = parse_text(r, "text", scope, cond)
        figure = r.str("figure", required=True, choices=FIGURES)
        value = r.name("value") or _DEFAULT_VALUE[figure]
        if value is None:
            raise r.error(None, f"a {figure} figure needs `value:` (the bound name to draw)")
        scope.require(value, r.where("value"), cond)
        labels = r.name("labels")
        X, y = r.name("X") or "X", r.name("y") or "y"
        for key, name in (("labels", labels), ("X", X), ("y", y)):
            if name and (key == "labels" or figure == "boundary"):
                scope.require(name, r.where(key), cond)
        return cls(common, figure, value, labels, r.int("count", 20, min=1), X, y,
                   parse_text(r, "label", scope, cond), text)

    def run(self, ctx) -> list[Any]:
        from tutor.lessons.views import digits_view, find_renderer, hidden_view

        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        value = ctx.get(self.value)
        title = ctx.fill(self.label) if self.label else None
        try:
            if self.figure == "digits":
                labels = ctx.get(self.labels) if self.labels else None
                out.append(digits_view(value, ctx, labels=labels, count=self.count, title=title))
            elif self.figure == "hidden":
                if isinstance(value, (list, tuple)):
                    value = value[0]
                out.append(hidden_view(value, ctx, count=self.count))
            elif self.figure == "cost":
                curve = find_renderer("CostCurve")
                costs = np.asarray(value, dtype=float).ravel()
                out.append(curve(costs, title=title) if curve else _fallback(f"cost {costs[0]:.4f} -> {costs[-1]:.4f}"))
            elif self.figure == "boundary":
                from tutor.core import decision_grid

                thetas = value if isinstance(value, (list, tuple)) else None
                if thetas is None:
                    raise StepFailed(f"{self.value} is not a list of weight matrices")
                X, y = ctx.get(self.X), ctx.get(self.y)
                xs, ys, classes = decision_grid(thetas, X, activation=ctx.get("activation"))
                cls = find_renderer("DecisionBoundary")
                out.append(cls(xs, ys, classes, X, y) if cls else _fallback("(decision boundary)"))
            else:
                cls = find_renderer("ConfusionTable")
                C = np.asarray(value)
                names = list(ctx.get("class_names"))[: C.shape[0]]
                out.append(cls(C, names) if cls else _fallback(str(C)))
        except ValueError as err:
            raise StepFailed(f"cannot draw the {self.figure} figure: {err}") from None
        return out


def _fallback(text: str):
    from rich.text import Text

    return Text(text)
