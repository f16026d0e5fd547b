"""The one table of characters the views draw with, and its ASCII twin.

Every view asks `symbols_for(console, options)` once per render and draws
only with what it gets back, so an ASCII-only stream (PYTHONIOENCODING=ascii,
an old terminal) never receives a character it cannot encode. Free text that
comes from lessons (labels such as "λ = 1" or "Θ1ᵀ") goes through `plain`,
which spells Greek letters and arrows out in words when ASCII is required.

`wants_color` answers whether colour will reach the reader at all; when it
will not, views add a word, a bracket or a marker so that nothing is said by
colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass


def _greek() -> dict[str, str]:
    """Every Greek letter spelt as its name: "λ" -> "lambda", "Ω" -> "Omega".

    Whole words keep formulas readable on an ASCII stream: "lambda/(2m)".
    (Unicode spells lambda "LAMDA"; the usual spelling is used instead.)
    """
    import unicodedata

    out = {}
    for code in range(0x391, 0x3CA):
        ch = chr(code)
        name = unicodedata.name(ch, "")
        if not name.startswith("GREEK") or "LETTER" not in name:
            continue
        word = name.split()[-1].lower().replace("lamda", "lambda")
        out[ch] = word if "SMALL" in name else word.capitalize()
    return out


# Characters a view may receive from lesson text, spelt out for ASCII streams.
# The centred dot is the matrix product, so it reads as numpy's `@`: `*` is
# numpy's elementwise product, and a screen reader must not hear the two alike.
# (Lessons write a scalar product as × or by juxtaposition, never with the dot.)
_SPELLED = {
    **_greek(), "Σ": "Sum",
    "ᵀ": "^T", "·": "@", "×": "x", "→": "->", "←": "<-", "⇒": "=>", "…": "...", "⋮": ":",
    "✓": "PASS", "✔": "PASS", "✗": "FAIL", "✘": "FAIL", "≤": "<=", "≥": ">=", "≠": "!=",
    "≈": "~", "±": "+-", "−": "-", "–": "-", "—": "--", "√": "sqrt", "∑": "sum", "∂": "d", "²": "^2",
    "³": "^3", "⁻": "^-", "¹": "1", "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4",
    "ₗ": "l", "ᵢ": "i", "ⱼ": "j", "‖": "||", "“": '"', "”": '"', "‘": "'", "’": "'",
    "│": "|", "─": "-", "┼": "+", "╭": "+", "╮": "+", "╰": "+", "╯": "+",
    "▀": "^", "▄": "_", "█": "#", "░": ".", "▒": ":", "▓": "%", "●": "o", "▲": "^",
}
_TABLE = str.maketrans(_SPELLED)


@dataclass(frozen=True)
class Symbols:
    """The characters of one drawing style (unicode or ASCII)."""

    ascii: bool
    dot: str  # matrix product
    arrow: str  # "gives"
    transpose: str  # superscript T
    times: str  # inside a shape: 5000 x 401 (kept a plain x in both styles)
    ellipsis: str  # skipped columns
    vellipsis: str  # skipped rows
    vbar: str  # table rule between labels and cells
    hbar: str
    cross: str  # where the two rules meet
    tick: str  # decoration before PASS (the word is always printed as well)
    cross_mark: str  # decoration before FAIL
    warn_mark: str  # decoration before WARN
    marker: str  # points at a highlighted row
    upper_half: str  # top pixel in fg colour, bottom pixel in bg colour
    ramp: str  # density ramp, darkest first, for pictures without colour
    lam: str


UNICODE = Symbols(
    ascii=False, dot="·", arrow="→", transpose="ᵀ", times="x", ellipsis="…", vellipsis="⋮",
    vbar="│", hbar="─", cross="┼", tick="✓", cross_mark="✗", warn_mark="!", marker="▸",
    upper_half="▀", ramp=" .:-=+*#%@", lam="λ",
)

ASCII = Symbols(
    ascii=True, dot="@", arrow="->", transpose="^T", times="x", ellipsis="...", vellipsis=":",
    vbar="|", hbar="-", cross="+", tick="", cross_mark="", warn_mark="", marker=">",
    upper_half="#", ramp=" .:-=+*#%@", lam="lambda",
)


def wants_ascii(console, options=None) -> bool:
    """True when the output stream cannot take anything but ASCII."""
    if options is not None and getattr(options, "ascii_only", False):
        return True
    encoding = (getattr(console, "encoding", "utf-8") or "utf-8").lower()
    return not encoding.replace("_", "-").startswith("utf")


def wants_color(console) -> bool:
    """True when colours will actually be shown (not NO_COLOR, not a dumb stream)."""
    return not (getattr(console, "no_color", False) or getattr(console, "color_system", None) is None)


def symbols_for(console, options=None) -> Symbols:
    """The symbol table to draw with on this console."""
    return ASCII if wants_ascii(console, options) else UNICODE


def plain(text: str, ascii: bool = True) -> str:
    """`text` made safe for the stream: known symbols spelt out, others as '?'."""
    if not ascii or text.isascii():
        return text
    spelled = text.translate(_TABLE)
    return spelled.encode("ascii", "replace").decode("ascii")


def text_for(console, options, text: str) -> str:
    """`plain(text)` when this console needs ASCII, the text itself otherwise."""
    return plain(text, wants_ascii(console, options))
