"""A lesson run headless by the engine into a recording console, cut into one piece per step."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console

from tutor.base.errors import TutorError
from tutor.render.styles import PAPER_THEME  # noqa: F401  (the handout formats read it from here too)

WIDTH = 100  # columns: fits an A4 page at 8 pt and a laptop browser

@dataclass
class StepPiece:
    """One step as recorded: its number, title and the recorded body."""

    k: int
    N: int
    title: str
    body: str  # an HTML fragment (spans) or plain text, per format
    text: str  # always the plain text (for headings and checks)


@dataclass
class RecordedLesson:
    id: str
    title: str
    summary: str
    intro: str  # what the engine prints before step 1 (data and weights used)
    steps: list[StepPiece] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class StepCutter(Console):
    """A recording console cut into pieces: the opening, then one per step.

    `render_lesson` calls its `on_step` hook just before each step; `cut` is
    that hook. Each format marks the step boundary its own way.
    """

    def __init__(self, cut: Callable[[Console], tuple[str, str]], **kwargs) -> None:
        super().__init__(record=True, **kwargs)
        self._cut = cut
        self.pieces: list[tuple[str, str]] = []

    def cut(self, _step: int | None = None) -> None:
        self.pieces.append(self._cut(self))

    def finish(self) -> list[tuple[str, str]]:
        self.pieces.append(self._cut(self))
        return self.pieces


def colour_console_kwargs() -> dict:
    # A handout is a file, not this terminal: colour is forced on, whatever
    # NO_COLOR or TERM say, so every reader sees the same page.
    return dict(file=io.StringIO(), width=WIDTH, force_terminal=True, color_system="truecolor", no_color=False,
                legacy_windows=False, force_jupyter=False, emoji=False)


def plain_console_kwargs() -> dict:
    return dict(file=io.StringIO(), width=WIDTH, force_terminal=False, color_system=None, no_color=True,
                legacy_windows=False, force_jupyter=False, emoji=False)


def cut_html(c: Console) -> tuple[str, str]:
    text = c.export_text(clear=False)
    return c.export_html(clear=True, theme=PAPER_THEME, inline_styles=True, code_format="{code}"), text


def cut_text(c: Console) -> tuple[str, str]:
    text = tidy(c.export_text(clear=True))
    return text, text


def tidy(text: str) -> str:
    """No trailing spaces, no blank lines at either end."""
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


# ------------------------------------------------------------ recording


def settings_for(lesson, settings: list[str], strict: bool) -> dict:
    """`--set` strings typed by the lesson's declared parameters.

    strict (one lesson): a parameter the lesson does not declare is an error.
    Otherwise (--all) each lesson takes only the parameters it declares.
    """
    from tutor.lessons.params import parse_set_options

    params = lesson.setup.params
    if not strict:
        settings = [s for s in settings if s.partition("=")[0].strip() in params]
    return parse_set_options(settings, params, lesson_id=lesson.id)


def record_lesson(lesson, fmt: str, *, answers: bool, notes: bool, settings: dict) -> RecordedLesson:
    """Run `lesson` headless through the engine and cut its output per step."""
    from tutor.lessons.runner import render_lesson

    cut = cut_html if fmt == "html" else cut_text
    kwargs = colour_console_kwargs() if fmt == "html" else plain_console_kwargs()
    console = StepCutter(cut, **kwargs)
    session = render_lesson(lesson, console, answers=answers, notes=notes, settings=settings, on_step=console.cut)
    pieces = console.finish()
    intro, steps = pieces[0], pieces[1:]
    if len(steps) != session.N:
        raise TutorError(f"could not split lesson {lesson.id!r} into its {session.N} steps for export")
    out = RecordedLesson(lesson.id, lesson.title, lesson.summary, intro_text(intro[1], lesson))
    for k, ((body, text), step) in enumerate(zip(steps, session.steps), start=1):
        out.steps.append(StepPiece(k, session.N, step.title or "", body, tidy(text)))
    out.problems = session.describe_problems()
    return out


def intro_text(text: str, lesson) -> str:
    """The engine's opening lines minus the title and summary (set as headings here).

    They may wrap over several lines, so they are matched word by word; if the
    opening is not exactly them, nothing is dropped.
    """
    lines = tidy(text).splitlines()
    expected = f"{lesson.title} {lesson.summary}".split()
    words: list[str] = []
    for i, line in enumerate(lines):
        words += line.split()
        if words == expected:
            return "\n".join(lines[i + 1:]).strip("\n")
        if words != expected[: len(words)]:
            break
    return "\n".join(lines)


def body_without_header(piece: StepPiece, lesson_title: str) -> str:
    """The step's text minus the header lines a Markdown heading replaces.

    The engine heads each step with the lesson title, `Step k of N`, an
    optional `with ...` line of values in force and the step title. Only lines
    that are exactly those are dropped, so nothing else can be lost.
    """
    lines = piece.text.splitlines()
    i = 0
    if i < len(lines) and lines[i].strip() == lesson_title.strip():
        i += 1
    if i < len(lines) and lines[i].strip() == f"Step {piece.k} of {piece.N}":
        i += 1
    else:
        return piece.text
    keep_with = []
    if i < len(lines) and lines[i].startswith("with "):
        keep_with = [lines[i]]
        i += 1
    if piece.title and i < len(lines) and lines[i].strip() == piece.title.strip():
        i += 1
    return "\n".join(keep_with + lines[i:]).strip("\n")
