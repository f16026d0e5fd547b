"""Lesson prose as rich renderables, without a Markdown parser for the usual case.

Why: rich's `Markdown` renderable imports markdown-it and, through
rich.syntax, pygments. Together that is about 30 ms of every lesson's start
(`learn`, `demo`, `export`), more than most steps take to compute. Lessons
use a small, plain part of Markdown: paragraphs, `code`, *emphasis* and
**strong** text, `-` and `1.` lists, and fenced code blocks without a
language. `prose(text)` reads that part itself and draws it cell for cell as
`rich.markdown.Markdown` would (tests/test_render_prose.py compares the two
on every text of the bundled courses). Anything else, or anything it is not
sure of, goes to rich's own `Markdown` (imported then), so a course may
still use all of Markdown: headings, links, tables, quotes, nested lists.

The rules of what is read here are deliberately narrower than CommonMark:
where CommonMark would need its subtler rules (a `*` between two letters, an
`_` at a word's edge, a backslash, an entity, a list loosened by blank
lines, a line continuing a list item without its indent), `parse` returns
None and rich's parser decides.
"""

from __future__ import annotations

import re
import unicodedata

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style, StyleStack
from rich.text import Text

# A paragraph's pieces: (text, tags), tags a tuple of "em" / "strong" / "code".
Runs = list[tuple[str, tuple[str, ...]]]

_BULLET = re.compile(r"- +(\S.*)")
_NUMBERED = re.compile(r"(\d{1,9})\. +(\S.*)")
_DEFINITION = re.compile(r"\[[^\]]*\]:")  # [label]: url, which makes [label] a link
_UNDERLINE = re.compile(r"-+|=+")  # under a paragraph line: a heading
_BREAK = re.compile(r"(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,}|=+)")
_TABLE_RULE = re.compile(r"\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?")
# Characters that start a construct read only by rich's parser.
_OTHERS = re.compile(r"\\|&[A-Za-z#]|<[A-Za-z/!?]|~~|\]\(|\]\[")

# Fenced code as rich draws it: its Syntax with the "monokai" theme, whose
# background and plain-text colour these are, padded by one cell all round.
CODE_BACKGROUND = Style(bgcolor="#272822")
CODE_TEXT = Style(color="#f8f8f2", bgcolor="#272822", bold=False, italic=False, underline=False)


def prose(text: str):
    """A renderable for lesson Markdown: drawn here when `parse` reads it, else rich's Markdown."""
    blocks = parse(text)
    if blocks is None:
        from rich.markdown import Markdown

        return Markdown(text)
    return Prose(blocks)


class Prose:
    """Parsed lesson prose (see `parse`), drawn as rich's Markdown draws the same text."""

    def __init__(self, blocks: list[tuple]) -> None:
        self.blocks = blocks

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        options = options.update(height=None)
        base = console.get_style("none", default="none")
        line = Segment.line()
        for n, block in enumerate(self.blocks):
            kind = block[0]
            # rich puts an empty line before every block but the first, and
            # before a list even when it comes first (its items' paragraphs
            # have been seen by then).
            if n or kind in ("ul", "ol"):
                yield line
            if kind == "p":
                yield from console.render(_paragraph(console, base, block[1]), options)
            elif kind == "code":
                yield from console.render(_code(block[1]), options)
            else:
                yield from _list(console, options, base, block)


def _paragraph(console: Console, base: Style, runs: Runs) -> Text:
    stack = StyleStack(base)
    stack.push(console.get_style("markdown.paragraph", default="none"))
    text = Text(justify="left")
    for piece, tags in runs:
        for tag in tags:
            stack.push(console.get_style(f"markdown.{tag}", default="none"))
        text.append(piece, stack.current)
        for _ in tags:
            stack.pop()
    return text


def _code(code: str):
    from rich.padding import Padding

    body = Text(code, style=CODE_TEXT, end="")
    return Padding(body, 1, style=CODE_BACKGROUND, expand=True)


def _list(console: Console, options: ConsoleOptions, base: Style, block: tuple) -> RenderResult:
    kind, start, items = block
    item_style = StyleStack(base)
    item_style.push(console.get_style("markdown.item", default="none"))
    new_line = Segment("\n")
    if kind == "ul":
        width, marker_style = 3, console.get_style("markdown.item.bullet", default="none")
        markers = [" • "] * len(items)
    else:
        last = start + len(items)  # one past the last number, as rich sizes the column
        width, marker_style = len(str(last)) + 2, console.get_style("markdown.item.number", default="none")
        markers = [f"{start + i}".rjust(width - 1) + " " for i in range(len(items))]
    inner = options.update(width=options.max_width - width)
    padding = Segment(" " * width, marker_style)
    for marker, runs in zip(markers, items):
        lines = console.render_lines(_paragraph(console, base, runs), inner, style=item_style.current)
        for i, cells in enumerate(lines):
            yield Segment(marker, marker_style) if i == 0 else padding
            yield from cells
            yield new_line


# -- reading ----------------------------------------------------------------------------


def parse(text: str) -> list[tuple] | None:
    """The blocks of `text`, or None where it uses Markdown beyond what is read here.

    Blocks: ("p", runs), ("code", source), ("ul", 1, [runs, ...]) and
    ("ol", start, [runs, ...]); runs as in `Runs`.
    """
    if "\t" in text or "\r" in text:
        return None
    lines = text.split("\n")
    blocks: list[tuple] = []
    para: list[str] | None = None  # the open paragraph's lines
    items: list[list[str]] | None = None  # the open list's items, each its lines
    kind, start, indent = "", 1, 0  # the open list's kind, first number, content indent
    after_blank_list = ""  # a list just ended by a blank line: its kind

    def close() -> bool:
        nonlocal para, items
        if para is not None:
            runs = _inline("\n".join(para))
            if runs is None:
                return False
            blocks.append(("p", runs))
            para = None
        if items is not None:
            parsed = [_inline("\n".join(item)) for item in items]
            if any(r is None for r in parsed):
                return False
            blocks.append((kind, start, parsed))
            items = None
        return True

    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            if items is not None:
                after_blank_list = kind
            if not close():
                return None
            continue
        if line != line.rstrip():
            return None  # trailing spaces: a hard break, or not
        lead = len(line) - len(line.lstrip(" "))
        s = line[lead:]
        if after_blank_list and (lead or _BULLET.fullmatch(s) or _NUMBERED.fullmatch(s)):
            return None  # a list loosened by blank lines, or an item's second paragraph
        after_blank_list = ""
        if items is not None and lead >= indent:
            if _BULLET.fullmatch(s) or _NUMBERED.fullmatch(s) or s[:2] in ("* ", "+ "):
                return None  # a nested list
            items[-1].append(s)  # the item's text goes on
            continue
        if para is not None and lead >= 4:
            para.append(s)  # indented lines continue a paragraph
            continue
        if (lead >= 4 or s[0] in "#><" or _DEFINITION.match(s) or s[:2] in ("* ", "+ ") or s in ("*", "+")
                or _UNDERLINE.fullmatch(s)):
            return None  # indented code, headings, quotes, html, link definitions, other bullets, underlines
        if line == "```":
            if not close():
                return None
            end = next((j for j in range(i, len(lines)) if lines[j] == "```"), None)
            if end is None:
                return None
            blocks.append(("code", "\n".join(lines[i:end]).rstrip()))
            i = end + 1
            continue
        if s.startswith(("```", "~~~")) or _BREAK.fullmatch(s) or ("|" in s and _TABLE_RULE.fullmatch(s)):
            return None
        bullet, numbered = _BULLET.fullmatch(s), _NUMBERED.fullmatch(s)
        if bullet or numbered:
            if para is not None or lead:
                return None  # a list interrupting a paragraph, or nested
            new_kind = "ul" if bullet else "ol"
            if items is not None and new_kind != kind:
                return None
            if items is None:
                kind, items = new_kind, []
                start = 1 if bullet else int(numbered.group(1))
            found = bullet or numbered
            content = found.group(found.lastindex)
            marker_end = found.start(found.lastindex)
            if marker_end - (1 if bullet else len(numbered.group(1)) + 1) > 4:
                return None  # five spaces or more after the marker: indented code in the item
            if _BULLET.fullmatch(content) or _NUMBERED.fullmatch(content) or content[:2] in ("* ", "+ "):
                return None  # "- - x": a list inside the item
            indent = marker_end
            items.append([content])
            continue
        if items is not None:
            return None  # a line continuing an item without its indent
        if para is None:
            para = []
        para.append(s)
    if not close():
        return None
    return blocks


def _is_punct(c: str) -> bool:
    return unicodedata.category(c)[0] in "PS"


def _inline(s: str) -> Runs | None:
    """A paragraph's text as runs; None where rich's parser must decide.

    Reads `code` spans (single backticks), *em* and **strong** with plain
    delimiters, soft line breaks (drawn as spaces) and literal text.
    """
    if _OTHERS.search(s):
        return None
    pieces = _pieces(s)
    if pieces is None:
        return None
    runs: Runs = []
    buf: list[str] = []
    open_tags: list[str] = []

    def flush() -> None:
        if buf:
            runs.append(("".join(buf), tuple(open_tags)))
            buf.clear()

    for k, (what, value, opens, closes) in enumerate(pieces):
        if what == "text":
            buf.append(value)
        elif what == "break":
            flush()
            runs.append((" ", tuple(open_tags)))  # a soft break, drawn as a space
        elif what == "code":
            flush()
            runs.append((value, tuple(open_tags) + ("code",)))
        else:  # a run of one or two *
            tag = "strong" if len(value) == 2 else "em"
            if closes and open_tags and open_tags[-1] == tag:
                flush()
                open_tags.pop()
            elif opens and tag in open_tags:
                return None
            elif closes and not opens and not open_tags:
                buf.append(value)  # a closer with nothing open (our `.*` in prose): literal
            elif not any(p[0] == "*" and p[3] for p in pieces[k + 1:]) and not (closes and open_tags):
                buf.append(value)  # nothing after it can close it (y = a*x + b): literal
            elif opens and not closes:
                flush()
                open_tags.append(tag)
            else:
                return None
    if open_tags:
        return None
    flush()
    return runs


def _pieces(s: str) -> list[tuple[str, str, bool, bool]] | None:
    """(kind, text, can open, can close) for each piece of a paragraph: "text",
    "break", "code" (its content) or "*" (a delimiter run of one or two)."""
    out: list[tuple[str, str, bool, bool]] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "`":
            end = s.find("`", i + 1)
            if end < 0 or end == i + 1 or s[i + 1:i + 2] == "`":
                return None
            code = s[i + 1:end].replace("\n", " ")
            if code.startswith(" ") and code.endswith(" ") and code.strip():
                code = code[1:-1]
            out.append(("code", code, False, False))
            i = end + 1
            continue
        if c == "\n":
            out.append(("break", " ", False, False))
            i += 1
            continue
        if c not in "*_":
            j = i + 1
            while j < n and s[j] not in "`\n*_":
                j += 1
            out.append(("text", s[i:j], False, False))
            i = j
            continue
        j = i
        while j < n and s[j] == c:
            j += 1
        before = s[i - 1] if i else " "
        after = s[j] if j < n else " "
        if before.isspace() and after.isspace():
            out.append(("text", s[i:j], False, False))  # "2 * 3": not a delimiter
        elif c == "_":
            if not (before.isalnum() and after.isalnum()):
                return None  # emphasis with underscores: rich's parser decides
            out.append(("text", s[i:j], False, False))  # inside a word (nn_cost): literal
        elif j - i > 2 or not (_plain_edge(before) and _plain_edge(after)):
            return None
        else:
            # CommonMark's left- and right-flanking delimiter runs
            opens = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
            closes = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
            out.append(("*", s[i:j], opens, closes))
        i = j
    return out


def _plain_edge(c: str) -> bool:
    """A delimiter's neighbour whose flanking every CommonMark version agrees on."""
    return c.isspace() or c.isascii() or c.isalnum()
