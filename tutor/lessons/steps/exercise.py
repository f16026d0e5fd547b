"""The exercise step: points the learner at a self-check exercise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tutor.lessons.schema import Reader, Scope
from tutor.lessons.steps.base import Common, Step, step_kind
from tutor.lessons.steps.basic import parse_text


def _exercise_info(exercise_id: str) -> tuple[str | None, str | None]:
    """(title, status) from the exercises catalog, or (None, None) when unavailable."""
    try:
        from tutor.exercises import catalog
    except ImportError:
        return None, None
    try:
        ex = catalog.load_catalog().get(exercise_id)
    except Exception:  # noqa: BLE001 - a broken catalog must not break a lesson
        return None, None
    if ex is None:
        return None, None
    try:
        state = catalog.status(exercise_id)
    except Exception:  # noqa: BLE001
        state = None
    return ex.title, state


@step_kind("exercise")
@dataclass(frozen=True)
class ExerciseStep(Step):
    exercise: str = ""
    text: str | None = None
    KEYS = ("exercise", "text")

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> ExerciseStep:
        text = parse_text(r, "text", scope, common.condition)
        return cls(common, r.str("exercise", required=True), text)

    def run(self, ctx) -> list[Any]:
        from rich.panel import Panel
        from rich.text import Text

        title, state = _exercise_info(self.exercise)
        body = Text()
        body.append(f"Exercise: {title or self.exercise}\n", style="bold")
        if state:
            body.append(f"Your status: {state}\n")
        body.append("Write it:   ", style="dim")
        body.append(f"tutor exercise start {self.exercise}\n", style="bold cyan")
        body.append("Check it:   ", style="dim")
        body.append(f"tutor check {self.exercise}", style="bold cyan")
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        out.append(Panel(body, expand=False))
        return out
