"""What the player says about a typed answer: `✓ RIGHT 2`, `✗ NOT YET X: That is *the other* factor.`

The answer is shown as typed (literal: a learner's `a*b*c` is never read as
emphasis); the message is lesson Markdown (`*other*`, `**column**`, `code`)
and `{placeholders}` are filled before it gets here. One Text, so rich wraps
it at word boundaries at any width, and spelt in ASCII where the stream
needs it.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text


def markdown_runs(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """One paragraph of Markdown as (text, tags) runs; the text as it stands when it is more than that."""
    from tutor.render.prose import parse

    flat = " ".join(text.split())
    blocks = parse(flat)
    if blocks and len(blocks) == 1 and blocks[0][0] == "p":
        return list(blocks[0][1])
    return [(flat, ())]


def inline_markdown(console: Console, options: ConsoleOptions, text: str, base: str | None = None) -> Text:
    """A line of Markdown as a styled Text (emphasis, strong, code), ASCII where the stream needs it."""
    from tutor.render.symbols import text_for

    out = Text()
    for piece, tags in markdown_runs(text):
        style = console.get_style(base or "none", default="none")
        for tag in tags:
            style = style + console.get_style(f"markdown.{tag}", default="none")
        out.append(text_for(console, options, piece), style)
    return out


class Feedback:
    """The mark, the answer as typed, and the message as Markdown, on one wrapping line."""

    def __init__(self, label: str, style: str, answer: str, message: str = "") -> None:
        self.label = label
        self.style = style
        self.answer = answer
        self.message = message

    def plain(self) -> str:
        """The line as plain text (for transcripts and tests)."""
        said = "".join(piece for piece, _ in markdown_runs(self.message)) if self.message else ""
        return f"{self.label} {self.answer}" + (f": {said}" if said else "")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from tutor.render.symbols import text_for, wants_ascii

        label = self.label
        if wants_ascii(console, options) and label[:2] in ("✓ ", "✗ "):
            label = label[2:]  # the word says it: "RIGHT", not "PASS RIGHT"
        line = Text()
        line.append(text_for(console, options, label + " "), self.style)
        line.append(text_for(console, options, self.answer))
        if self.message:
            line.append(": ")
            line.append_text(inline_markdown(console, options, self.message))
        yield line


class MarkdownLine:
    """A message for the learner (`ui.message`) whose Markdown is drawn, in one style."""

    def __init__(self, text: str, style: str | None = None) -> None:
        self.text = text
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield inline_markdown(console, options, self.text, self.style)
