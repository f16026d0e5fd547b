"""Recorded lessons as handout formats: Markdown, plain text, an HTML page, an SVG picture."""

from __future__ import annotations

import html
import re

from rich.console import Console

from tutor.handouts.record import WIDTH, RecordedLesson, body_without_header, colour_console_kwargs
from tutor.render.styles import PAPER_THEME

# -------------------------------------------------------------- formats


def _fence(text: str) -> str:
    fence = "~~~~" if "```" in text else "```"
    return f"{fence}text\n{text}\n{fence}"


def md_anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", text.lower()).strip().replace(" ", "-")


def lesson_markdown(rec: RecordedLesson, level: int = 1) -> str:
    h = "#" * level
    parts = [f"{h} {rec.title}", "", f"*{rec.summary}*", ""]
    if rec.intro:
        parts += [_fence(rec.intro), ""]
    for piece in rec.steps:
        heading = f"Step {piece.k} of {piece.N}" + (f": {piece.title}" if piece.title else "")
        body = body_without_header(piece, rec.title)
        parts += [f"{h}# {heading}", ""]
        if body:
            parts += [_fence(body), ""]
    return "\n".join(parts)


def lesson_text(rec: RecordedLesson) -> str:
    parts = [rec.title, rec.summary]
    if rec.intro:
        parts.append(rec.intro)
    for piece in rec.steps:
        parts += ["", "-" * WIDTH, piece.text]
    return "\n".join(parts) + "\n"


_CSS = """
:root { color-scheme: light; }
body { background: #ffffff; color: #1a1a1a; margin: 2rem auto; max-width: 66rem; padding: 0 1rem;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2.lesson { font-size: 1.4rem; margin: 2.5rem 0 .3rem; border-bottom: 2px solid #ddd; }
p.summary { font-style: italic; margin: 0 0 1rem; color: #333; }
p.meta { color: #666; font-size: .85rem; }
nav.toc ol { padding-left: 1.4rem; } nav.toc li { margin: .2rem 0; }
nav.toc a { color: #1e50aa; text-decoration: none; } nav.toc span { color: #555; }
pre.term { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, "Courier New", monospace;
           font-size: 13px; line-height: 1.15; white-space: pre; overflow-x: auto; margin: 0;
           background: #ffffff; color: #1a1a1a; }
section.step { border: 1px solid #d8d8d8; border-radius: 4px; padding: .8rem 1rem; margin: 1rem 0; }
pre.intro { color: #555; font-size: 12px; margin-bottom: 1rem; }
/* A glyph the monospace font lacks would come from a wider fallback font and
   push the rest of its line out of its columns: hold it to one cell. */
pre.term .cell { display: inline-block; width: 1ch; overflow: hidden; vertical-align: bottom; }
@page { size: A4; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  section.step { break-before: page; page-break-before: always; border: none; padding: 0; margin: 0; }
  section.step:first-of-type { break-before: auto; page-break-before: auto; }
  article.lesson { break-before: page; page-break-before: always; }
  article.lesson:first-of-type { break-before: auto; page-break-before: auto; }
  nav.toc { break-after: page; page-break-after: always; }
  pre.term { font-size: 7.5pt; overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


def html_page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def lesson_html(rec: RecordedLesson, heading: str = "h1") -> str:
    cls = ' class="lesson"' if heading != "h1" else ""
    parts = [
        f'<article class="lesson" id="lesson-{html.escape(rec.id)}">',
        f"<{heading}{cls}>{html.escape(rec.title)}</{heading}>",
        f'<p class="summary">{html.escape(rec.summary)}</p>',
    ]
    if rec.intro:
        parts.append(f'<pre class="term intro">{html.escape(rec.intro)}</pre>')
    for piece in rec.steps:
        label = f"Step {piece.k} of {piece.N}" + (f": {piece.title}" if piece.title else "")
        parts.append(
            f'<section class="step" id="{html.escape(rec.id)}-step-{piece.k}" aria-label="{html.escape(label)}">'
            f'<pre class="term">{_hold_cells(piece.body.strip(chr(10)))}</pre></section>'
        )
    parts.append("</article>")
    return "\n".join(parts)


# Characters the views draw that common monospace fonts (DejaVu Sans Mono
# among them) do not have.
_FALLBACK_GLYPHS = "⋮"


def _hold_cells(code: str) -> str:
    for ch in _FALLBACK_GLYPHS:
        code = code.replace(ch, f'<span class="cell">{ch}</span>')
    return code


def _svg_format() -> str:
    """rich's SVG template without its web fonts: a handout must open offline."""
    from rich.console import CONSOLE_SVG_FORMAT

    fmt = re.sub(r"@font-face \{\{.*?\}\}\s*", "", CONSOLE_SVG_FORMAT, flags=re.S)
    return fmt.replace("font-family: Fira Code, monospace;",
                       'font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;')


def lesson_svg(lesson, *, answers: bool, notes: bool, settings: dict) -> tuple[str, list[str]]:
    from tutor.lessons.runner import render_lesson

    console = Console(record=True, **colour_console_kwargs())
    session = render_lesson(lesson, console, answers=answers, notes=notes, settings=settings)
    svg = console.export_svg(title=lesson.title, theme=PAPER_THEME, code_format=_svg_format())
    return svg, session.describe_problems()


def course_html(title: str, records: list[RecordedLesson]) -> str:
    items = "\n".join(
        f'<li><a href="#lesson-{html.escape(r.id)}">{html.escape(r.title)}</a> '
        f"<span>({len(r.steps)} steps) {html.escape(r.summary)}</span></li>"
        for r in records
    )
    toc = f'<nav class="toc"><h1>{html.escape(title)}</h1>\n<h2>Contents</h2>\n<ol>\n{items}\n</ol></nav>'
    return toc + "\n" + "\n".join(lesson_html(r, heading="h2") for r in records)


def course_markdown(title: str, records: list[RecordedLesson]) -> str:
    toc = [f"# {title}", "", "## Contents", ""]
    toc += [f"{i}. [{r.title}](#{md_anchor(r.title)}) ({len(r.steps)} steps)" for i, r in enumerate(records, 1)]
    return "\n".join(toc) + "\n\n" + "\n".join(lesson_markdown(r, level=2) for r in records)


def course_text(title: str, records: list[RecordedLesson]) -> str:
    toc = [title, "", "Contents"]
    toc += [f"  {i}. {r.title} ({len(r.steps)} steps)" for i, r in enumerate(records, 1)]
    sep = "\n" + "=" * WIDTH + "\n"
    return "\n".join(toc) + "\n" + sep + sep.join(lesson_text(r) for r in records)
