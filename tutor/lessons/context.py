"""What a step sees while it runs: bound values, text filling, views, live training.

One `RunContext` per session. Steps read and bind values through it, turn
lesson text into renderables, and report problems (a failed check, shapes
that do not fit) that `tutor validate` collects. It never prints: live output
goes through the UI's `training` hook.
"""

from __future__ import annotations

import contextlib
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult

from tutor.lessons.environment import Environment
from tutor.lessons.placeholders import fill
from tutor.lessons.steps.base import StepFailed, read_value


class LessonText:
    """Lesson markdown, spelt in ASCII when the stream needs it (λ -> lambda)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        from tutor.render.prose import prose
        from tutor.render.symbols import plain, wants_ascii

        if not wants_ascii(console, options):
            yield prose(self.text)
            return
        # Markdown draws its own bullets and rules; spell those in ASCII too.
        md = prose(plain(self.text))
        for seg in console.render(md, options):
            text = seg.text if seg.text.isascii() else plain(seg.text.translate(_ASCII_DRAWING))
            yield Segment(text, seg.style, seg.control)


_ASCII_DRAWING = str.maketrans({"•": "*", "━": "=", "─": "-", "│": "|", "▌": "|"})


def rule(console: Console):
    """A horizontal line that stays ASCII on ASCII streams."""
    from rich.rule import Rule

    from tutor.render.symbols import wants_ascii

    return Rule(style="dim", characters="-" if wants_ascii(console) else "─")


class SafeText:
    """A line of text (with styled pieces) spelt in ASCII when the stream needs it."""

    def __init__(self, *pieces: tuple[str, str | None] | str) -> None:
        self.pieces = [(p, None) if isinstance(p, str) else p for p in pieces]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        from tutor.render.symbols import text_for

        t = Text()
        for text, style in self.pieces:
            t.append(text_for(console, options, text), style)
        yield t


class Unwatched:
    """Training progress nobody watches (an export, a pipe, --plain: no live bar): updates go nowhere.

    `watched` is False here and absent (taken as True) on live displays, so a
    step can tell whether the run itself is what the learner sees.
    """

    watched = False

    def update(self, record) -> bool:
        return False


class RunContext:
    """Bound values plus the helpers steps use to show them."""

    def __init__(self, env: Environment, ui: Any = None) -> None:
        self.env = env
        self.values: dict[str, Any] = dict(env.values)
        self.ui = ui
        self.problems: list[str] = []
        self.course = None  # the lesson's tutor.course.Course, set by the session
        self.vocab = env.vocab  # its course's vocabulary (tutor.base.registry): views, operations, functions
        self.lookahead = None  # a tutor.lessons.lookahead.LookAhead when the session computes ahead

    # -- values ------------------------------------------------------------
    def get(self, name: str, transpose: bool = False) -> Any:
        return read_value(self.values, name, transpose)

    def bind(self, name: str, value: Any) -> None:
        self.values[name] = value

    def computed(self, step_id: str, values: dict[str, Any], compute) -> Any:
        """compute(values), or what the look-ahead already computed from these same values
        (waited for while it runs; its error raised here as the step's own)."""
        if self.lookahead is not None:
            found, result = self.lookahead.take(step_id, values)
            if found:
                return result
        return compute(values)

    def fill(self, text: str) -> str:
        try:
            return fill(text, self.values)
        except KeyError as err:
            raise StepFailed(f"the text uses {{{err.args[0]}}}, which has no value here") from None
        except (ValueError, TypeError) as err:
            raise StepFailed(f"a placeholder in the text cannot be formatted: {err}") from None

    def markdown(self, text: str) -> LessonText:
        return LessonText(self.fill(text))

    def view(self, spec) -> Any:
        from tutor.lessons.views import render_view

        value = self.get(spec.value)
        try:
            return render_view(spec, value, self)
        except ValueError as err:
            raise StepFailed(f"cannot show {spec.value}: {err}") from None

    def problem(self, message: str) -> None:
        self.problems.append(message)

    # -- training ------------------------------------------------------------------
    def training(self, total: int, title: str):
        hook = getattr(self.ui, "training", None)
        if hook is None:
            return contextlib.nullcontext(Unwatched())
        return hook(total, title)
