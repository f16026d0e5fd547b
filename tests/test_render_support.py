"""Helpers for the view tests: print a view to an in-memory console.

(No tests here; the test_render_* modules import `show` and `lines`.)
"""

from __future__ import annotations

import io
import re

from rich.console import Console

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def console(width: int = 100, color: bool = False, ascii: bool = False):
    """(Console, reader) writing to memory; ascii: the stream's encoding is ASCII."""
    if ascii:
        buf = io.BytesIO()
        stream = io.TextIOWrapper(buf, encoding="ascii", errors="strict", newline="\n")

        def read():
            stream.flush()
            return buf.getvalue().decode("ascii")
    else:
        stream = io.StringIO()

        def read():
            return stream.getvalue()

    con = Console(file=stream, width=width, color_system="truecolor" if color else None,
                  legacy_windows=False, force_terminal=color, no_color=False)
    return con, read


def show(view, width: int = 100, color: bool = False, ascii: bool = False) -> str:
    """The printed text of `view`, with colour codes removed."""
    con, read = console(width, color, ascii)
    con.print(view)
    return ANSI.sub("", read())


def raw(view, width: int = 100) -> str:
    """The printed text with its truecolor escape codes."""
    con, read = console(width, color=True)
    con.print(view)
    return read()


def lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def assert_fits(text: str, width: int) -> None:
    too_long = [line for line in lines(text) if len(line) > width]
    assert not too_long, f"lines longer than {width}: {too_long}"
