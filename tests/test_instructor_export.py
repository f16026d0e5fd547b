"""`tutor export`: handouts in html, svg, md and txt, and a real browser's view of one."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tutor.cli import app

runner = CliRunner()

# A tiny lesson on the debug network, so these tests do not depend on the
# curriculum's wording and run in well under a second each.
LESSON = """\
id: {id}
title: {title}
summary: A tiny lesson for the export tests.
setup:
  dataset: debug
  weights: debug
  params:
    lambda:
      type: float
      default: 1.0
      min: 0
      help: Regularization strength.
steps:
  - id: intro
    kind: text
    title: First things
    text: The debug data has {{m}} examples and lambda is {{lambda}}.
    notes: SECRET-NOTE greet the room.
  - id: q
    kind: quiz
    title: A question
    question: How many examples are there?
    answer_type: number
    answer: m
    explain: EXPLAIN-TEXT there are five of them.
  - id: look
    kind: show
    title: The data
    value: X
    view: matrix
"""


def _lesson(folder: Path, lesson_id: str = "handout-test", title: str = "Handout test lesson") -> Path:
    path = folder / f"{lesson_id}.yaml"
    path.write_text(LESSON.format(id=lesson_id, title=title))
    return path


@pytest.fixture
def lesson(tmp_path) -> str:
    return str(_lesson(tmp_path))


def _export(*args) -> None:
    result = runner.invoke(app, ["export", *map(str, args)])
    assert result.exit_code == 0, result.stderr
    return result


def _text_of_html(page: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize("fmt", ["html", "svg", "md", "txt"])
def test_every_step_is_headed_and_answers_and_notes_are_opt_in(fmt, lesson, tmp_path):
    plain, full = tmp_path / f"plain.{fmt}", tmp_path / f"full.{fmt}"
    _export(lesson, "--format", fmt, "-o", plain)
    _export(lesson, "--format", fmt, "-o", full, "--with-answers", "--notes")
    texts = []
    for path in (plain, full):
        raw = path.read_text(encoding="utf-8")
        # SVG keeps each character cell's text; spaces become &#160;.
        text = _text_of_html(raw).replace("\xa0", " ") if fmt in ("html", "svg") else raw
        for k in (1, 2, 3):
            assert f"Step {k} of 3" in text
        assert "How many examples are there?" in text  # the question is always there
        texts.append(text)
    plain_text, full_text = texts
    assert "EXPLAIN-TEXT" not in plain_text and "SECRET-NOTE" not in plain_text
    assert "EXPLAIN-TEXT" in full_text and "SECRET-NOTE" in full_text


def test_answers_without_notes_and_notes_without_answers(lesson, tmp_path):
    out = tmp_path / "a.txt"
    _export(lesson, "-f", "txt", "-o", out, "--with-answers")
    text = out.read_text()
    assert "EXPLAIN-TEXT" in text and "SECRET-NOTE" not in text
    assert re.search(r"Answer: 5\b", text)
    _export(lesson, "-f", "txt", "-o", out, "--notes")
    text = out.read_text()
    assert "EXPLAIN-TEXT" not in text and "SECRET-NOTE" in text


def test_markdown_has_a_heading_per_step_and_text_in_fences(lesson, tmp_path):
    out = tmp_path / "h.md"
    _export(lesson, "-f", "md", "-o", out)
    md = out.read_text()
    assert md.startswith("# Handout test lesson\n")
    headings = re.findall(r"^## (Step \d of 3.*)$", md, flags=re.M)
    assert headings == ["Step 1 of 3: First things", "Step 2 of 3: A question", "Step 3 of 3: The data"]
    # Each step's body sits in a fenced block right under its heading, and
    # the heading's words are not repeated inside it.
    first = md.split("## Step 1 of 3: First things\n\n", 1)[1]
    assert first.startswith("```text\nThe debug data has 5 examples and lambda is 1.")
    assert md.count("```") % 2 == 0


def test_numbers_in_the_handout_are_the_lessons_numbers(lesson, tmp_path):
    from tutor.core import debug_problem

    out = tmp_path / "n.txt"
    _export(lesson, "-f", "txt", "-o", out)
    _, X, _ = debug_problem()
    text = out.read_text()
    assert f"{X[0, 0]:.4f}" in text and f"{X[-1, -1]:.4f}" in text
    assert "5 x 3" in text


def test_set_changes_a_declared_parameter_and_rejects_others(lesson, tmp_path):
    out = tmp_path / "s.txt"
    _export(lesson, "-f", "txt", "-o", out, "--set", "lambda=3")
    text = out.read_text()
    assert "lambda is 3" in text and "lambda = 3" in text  # the value, and the values-in-force line
    result = runner.invoke(app, ["export", lesson, "-f", "txt", "-o", str(out), "--set", "hidden=3"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --set hidden") and "lambda" in result.stderr
    result = runner.invoke(app, ["export", lesson, "-f", "txt", "-o", str(out), "--set", "lambda=abc"])
    assert result.exit_code == 2 and "lambda" in result.stderr


def test_html_is_one_self_contained_printable_page(lesson, tmp_path):
    out = tmp_path / "h.html"
    _export(lesson, "-o", out)  # html is the default format
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Handout test lesson</title>" in page
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "url(" not in page and "http" not in page  # no fonts or anything else fetched
    assert "@media print" in page and "break-before: page" in page
    assert page.count('<section class="step"') == 3


def test_all_writes_one_file_with_contents(tmp_path, monkeypatch):
    import tutor.handouts.write as exporting
    from tutor.course import bundled_course
    from tutor.lessons.loader import find_lesson

    lessons = [find_lesson(str(_lesson(tmp_path, "one", "Lesson One")), bundled_course()),
               find_lesson(str(_lesson(tmp_path, "two", "Lesson Two")), bundled_course())]
    monkeypatch.setattr(exporting, "course_lessons", lambda course: ("Test course", lessons))
    for fmt in ("html", "md", "txt"):
        out = tmp_path / f"all.{fmt}"
        _export("--all", "-f", fmt, "-o", out)
        text = out.read_text()
        assert "Test course" in text and "Contents" in text
        assert text.index("Lesson One") < text.index("Lesson Two")
        plain = _text_of_html(text) if fmt == "html" else text
        assert plain.count("Step 1 of 3") == 2
    assert '<a href="#lesson-one">' in (tmp_path / "all.html").read_text()
    assert "1. [Lesson One](#lesson-one)" in (tmp_path / "all.md").read_text()
    folder = tmp_path / "svgs"
    _export("--all", "-f", "svg", "-o", folder)
    assert sorted(p.name for p in folder.iterdir()) == ["one.svg", "two.svg"]


def test_svg_fetches_no_web_fonts(lesson, tmp_path):
    out = tmp_path / "h.svg"
    _export(lesson, "-f", "svg", "-o", out)
    svg = out.read_text()
    assert svg.lstrip().startswith("<svg") and "cdnjs" not in svg and "@font-face" not in svg


@pytest.mark.parametrize(
    "args, words",
    [
        ([], "give one lesson ID or --all"),
        (["LESSON", "--all"], "give one lesson ID or --all"),
        (["LESSON", "-f", "pdf"], "unknown format 'pdf'"),
        (["no-such-lesson"], "no lesson 'no-such-lesson'"),
        (["LESSON", "-o", "missing/folder/x.html"], "does not exist"),
        (["LESSON", "--set", "lambda"], "name=value"),
    ],
)
def test_bad_input_is_one_clear_error(args, words, lesson, tmp_path):
    args = [lesson if a == "LESSON" else a for a in args]
    if "-o" not in args:
        args += ["-o", str(tmp_path / "x.html")]
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and words in result.stderr
    assert "Traceback" not in result.output


def test_help_lists_every_option():
    result = runner.invoke(app, ["export", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--all", "--format", "--output", "-o", "--with-answers", "--notes", "--set"):
        assert option in result.stdout
    for fmt in ("html", "svg", "md", "txt"):
        assert fmt in result.stdout


# ----------------------------------------------------------- the browser


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_handout_screenshot_in_headless_chromium(tmp_path):
    """Export the course's first lesson and look at it in a real browser."""
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it where it can)")
    from tutor.course import bundled_course

    page = tmp_path / "handout.html"
    _export(bundled_course().lesson_ids()[0], "-o", page, "--with-answers", "--notes")
    shot = tmp_path / "shot.png"
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,1600",
        page.resolve().as_uri(),
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=90, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("Chromium did not finish the screenshot within 90 s")
    assert shot.is_file(), "Chromium wrote no screenshot"

    import matplotlib.image

    pixels = matplotlib.image.imread(str(shot))
    assert pixels.shape[:2] == (1600, 1200)
    grey = pixels[..., :3].mean(axis=2)
    # A light page: most of it near white ...
    assert np.mean(grey > 0.9) > 0.6
    # ... with dark text on it, spread down the page, not one blot.
    dark = grey < 0.35
    assert dark.mean() > 0.01
    rows_with_text = np.flatnonzero(dark.any(axis=1))
    assert rows_with_text.size > 300 and rows_with_text[-1] - rows_with_text[0] > 1000
    # The text starts near the left margin, as the page template lays it out.
    assert 20 < np.flatnonzero(dark.any(axis=0))[0] < 200
