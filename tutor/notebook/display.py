"""Rich renderables as notebook output: HTML for Jupyter, plain text for everything else.

rich draws into a console; a notebook wants a MIME bundle. `Rich` records
its renderables in a console of fixed width and hands Jupyter both forms:
`text/html` (the terminal colours remapped for a white page, inline styles,
so the notebook file carries the look with it) and `text/plain` (what a
console or a test reads). Outside IPython, `show` prints the plain text.
"""

from __future__ import annotations

import io
from typing import Any

WIDTH = 100  # columns: the width of a notebook's output area at its usual font

_PRE = ("<pre style=\"white-space: pre; overflow-x: auto; line-height: 1.25; margin: 0; "
        "background: transparent; font-family: Menlo, 'DejaVu Sans Mono', Consolas, 'Courier New', monospace; "
        "font-size: 13px\">{code}</pre>")


_FALLBACK_GLYPHS = "⋮"


class Rich:
    """Renderables shown as one output: HTML in Jupyter, text elsewhere.

    renderables: anything rich can print (Text, Table, the tutor's views).
    """

    def __init__(self, *renderables: Any) -> None:
        self.renderables = [r for r in renderables if r is not None]

    def _console(self, *, colour: bool):
        from rich.console import Console

        return Console(file=io.StringIO(), width=WIDTH, record=True, force_terminal=colour,
                       color_system="truecolor" if colour else None, no_color=not colour,
                       force_jupyter=False, legacy_windows=False, emoji=False)

    def text(self) -> str:
        console = self._console(colour=False)
        for r in self.renderables:
            console.print(r)
        return "\n".join(line.rstrip() for line in console.export_text().splitlines()).strip("\n")

    def html(self) -> str:
        from tutor.render.styles import PAPER_THEME

        console = self._console(colour=True)
        for r in self.renderables:
            console.print(r)
        code = console.export_html(theme=PAPER_THEME, inline_styles=True, code_format=_PRE)
        # A glyph the monospace font lacks comes from a wider font and pushes the
        # rest of its line out of its columns: hold it to one cell.
        for ch in _FALLBACK_GLYPHS:
            code = code.replace(ch, f'<span style="display: inline-block; width: 1ch; overflow: hidden; '
                                    f'vertical-align: bottom">{ch}</span>')
        return code

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/plain": self.text(), "text/html": self.html()}

    def __repr__(self) -> str:  # a plain Python prompt shows the text
        return self.text()

    def __bool__(self) -> bool:
        return bool(self.renderables)


def in_ipython() -> bool:
    """True inside an IPython shell or a Jupyter kernel."""
    import sys

    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    return get_ipython() is not None


def show(*renderables: Any) -> None:
    """Display renderables now: as rich output in a notebook, as text on a terminal."""
    out = Rich(*renderables)
    if not out:
        return
    if in_ipython():
        from IPython.display import display

        display(out)
    else:
        print(out.text())


def one_line_errors() -> None:
    """In IPython, show the tutor's own errors (a bad lesson id...) as one line, not a traceback.

    Only `TutorError` is affected; every other exception shows as usual.
    """
    if not in_ipython():
        return
    import sys

    from IPython import get_ipython

    from tutor.base.errors import TutorError

    shell = get_ipython()
    if getattr(shell, "_tutor_one_line_errors", False):
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        print(f"error: {getattr(value, 'message', value)}", file=sys.stderr)

    shell.set_custom_exc((TutorError,), handler)
    shell._tutor_one_line_errors = True


class Progress:
    """Training progress redrawn in place in a notebook: one bar and the latest cost.

    Used as the lesson UI's `training(total, title)` context manager; outside
    IPython it shows nothing.
    """

    def __init__(self, total: int, title: str) -> None:
        self.total = max(int(total), 1)
        self.title = title
        self.costs: list[float] = []
        self.handle = None
        self.last = 0.0

    def _render(self) -> Rich:
        from rich.progress_bar import ProgressBar
        from rich.text import Text

        done = max(len(self.costs) - 1, 0)
        head = Text(f"Training: {self.title}   iteration {done} of {self.total}", style="bold")
        if self.costs:
            head.append(f"   cost {self.costs[-1]:.6f}", style="cyan")
        return Rich(head, ProgressBar(total=self.total, completed=done, width=40))

    def update(self, record) -> bool:
        import time

        self.costs.append(float(record.cost))
        now = time.monotonic()
        if self.handle is not None and (now - self.last > 0.2 or len(self.costs) - 1 >= self.total):
            self.handle.update(self._render())
            self.last = now
        return False  # never asks the optimizer to stop

    def __enter__(self) -> Progress:
        if in_ipython():
            from IPython.display import display

            self.handle = display(self._render(), display_id=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.update(self._render())


class NotebookUI:
    """The little of the runner's UI a lesson run in a notebook uses: live training."""

    def training(self, total: int, title: str) -> Progress:
        return Progress(total, title)
