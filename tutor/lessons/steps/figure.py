"""The figure step: a registered view drawn as a figure (`figure: cost`, `figure: regions`, ...).

Like `show`, but the view is named by `figure:` and, when the step gives no
`value`, the view's own default value is drawn (a course's views declare
theirs, e.g. a picture of the data draws X).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tutor.base.schema import Reader, Scope
from tutor.base.yamlsafe import Node
from tutor.lessons.steps.base import Common, Step, StepFailed, step_kind
from tutor.lessons.texts import parse_text
from tutor.lessons.views import ViewSpec, parse_view


@step_kind("figure")
@dataclass(frozen=True)
class FigureStep(Step):
    spec: ViewSpec = None  # type: ignore[assignment]
    text: str | None = None
    KEYS = ("figure", "value", "label", "text")

    @classmethod
    def allowed_keys(cls, r: Reader, scope: Scope | None = None) -> tuple[str, ...]:
        from tutor.lessons.views import view_options

        node = r.map.get("figure")
        name = node.value if node is not None and isinstance(node.value, str) else None
        return cls.KEYS + view_options(name, scope.vocab.views)

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> FigureStep:
        cond = common.condition
        text = parse_text(r, "text", scope, cond)
        r.node_of("figure", required=True)
        sub = {k: v for k, v in r.map.items() if k not in ("id", "kind", "title", "notes", "when", "text")}
        spec = parse_view(Node(sub, r.node.line, r.node.column), r.path, r.file, scope, cond, view_key="figure")
        return cls(common, spec, text)

    def run(self, ctx) -> list[Any]:
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        from tutor.lessons.views import render_view

        value = ctx.get(self.spec.value)
        try:
            out.append(render_view(self.spec, value, ctx))
        except ValueError as err:
            raise StepFailed(f"cannot draw the {self.spec.view} figure: {err}") from None
        return out
