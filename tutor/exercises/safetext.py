"""Text that came from learner code, made safe to show in a terminal, JSON or a grade book.

Control characters (escape sequences that clear the screen, retitle the
terminal or repaint a line with a carriage return), invisible format
characters (right-to-left overrides) and lone surrogates are shown as
escapes such as \\x1b; newlines are kept only where a block of text is shown.
With markup=True the result can also go through rich's markup parser
unchanged.
"""

from __future__ import annotations

import unicodedata


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_text(text, *, newlines: bool = False, markup: bool = False) -> str:
    """text with every control/format character escaped (\\n kept when newlines=True)."""
    if not isinstance(text, str):
        text = str(text)
    out = []
    for ch in text:
        if ch == "\n" and newlines:
            out.append(ch)
        elif ch == "\t":
            out.append("    " if newlines else " ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(_escape(ch))
        else:
            out.append(ch)
    result = "".join(out)
    if markup:
        from rich.markup import escape

        result = escape(result)
    return result
