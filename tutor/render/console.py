"""The consoles a front end prints to, and failing with one clean line.

Front ends (the commands, a course plugin's commands) own their consoles;
renderers never print. Two rules hold for all of them: user errors end in one
`error: <sentence>` line on stderr and exit code 2, never a traceback; and
output honours NO_COLOR and `--plain` (no colour, ASCII only) so it reads
well in pipes, logs and screen readers.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from rich.console import Console

# rich is imported when the first console is made, not with this module:
# `tutor check` starts its sandbox first, and a sandbox that starts 25 ms
# sooner is ready sooner (PlainConsole is made on first use, below).
# Nothing here imports typer: `tutor` alone, `tutor lessons` and the commands
# with a plain command line run without the typer app (see tutor.cli), so
# neither this module nor the command modules the fast path imports pull it in.

# Set by a root `--plain` option (or TUTOR_PLAIN=1) for the whole process.
_PLAIN = False


def set_plain(plain: bool) -> None:
    """Switch every console made afterwards to plain output."""
    global _PLAIN
    _PLAIN = bool(plain)


def is_plain(plain: bool | None = None) -> bool:
    """True when output should be plain: the argument, `set_plain`, or TUTOR_PLAIN."""
    if plain:
        return True
    return _PLAIN or os.environ.get("TUTOR_PLAIN", "") not in ("", "0")


def echo(message: str = "", err: bool = False) -> None:
    """Print one line to stdout (stderr with err=True) and flush it, as typer.echo does.

    On a terminal the line is wrapped at word boundaries to the window's
    width (a terminal would break it mid-word); in a pipe it stays one line.
    """
    stream = sys.stderr if err else sys.stdout
    if message and _is_terminal(stream):
        message = wrap_words(message, _columns())
    stream.write(f"{message}\n")
    stream.flush()


def wrap_words(text: str, width: int) -> str:
    """`text` with each of its lines broken at spaces into lines of at most `width` characters."""
    import textwrap

    return "\n".join(textwrap.fill(line, width=max(width, 20), break_long_words=False, break_on_hyphens=False)
                     or line for line in text.split("\n"))


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _columns() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns - 1  # the last column: some terminals wrap there


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `error: message` to stderr and leave the command with `code`.

    SystemExit rather than typer.Exit, so that failing needs no typer: the
    app lets it through (tutor.cli and typer's test runner both end with its
    code), and the fast path has no app to ask.
    """
    echo(f"error: {message}", err=True)
    raise SystemExit(code)


def _plain_console_class():
    from rich.console import Console

    class PlainConsole(Console):
        """A console that reports an ASCII encoding, so renderers take their
        ASCII fallbacks (`options.ascii_only`) and boxes use + - |."""

        @property
        def encoding(self) -> str:
            return "ascii"

    PlainConsole.__module__, PlainConsole.__qualname__ = __name__, "PlainConsole"
    globals()["PlainConsole"] = PlainConsole
    return PlainConsole


def __getattr__(name: str):
    if name == "PlainConsole":  # made once, on first use (it subclasses rich's Console)
        return _plain_console_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _console(file, plain: bool | None, **kwargs) -> Console:
    if is_plain(plain):
        kwargs.setdefault("highlight", False)
        kwargs.setdefault("emoji", False)
        plain_console = globals().get("PlainConsole") or _plain_console_class()
        return plain_console(file=file, no_color=True, color_system=None, **kwargs)
    from rich.console import Console

    # rich itself honours NO_COLOR; saying it here keeps that explicit.
    return Console(file=file, no_color="NO_COLOR" in os.environ or None, **kwargs)


def stdout_console(plain: bool | None = None, **kwargs) -> Console:
    """A console on stdout, for the command's output."""
    return _console(sys.stdout, plain, **kwargs)


def stderr_console(plain: bool | None = None, **kwargs) -> Console:
    """A console on stderr, for progress and warnings (stdout stays clean for --json)."""
    return _console(sys.stderr, plain, **kwargs)


def console(plain: bool | None = None, **kwargs) -> Console:
    """The command's output console (same as `stdout_console`)."""
    return stdout_console(plain, **kwargs)
