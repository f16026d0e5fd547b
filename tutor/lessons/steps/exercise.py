"""The exercise step: points the learner at a self-check exercise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tutor.lessons.schema import Reader, Scope
from tutor.lessons.steps.base import Common, Step, step_kind
from tutor.lessons.steps.basic import parse_text


def _exercise_info(exercise_id: str, course=None) -> tuple[str | None, str | None, str | None]:
    """(title, signature, status) from the course's exercises catalog, or Nones when unavailable."""
    try:
        from tutor.exercises import catalog
    except ImportError:
        return None, None, None
    try:
        folder = course.exercises_dir if course is not None and not course.bundled else None
        ex = catalog.load_catalog(folder).get(exercise_id)
    except Exception:  # noqa: BLE001 - a broken catalog must not break a lesson
        return None, None, None
    if ex is None:
        return None, None, None
    try:
        state = catalog.status(exercise_id, course=None if course is None or course.bundled else course.id)
    except Exception:  # noqa: BLE001
        state = None
    return ex.title, ex.signature, state


class _ExerciseCard:
    """What to type, one command per line; boxed when the box leaves the commands whole.

    A command broken across two lines reads as two commands, so on a narrow
    terminal the box (4 columns) is dropped before any command would wrap.
    """

    def __init__(self, exercise_id: str, title: str | None, signature: str | None, state: str | None,
                 flag: str = ""):
        self.flag = flag  # " --course DIR" when the lesson is not the default course's
        self.exercise_id = exercise_id
        self.title = title
        self.signature = signature
        self.state = state

    def _body(self, width: int):
        from rich.text import Text

        eid = self.exercise_id
        body = Text()

        def command(cmd: str) -> None:
            # too long for the line: continue it shell-style with a backslash,
            # so what is on screen can still be typed exactly as shown
            while len(cmd) > width and " " in cmd[: width - 1]:
                cut = cmd.rindex(" ", 0, width - 1)
                body.append(cmd[:cut] + " \\\n", style="bold cyan")
                cmd = "  " + cmd[cut + 1:]
            body.append(cmd + "\n", style="bold cyan")

        body.append(f"Exercise: {self.title or eid}\n", style="bold")
        if self.signature:
            body.append("You write:\n", style="dim")
            body.append(f"{self.signature}\n")
        if self.state:
            body.append(f"Your status: {self.state}\n")
        body.append("1. Get the file to fill in:\n", style="dim")
        command(f"tutor exercise start {eid}{self.flag}")
        body.append("   it writes ", style="dim")
        body.append(f"{eid}.py", style="bold")
        body.append(" in the folder tutor-exercises/\n", style="dim")
        body.append("2. Check it, as often as you like:\n", style="dim")
        command(f"tutor check {eid}{self.flag}")
        body.append("Stuck? For a hint:\n", style="dim")
        command(f"tutor hint {eid}{self.flag}")
        body.rstrip()
        return body

    def __rich_console__(self, console, options):
        from rich.panel import Panel

        longest = len(f"tutor exercise start {self.exercise_id}{self.flag}")
        if options.max_width >= longest + 4:
            yield Panel(self._body(options.max_width - 4), expand=False)
        else:
            yield self._body(options.max_width)


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
        title, signature, state = _exercise_info(self.exercise, getattr(ctx, "course", None))
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        from tutor.course import course_flag

        out.append(_ExerciseCard(self.exercise, title, signature, state, course_flag(getattr(ctx, "course", None))))
        return out
