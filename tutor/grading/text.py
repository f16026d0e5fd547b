"""Learner text made safe to show: control characters escaped, rich output flattened.

Anything a submission controls (what it printed, exception messages, its file
and folder names) can hold terminal escapes or bidi overrides. Every writer
passes such text through `safe` before it reaches a file or a terminal.
"""

from __future__ import annotations

import io
import re

# C0/C1 controls except newline and tab, DEL, and the bidi overrides/isolates
# that can make source read differently from what runs.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def _escape(match: re.Match) -> str:
    ch = match.group(0)
    if ch == "\r":
        return "\\r"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str, *, newlines: bool = True) -> str:
    """text with control characters shown as escapes (\\x1b, \\r, \\u202e).

    newlines=False also escapes newlines and tabs (for one-line fields: names, CSV cells).
    """
    text = _UNSAFE.sub(_escape, str(text))
    if not newlines:
        text = text.replace("\n", "\\n").replace("\t", "\\t")
    return text


def plain(renderable, width: int = 100) -> str:
    """A rich renderable as plain text (no colour, no escape codes)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, no_color=True,
                      highlight=False, emoji=False, legacy_windows=False, soft_wrap=False)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()).strip("\n") + "\n"
