"""The runner's three faces: RichUI (a terminal), PlainUI (pipes, screen readers), RecordingUI (tests, exports).

Each implements the same small interface the runner calls:

    interactive                  True: wait for the learner between steps
    show_step(session, i, out)   draw step i (header, its kept renderables, key help)
    show_more(out)               add renderables below the current step
    read_command(session, i)     'next' | 'back' | 'hint' | 'again' | 'help' | 'quit', or a step's own
                                 command ('write' | 'check' for an exercise; 'more' | 'less' |
                                 'switch' | 'set' for an explore step), passed to step.act
    ask(prompt, empty_ok=False)  a typed answer, or None at end of input; with empty_ok an empty Enter
                                 is a reply ('') rather than ignored (a UI may leave the keyword out:
                                 runner.ask_allowing_empty checks)
    reads_answers                True: a pipe whose lines answer the questions in order
    message(text)                one line for the learner
    show_help(rows)              the keys
    training(total, title)       context manager whose .update(record) shows live progress
    finish(session)              after the last step
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import sys
import time
from typing import Any

from rich.console import Console, Group
from rich.text import Text

from tutor.lessons.context import rule as _rule

KEYS = {
    "\r": "next", "\n": "next", "n": "next", " ": "next", "N": "next",
    "b": "back", "B": "back", "p": "back",
    "h": "hint", "H": "hint",
    "r": "again", "R": "again",
    "?": "help",
    "q": "quit", "Q": "quit", "\x04": "quit",
    "\x1b[C": "next", "\x1b[D": "back",  # arrow keys
    "w": "write", "c": "check",  # on an exercise step: write the file to fill in, check it
    # on an explore step: turn the selected value, pick another, type one
    "+": "more", "=": "more", "\x1b[A": "more", "-": "less", "_": "less", "\x1b[B": "less",
    "\t": "switch", "s": "set",
    # the arrows as a terminal in application cursor mode sends them
    "\x1bOA": "more", "\x1bOB": "less", "\x1bOC": "next", "\x1bOD": "back",
}
WORDS = {"": "next", "next": "next", "back": "back", "hint": "hint", "again": "again", "help": "help", "quit": "quit",
         "write": "write", "check": "check", "more": "more", "less": "less", "switch": "switch", "set": "set"}


def _key_help(session, i: int | None = None, narrow: bool = False) -> str:
    """The keys under step i: on a step with values to turn (an explore step) its own, the arrows among them."""
    step = session.steps[i] if i is not None else None
    if getattr(step, "takes_arrows", False):
        from tutor.lessons.tui.keys import turn_keys

        return turn_keys(len(step.controls), narrow=narrow)
    if narrow:
        return "n next · b back · h hint · q quit · ? help"
    return "Enter/n next · b back · h hint · r again · ? help · q quit"


class _Base:
    interactive = False

    def __init__(self, console: Console) -> None:
        self.console = console

    def _print_step(self, session, i: int, out: list[Any], *, bar: bool = True) -> None:
        from tutor.lessons.runner import step_header

        self.console.print(step_header(session, i, bar=bar))
        self.console.print()
        for r in out:
            self.console.print(r)

    def show_more(self, out: list[Any]) -> None:
        for r in out:
            self.console.print(r)

    def message(self, text: str) -> None:
        from tutor.lessons.context import SafeText

        self.console.print(SafeText((text, "yellow")))

    def show_help(self, rows) -> None:
        from rich.table import Table

        table = Table(title="Keys", show_header=False, box=None, padding=(0, 2))
        for key, what in rows:
            table.add_row(Text(key, style="bold"), what)
        self.console.print(table)

    def training(self, total: int, title: str):
        from tutor.lessons.context import Unwatched

        return contextlib.nullcontext(Unwatched())

    def finish(self, session) -> None:
        pass


class RecordingUI(_Base):
    """Keeps what each step showed; optionally plays a script of keys and answers.

    keys: None for a headless run (every step in order, nothing asked), or a
    list of strings consumed in order by read_command (single keys as in
    KEYS, or words) and ask (typed answers). When the script runs out, the
    learner 'quits'.
    """

    def __init__(self, console: Console | None = None, *, width: int = 100, keys: list[str] | None = None) -> None:
        super().__init__(console or Console(file=io.StringIO(), width=width, record=True, color_system=None))
        self.keys = list(keys) if keys is not None else None
        self.interactive = keys is not None
        self.pages: list[tuple[int, list[Any]]] = []  # (step index, renderables) per show_step
        self.messages: list[str] = []
        self.asked: list[str] = []

    def show_step(self, session, i: int, out: list[Any]) -> None:
        self.pages.append((i, list(out)))
        self.console.print()
        self._print_step(session, i, out, bar=False)

    def read_command(self, session, i: int) -> str:
        if not self.keys:
            return "quit"
        key = self.keys.pop(0)
        return KEYS.get(key) or WORDS.get(key.strip().lower(), "help")

    def ask(self, prompt: str, empty_ok: bool = False) -> str | None:
        self.asked.append(prompt)
        if not self.keys:
            return None
        return self.keys.pop(0)

    def message(self, text: str) -> None:
        self.messages.append(text)
        super().message(text)

    def text(self) -> str:
        """Everything printed so far, as plain text."""
        return self.console.export_text(clear=False)


class PlainUI(_Base):
    """No colour, no screen clearing, no live updates: a transcript that reads top to bottom.

    interactive: wait for Enter between steps (line input); False in a pipe,
    where every step is printed in order without waiting.
    """

    def __init__(self, console: Console, *, interactive: bool = False, auto: float | None = None,
                 reads_answers: bool = False) -> None:
        super().__init__(console)
        self.interactive = interactive
        self.auto = auto
        self.reads_answers = reads_answers and not interactive

    def show_step(self, session, i: int, out: list[Any]) -> None:
        self.console.print()
        self.console.print(_rule(self.console))
        self._print_step(session, i, out, bar=False)

    def read_command(self, session, i: int) -> str:
        if self.auto is not None:
            time.sleep(self.auto)
            return "next"
        if getattr(session.steps[i], "takes_arrows", False):  # one line a change: a key (or word), then Enter
            keys = "+ or - (or an arrow up or down) then Enter changes the value, s types one"
            if len(session.steps[i].controls) > 1:
                keys += ", Tab picks another"
            self.console.print(Text(f"{keys}; [Enter] next, b back, ? help, q quit", style="dim"))
        else:
            self.console.print(Text("[Enter] next, b back, h hint, r again, ? help, q quit", style="dim"))
        try:
            line = input("> ")
        except (EOFError, OSError):
            return "quit"
        typed = line.strip(" \r\n")
        if typed in KEYS:  # a key alone on the line: Tab and an arrow's escape sequence too (strip() drops Tab)
            return KEYS[typed]
        word = line.strip().lower()
        return WORDS.get(word) or KEYS.get(word[:1], "help")

    def ask(self, prompt: str, empty_ok: bool = False) -> str | None:
        try:
            line = input(f"{prompt}: ")
        except (EOFError, OSError):  # end of input, or a stdin that cannot be read (closed, captured)
            if self.reads_answers:
                self.console.print()  # end the prompt's line
            return None
        if self.reads_answers:
            self.console.print(line)  # a pipe does not echo: keep the transcript readable
        return line

    def finish(self, session) -> None:
        self.console.print()
        self.console.print(Text(f"End of the lesson {session.lesson.id}.", style="bold"))


def training_progress(title: str, total: int, costs: list[float], *, line_after_bar: bool = False) -> Group:
    """A training run as it goes: iteration k of N and the cost, a bar, and the cost curve so far.

    line_after_bar: an empty line after the bar (a full-screen pane, where a bar ends no line of its own).
    """
    from rich.progress_bar import ProgressBar

    from tutor.lessons.views import find_renderer

    done = max(len(costs) - 1, 0)
    head = Text(f"Training: {title}   iteration {done} of {total}", style="bold")
    if costs:
        head.append(f"   cost {costs[-1]:.6f}", style="cyan")
    parts: list[Any] = [head, ProgressBar(total=total, completed=done, width=40)]
    if line_after_bar:
        parts.append(Text(""))
    curve = find_renderer("CostCurve")
    if curve is not None and len(costs) > 1:
        parts.append(curve(list(costs), height=8))
    return Group(*parts)


class _Live:
    """Progress and cost curve redrawn while training runs."""

    def __init__(self, console: Console, total: int, title: str) -> None:
        from rich.live import Live

        self.total = max(int(total), 1)
        self.title = title
        self.costs: list[float] = []
        self.console = console
        self.live = Live(self._render(), console=console, refresh_per_second=8, transient=True)
        self.last = 0.0

    def _render(self):
        return training_progress(self.title, self.total, self.costs)

    def update(self, record) -> bool:
        self.costs.append(record.cost)
        now = time.monotonic()
        if now - self.last > 0.1 or len(self.costs) - 1 >= self.total:
            self.live.update(self._render())
            self.last = now
        return False

    def __enter__(self):
        self.live.__enter__()
        return self

    def __exit__(self, *exc):
        return self.live.__exit__(*exc)


class RichUI(_Base):
    """The interactive terminal: one step per screen, single keys, live training.

    auto: seconds to wait before advancing by itself (None: wait for a key);
    any key pauses an automatic run, and `a` resumes it.
    """

    interactive = True

    def __init__(self, console: Console, *, auto: float | None = None, clear: bool = True) -> None:
        super().__init__(console)
        self.auto = auto
        self.paused = False
        self.clear = clear and auto != 0

    notice: str | None = None  # said once under the first screen (e.g. "Resuming at step 6")

    def show_step(self, session, i: int, out: list[Any]) -> None:
        if self.clear:
            self.console.clear()
        else:
            self.console.print(_rule(self.console))
        self._print_step(session, i, out)
        self.console.print()
        if self.notice:
            self.message(self.notice)
            self.notice = None

    def _footer(self, session, i: int | None = None) -> None:
        from tutor.render.symbols import wants_ascii

        if self.auto is not None and not self.paused:
            keys = f"auto: next step in {self.auto:g} s · any key pauses"
        elif self.auto is not None:
            keys = "paused · Enter/n next · b back · a resume auto · q quit"
        else:
            keys = _key_help(session, i, narrow=self.console.width < 60)
        if wants_ascii(self.console):  # spelt out: an ASCII stream would read the dot as `@` (the matrix product)
            keys = keys.replace(" · ", ", ").replace("↑↓", "up/down")
        self.console.print(Text(keys, style="dim"))

    def read_command(self, session, i: int) -> str:
        self._footer(session, i)
        if self.auto is not None and not self.paused:
            key = read_key(timeout=self.auto)
            if key is None:
                return "next"
            self.paused = True
            self.message("Paused. Enter/n: next step, a: resume automatic advance.")
        while True:
            key = read_key()
            if key is None:
                return "quit"
            if key in ("a", "A") and self.auto is not None:
                self.paused = False
                return "next"
            cmd = KEYS.get(key)
            if cmd:
                return cmd
            self.message(f"{key!r} is not a key here; ? shows the keys.")

    def ask(self, prompt: str, empty_ok: bool = False) -> str | None:
        """A typed line; None at end of input. On a terminal an empty Enter does nothing (no new prompt line),
        unless `empty_ok`: then it is the reply ''."""
        self.console.print(Text(f"{prompt}: ", style="bold"), end="")
        self.console.file.flush()
        try:
            line = read_line(self.console.file, empty_ok=empty_ok)
        except EOFError:
            return None
        if line is not None:
            return line
        try:  # not a terminal: an ordinary line of input
            return input()
        except (EOFError, OSError):
            return None

    def type_line(self, prompt: str, text: str) -> None:
        """Demo: type `text` after `prompt` one character at a time, as a learner would."""
        self.console.print(Text(prompt, style="bold"), end="")
        delay = 0.0 if self.auto == 0 else 0.03
        for ch in text:
            self.console.print(Text(ch, style="bold cyan"), end="")
            if delay:
                time.sleep(delay)
        self.console.print()

    def training(self, total: int, title: str):
        return _Live(self.console, total, title)

    def finish(self, session) -> None:
        self.console.print()
        self.console.print(Text("You reached the end of this lesson.", style="bold green"))


# -- reading keys -------------------------------------------------------------------------


def read_line(out, *, empty_ok: bool = False) -> str | None:
    """A line typed on the terminal, edited and echoed here; None when stdin is not a terminal.

    Runs in cbreak mode without echo, so an Enter on an empty line is simply
    ignored (nothing scrolls, the prompt stays where it is), however fast it
    is pressed; with `empty_ok` it is a reply, ''. Backspace deletes, Ctrl-U clears the line, arrow keys are
    ignored, Ctrl-D on an empty line is end of input (raises EOFError), and
    Ctrl-C still interrupts.
    """
    try:
        fd = sys.stdin.fileno()
        if not os.isatty(fd):
            return None
        import termios
        import tty
    except (AttributeError, OSError, ValueError, ImportError):
        return None
    old = termios.tcgetattr(fd)
    chars: list[str] = []

    def echo(text: str) -> None:
        out.write(text)
        out.flush()

    try:
        tty.setcbreak(fd, termios.TCSANOW)
        while True:
            ch = os.read(fd, 1).decode("utf-8", "replace")
            if ch in ("\r", "\n"):
                if "".join(chars).strip() or empty_ok:
                    echo("\n")
                    return "".join(chars)
                continue  # empty Enter: nothing to do
            if ch == "\x04":
                if not chars:
                    echo("\n")
                    raise EOFError
                continue
            if ch in ("\x7f", "\b"):
                if chars:
                    chars.pop()
                    echo("\b \b")
                continue
            if ch == "\x15":  # Ctrl-U
                echo("\b \b" * len(chars))
                chars.clear()
                continue
            if ch == "\x1b":  # an escape sequence (arrow keys): read it and ignore it
                ready, _, _ = select.select([fd], [], [], 0.05)
                if ready:
                    os.read(fd, 2)
                continue
            if ch.isprintable():
                chars.append(ch)
                echo(ch)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def read_key(timeout: float | None = None) -> str | None:
    """One key press (arrow keys as escape sequences), or None on timeout / end of input.

    On a terminal, reads in cbreak mode (no Enter needed, Ctrl-C still
    interrupts); elsewhere falls back to reading a line.
    """
    try:
        fd = sys.stdin.fileno()
        is_tty = os.isatty(fd)
    except (AttributeError, OSError, ValueError):  # a test runner's stdin has no file descriptor
        fd, is_tty = None, False
    if not is_tty:
        if timeout is not None:
            time.sleep(timeout)
            return None
        line = sys.stdin.readline()
        if not line:
            return None
        return line.strip()[:1] or "\n"
    try:
        import termios
        import tty
    except ImportError:  # pragma: no cover - Windows
        line = input()
        return line.strip()[:1] or "\n"
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # TCSAFLUSH would drop keys typed ahead
        if timeout is not None:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                return None
        ch = os.read(fd, 1).decode("utf-8", "replace")
        if ch == "\x1b":
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                ch += os.read(fd, 2).decode("utf-8", "replace")
        return ch
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)
