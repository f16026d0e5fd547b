"""Handouts: whole lessons rendered by the lesson engine into files.

The engine's `render_lesson` prints a lesson, step after step, into a console
we give it. Here that console records, and is cut into one piece per step by
the engine's `on_step` hook, called before each step, so every format can give
each step its own place: a printed page (HTML), a heading (Markdown), a
separator (text). SVG keeps the whole lesson as one terminal picture.

Formats: html (one self-contained page: inline CSS, no fonts or scripts from
elsewhere), svg, md, txt. `--all` writes the whole course into one file with
a table of contents (a folder of SVGs for svg).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.terminal_theme import TerminalTheme

from tutor.base.errors import TutorError

WIDTH = 100  # columns: fits an A4 page at 8 pt and a laptop browser

# Terminal colours remapped for paper: a white page, and no colour light
# enough to vanish on it (the usual bright yellow and cyan would).
# ANSI black becomes a pale grey: on paper it is only ever used as a
# background (inline code is "cyan on black"), and a black bar wastes ink.
PAPER_THEME = TerminalTheme(
    (255, 255, 255),
    (26, 26, 26),
    [
        (236, 236, 236), (178, 34, 34), (0, 120, 40), (150, 100, 0),
        (30, 80, 170), (140, 40, 140), (0, 120, 130), (90, 90, 90),
    ],
    [
        (80, 80, 80), (200, 40, 40), (20, 140, 60), (160, 110, 0),
        (40, 100, 200), (160, 50, 160), (0, 130, 150), (60, 60, 60),
    ],
)


@dataclass
class StepPiece:
    """One step as recorded: its number, title and the recorded body."""

    k: int
    N: int
    title: str
    body: str  # an HTML fragment (spans) or plain text, per format
    text: str  # always the plain text (for headings and checks)


@dataclass
class RecordedLesson:
    id: str
    title: str
    summary: str
    intro: str  # what the engine prints before step 1 (data and weights used)
    steps: list[StepPiece] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _StepCutter(Console):
    """A recording console cut into pieces: the opening, then one per step.

    `render_lesson` calls its `on_step` hook just before each step; `cut` is
    that hook. Each format marks the step boundary its own way.
    """

    def __init__(self, cut: Callable[[Console], tuple[str, str]], **kwargs) -> None:
        super().__init__(record=True, **kwargs)
        self._cut = cut
        self.pieces: list[tuple[str, str]] = []

    def cut(self, _step: int | None = None) -> None:
        self.pieces.append(self._cut(self))

    def finish(self) -> list[tuple[str, str]]:
        self.pieces.append(self._cut(self))
        return self.pieces


def _colour_console_kwargs() -> dict:
    # A handout is a file, not this terminal: colour is forced on, whatever
    # NO_COLOR or TERM say, so every reader sees the same page.
    return dict(file=io.StringIO(), width=WIDTH, force_terminal=True, color_system="truecolor", no_color=False,
                legacy_windows=False, force_jupyter=False, emoji=False)


def _plain_console_kwargs() -> dict:
    return dict(file=io.StringIO(), width=WIDTH, force_terminal=False, color_system=None, no_color=True,
                legacy_windows=False, force_jupyter=False, emoji=False)


def _cut_html(c: Console) -> tuple[str, str]:
    text = c.export_text(clear=False)
    return c.export_html(clear=True, theme=PAPER_THEME, inline_styles=True, code_format="{code}"), text


def _cut_text(c: Console) -> tuple[str, str]:
    text = _tidy(c.export_text(clear=True))
    return text, text


def _tidy(text: str) -> str:
    """No trailing spaces, no blank lines at either end."""
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


# ------------------------------------------------------------ recording


def _settings_for(lesson, settings: list[str], strict: bool) -> dict:
    """`--set` strings typed by the lesson's declared parameters.

    strict (one lesson): a parameter the lesson does not declare is an error.
    Otherwise (--all) each lesson takes only the parameters it declares.
    """
    from tutor.lessons.params import parse_set_options

    params = lesson.setup.params
    if not strict:
        settings = [s for s in settings if s.partition("=")[0].strip() in params]
    return parse_set_options(settings, params, lesson_id=lesson.id)


def record_lesson(lesson, fmt: str, *, answers: bool, notes: bool, settings: dict) -> RecordedLesson:
    """Run `lesson` headless through the engine and cut its output per step."""
    from tutor.lessons.runner import render_lesson

    cut = _cut_html if fmt == "html" else _cut_text
    kwargs = _colour_console_kwargs() if fmt == "html" else _plain_console_kwargs()
    console = _StepCutter(cut, **kwargs)
    session = render_lesson(lesson, console, answers=answers, notes=notes, settings=settings, on_step=console.cut)
    pieces = console.finish()
    intro, steps = pieces[0], pieces[1:]
    if len(steps) != session.N:
        raise TutorError(f"could not split lesson {lesson.id!r} into its {session.N} steps for export")
    out = RecordedLesson(lesson.id, lesson.title, lesson.summary, _intro_text(intro[1], lesson))
    for k, ((body, text), step) in enumerate(zip(steps, session.steps), start=1):
        out.steps.append(StepPiece(k, session.N, step.title or "", body, _tidy(text)))
    out.problems = session.describe_problems()
    return out


def _intro_text(text: str, lesson) -> str:
    """The engine's opening lines minus the title and summary (set as headings here).

    They may wrap over several lines, so they are matched word by word; if the
    opening is not exactly them, nothing is dropped.
    """
    lines = _tidy(text).splitlines()
    expected = f"{lesson.title} {lesson.summary}".split()
    words: list[str] = []
    for i, line in enumerate(lines):
        words += line.split()
        if words == expected:
            return "\n".join(lines[i + 1:]).strip("\n")
        if words != expected[: len(words)]:
            break
    return "\n".join(lines)


def _body_without_header(piece: StepPiece, lesson_title: str) -> str:
    """The step's text minus the header lines a Markdown heading replaces.

    The engine heads each step with the lesson title, `Step k of N`, an
    optional `with ...` line of values in force and the step title. Only lines
    that are exactly those are dropped, so nothing else can be lost.
    """
    lines = piece.text.splitlines()
    i = 0
    if i < len(lines) and lines[i].strip() == lesson_title.strip():
        i += 1
    if i < len(lines) and lines[i].strip() == f"Step {piece.k} of {piece.N}":
        i += 1
    else:
        return piece.text
    keep_with = []
    if i < len(lines) and lines[i].startswith("with "):
        keep_with = [lines[i]]
        i += 1
    if piece.title and i < len(lines) and lines[i].strip() == piece.title.strip():
        i += 1
    return "\n".join(keep_with + lines[i:]).strip("\n")


# -------------------------------------------------------------- formats


def _fence(text: str) -> str:
    fence = "~~~~" if "```" in text else "```"
    return f"{fence}text\n{text}\n{fence}"


def _md_anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", text.lower()).strip().replace(" ", "-")


def lesson_markdown(rec: RecordedLesson, level: int = 1) -> str:
    h = "#" * level
    parts = [f"{h} {rec.title}", "", f"*{rec.summary}*", ""]
    if rec.intro:
        parts += [_fence(rec.intro), ""]
    for piece in rec.steps:
        heading = f"Step {piece.k} of {piece.N}" + (f": {piece.title}" if piece.title else "")
        body = _body_without_header(piece, rec.title)
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


def _html_page(title: str, body: str) -> str:
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

    console = Console(record=True, **_colour_console_kwargs())
    session = render_lesson(lesson, console, answers=answers, notes=notes, settings=settings)
    svg = console.export_svg(title=lesson.title, theme=PAPER_THEME, code_format=_svg_format())
    return svg, session.describe_problems()


# -------------------------------------------------------------- writing


def _write(path: Path, text: str) -> Path:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise TutorError(f"cannot write {str(path)!r}: {err.strerror or err}") from None
    return path


def _check_file_target(path: Path) -> None:
    if path.is_dir():
        raise TutorError(f"{str(path)!r} is a folder; give a file name with -o")
    if not path.parent.is_dir():
        raise TutorError(f"the folder {str(path.parent)!r} does not exist")


def _course_lessons(course=None) -> tuple[str, list]:
    from tutor.course import resolve_course
    from tutor.lessons.loader import find_lesson

    course = course or resolve_course(None)
    title = course.title
    lessons = [find_lesson(i, course) for i in course.lesson_ids() if course.lesson_path(i).is_file()]
    if not lessons:
        raise TutorError("there are no lessons to export")
    return title, lessons


@dataclass
class ExportResult:
    written: list[Path]
    problems: list[str]


def export(
    lesson_id: str | None,
    *,
    all_lessons: bool = False,
    fmt: str = "html",
    output: Path,
    answers: bool = False,
    notes: bool = False,
    settings: list[str] | None = None,
    course=None,
) -> ExportResult:
    """Write the handout for one lesson (or, with all_lessons, the course) to `output`.

    course: a tutor.course.Course (default: the default course).
    """
    from tutor.lessons.loader import find_lesson

    output = Path(output)
    settings = list(settings or [])
    if all_lessons:
        title, lessons = _course_lessons(course) if course is not None else _course_lessons()
        if settings:
            for s in settings:  # each name must mean something to at least one lesson
                name = s.partition("=")[0].strip()
                if not any(name in lesson.setup.params for lesson in lessons):
                    raise TutorError(f"--set {name}: no lesson of the course declares a parameter {name!r}")
    else:
        lessons = [find_lesson(lesson_id, course)]
        title = lessons[0].title
    typed = [_settings_for(lesson, settings, strict=not all_lessons) for lesson in lessons]

    if fmt == "svg":
        return _export_svg(lessons, typed, output, all_lessons, answers, notes)
    if fmt == "ipynb":  # one notebook per lesson, built by tutor.notebook (needs the [notebook] extra)
        from tutor.notebook.build import export_notebooks

        return ExportResult(*export_notebooks(lessons, typed, output, all_lessons=all_lessons, answers=answers, notes=notes))

    _check_file_target(output)
    records = [record_lesson(lesson, fmt, answers=answers, notes=notes, settings=s) for lesson, s in zip(lessons, typed)]
    problems = [f"{r.id}: {p}" for r in records for p in r.problems]
    if fmt == "html":
        text = _html_page(title, _course_html(title, records) if all_lessons else lesson_html(records[0]))
    elif fmt == "md":
        text = _course_markdown(title, records) if all_lessons else lesson_markdown(records[0])
    elif fmt == "txt":
        text = _course_text(title, records) if all_lessons else lesson_text(records[0])
    else:
        raise TutorError(f"unknown format {fmt!r}; choose one of: html, svg, md, txt, ipynb")
    return ExportResult([_write(output, text)], problems)


def _export_svg(lessons, typed, output: Path, all_lessons: bool, answers: bool, notes: bool) -> ExportResult:
    if all_lessons:
        if output.exists() and not output.is_dir():
            raise TutorError(f"--all --format svg writes one file per lesson: give a folder, not {str(output)!r}")
        if not output.parent.is_dir():
            raise TutorError(f"the folder {str(output.parent)!r} does not exist")
        output.mkdir(exist_ok=True)
        targets = [output / f"{lesson.id}.svg" for lesson in lessons]
    else:
        _check_file_target(output)
        targets = [output]
    written, problems = [], []
    for lesson, s, target in zip(lessons, typed, targets):
        svg, found = lesson_svg(lesson, answers=answers, notes=notes, settings=s)
        problems += [f"{lesson.id}: {p}" for p in found]
        written.append(_write(target, svg))
    return ExportResult(written, problems)


def _course_html(title: str, records: list[RecordedLesson]) -> str:
    items = "\n".join(
        f'<li><a href="#lesson-{html.escape(r.id)}">{html.escape(r.title)}</a> '
        f"<span>({len(r.steps)} steps) {html.escape(r.summary)}</span></li>"
        for r in records
    )
    toc = f'<nav class="toc"><h1>{html.escape(title)}</h1>\n<h2>Contents</h2>\n<ol>\n{items}\n</ol></nav>'
    return toc + "\n" + "\n".join(lesson_html(r, heading="h2") for r in records)


def _course_markdown(title: str, records: list[RecordedLesson]) -> str:
    toc = [f"# {title}", "", "## Contents", ""]
    toc += [f"{i}. [{r.title}](#{_md_anchor(r.title)}) ({len(r.steps)} steps)" for i, r in enumerate(records, 1)]
    return "\n".join(toc) + "\n\n" + "\n".join(lesson_markdown(r, level=2) for r in records)


def _course_text(title: str, records: list[RecordedLesson]) -> str:
    toc = [title, "", "Contents"]
    toc += [f"  {i}. {r.title} ({len(r.steps)} steps)" for i, r in enumerate(records, 1)]
    sep = "\n" + "=" * WIDTH + "\n"
    return "\n".join(toc) + "\n" + sep + sep.join(lesson_text(r) for r in records)
