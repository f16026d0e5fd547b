"""Lesson prose drawn without a Markdown parser (tutor.render.prose) looks exactly as rich's Markdown.

The comparison is cell by cell: every character of every line with its
style, so a difference in wrapping, spacing, bullets or colour fails, while
how rich happens to cut a line into segments does not matter.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.markdown import Markdown

from tutor.render.prose import Prose, parse, prose
from tutor.render.symbols import plain

REPO = Path(__file__).resolve().parent.parent
WIDTHS = (24, 50, 100)


def _cells(renderable, width: int, color: bool = True):
    console = Console(file=io.StringIO(), width=width, color_system="truecolor" if color else None,
                      force_terminal=color, legacy_windows=False)
    lines = console.render_lines(renderable, console.options, pad=False)
    return [[(ch, seg.style) for seg in line for ch in seg.text] for line in lines]


def _same_as_rich(text: str) -> None:
    blocks = parse(text)
    assert blocks is not None, text
    for width in WIDTHS:
        for color in (True, False):
            assert _cells(Prose(blocks), width, color) == _cells(Markdown(text), width, color), (width, color, text)


READ_HERE = [
    "One paragraph.",
    "Two lines\nof one paragraph, and a third\nline.",
    "*em*, **strong**, `code`, and **strong with `code` and *em* inside**.",
    "We ask *if I nudge it, how fast?* There.",
    "Punctuation around: (*a*), **b**: `c`; 2 * 3 = 6, x_i and nn_cost_function.",
    "`  spaced code  ` and `a\ncode span over a line`.",
    "First.\n\nSecond paragraph.\n\n\nThird after two blank lines.",
    "- one\n- two, which is long enough to wrap at the narrowest width we draw\n- three",
    "- an item\n  that goes on, indented",
    "Before.\n\n1. one\n2. two\n3. three\n\nAfter.",
    "9. nine\n10. ten",
    "Code:\n\n```\nDelta1 += delta2 · a1ᵀ\n    indented = True\n```\n\nAfter the code.",
    "```\nfirst block only\n```",
    "y = a*x + b stays as it is.",
    "So does an unmatched *star.",
    "λ = {lambda} and ||num - ana|| / ||num + ana|| < 1e-9, h - y ≈ 0.",
]


@pytest.mark.parametrize("text", READ_HERE)
def test_what_is_read_here_is_drawn_as_rich_draws_it(text):
    _same_as_rich(text)
    _same_as_rich(plain(text))  # the ASCII spelling LessonText uses on ASCII streams


LEFT_TO_RICH = [
    "# A heading",
    "Title\n=====",
    "> a quote",
    "a [link](https://example.org)",
    "an escaped \\*star\\*",
    "&amp; an entity",
    "<b>html</b>",
    "~~struck~~",
    "_underscored emphasis_",
    "intra*word*emphasis",
    "***both***",
    "- a\n\n- b",
    "- a\n  - nested",
    "- - a list in the item",
    "- a\nlazy continuation",
    "Text\n- a list right under a paragraph",
    "+ plus bullets",
    "* star bullets",
    "---",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "```python\ncode with a language\n```",
    "```\nnever closed",
    "    indented code",
    "hard break  \nafter two spaces",
    "tab\there",
]


@pytest.mark.parametrize("text", LEFT_TO_RICH)
def test_anything_else_goes_to_rich(text):
    assert parse(text) is None
    assert isinstance(prose(text), Markdown)


def _course_texts(course_dir: Path | None) -> list[str]:
    """Every piece of prose a headless render of each lesson shows (with answers and
    notes), and every hint as the runner words it, with real values filled in."""
    from tutor.course import resolve_course
    from tutor.lessons import context
    from tutor.lessons.loader import find_lesson
    from tutor.lessons.runner import render_lesson

    seen: list[str] = []
    original = context.LessonText.__init__

    def record(self, text):
        seen.append(text)
        original(self, text)

    course = resolve_course(str(course_dir) if course_dir else None)
    context.LessonText.__init__ = record
    try:
        for lesson_id in course.lesson_ids():
            lesson = find_lesson(lesson_id, course)
            console = Console(file=io.StringIO(), width=100, color_system=None)
            session = render_lesson(lesson, console, answers=True, notes=True)
            for step in lesson.steps:
                hints = getattr(step, "hints", ()) or ()
                seen.extend(f"**Hint {k + 1} of {len(hints)}:** {session.ctx.fill(h)}" for k, h in enumerate(hints))
    finally:
        context.LessonText.__init__ = original
    return seen


@pytest.mark.parametrize("course_dir", [None, REPO / "courses" / "logistic-regression"], ids=["digits", "logistic"])
def test_every_text_of_the_bundled_courses_is_read_here_and_drawn_as_rich_draws_it(course_dir):
    # Read here, every lesson page is drawn without importing markdown-it and
    # pygments (tests/test_startup.py checks the imports of a whole export).
    texts = _course_texts(course_dir)
    assert len(texts) > 50
    for text in dict.fromkeys(texts):
        _same_as_rich(text)
        _same_as_rich(plain(text))
