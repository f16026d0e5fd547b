"""report.html: what the page says (counted against the gradebook), escaping, and a look in a real browser."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.grading.synthetic import EXERCISE, SOURCES, write_student

EVIL = "<script>alert(1)</script>"
NAME = "a<img src=x onerror=alert(1)>"  # a file name cannot hold "/"; sorts first, so its code is the example


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    folder = root / "class"
    kinds = {"ann": "right", "bob": "sigmoid", "cy": "sigmoid", "dee": "a-formula-on-z", "eve": "right",
             "fay": "wrong-constant", "gus": "syntax-error"}
    for student, kind in kinds.items():
        write_student(folder, student, kind)
    # A student whose name and code try to inject markup into the page.
    (folder / f"{NAME}.py").write_text(SOURCES["sigmoid"].replace("return", f"# </code></pre>{EVIL}\n    return"))
    out = root / "out"
    r = CliRunner().invoke(app, ["grade", str(folder), "-e", EXERCISE, "-o", str(out), "-j", "2"])
    assert r.exit_code == 0, r.output
    return out, kinds


def _text(page: str) -> str:
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_page_counts_what_the_gradebook_says(report):
    out, kinds = report
    page = (out / "report.html").read_text()
    text = _text(page)
    with open(out / "gradebook.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    passed = sum(r["passed"] == "yes" for r in rows)
    assert f"{len(rows)} checked" in text and f"{passed} ({100 * passed / len(rows):.0f}%) passed every test" in text
    # Per-test pass rate: the first test passes for the two right answers only.
    assert f"2/{len(rows)}" in text
    # The mistake named three times (bob, cy and the injecting student), with who made it and their code.
    assert "You returned the sigmoid, not its gradient - 3 students" in text
    assert f"Made by: {NAME}, bob, cy" in text
    assert f"def sigmoid_gradient(z): # </code></pre>{EVIL} return sigmoid(z)" in text
    assert "g' was applied to the wrong thing - 1 student " in text and "Made by: dee" in text


def test_learner_text_is_escaped_and_the_page_fetches_nothing(report):
    out, _ = report
    page = (out / "report.html").read_text()
    assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert NAME not in page and "a&lt;img src=x onerror=alert(1)&gt;" in page
    assert "</code></pre><script>" not in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def _browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it where it can)")
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", *args]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("Chromium did not finish within 90 s")


def test_in_a_real_browser_the_page_reads_as_intended(report, tmp_path):
    out, _ = report
    uri = (out / "report.html").resolve().as_uri()
    dom = _browser(tmp_path, "--dump-dom", uri).stdout
    assert "<script>alert" not in dom and "<img" not in dom  # no element was built from learner text
    text = _text(dom)
    assert "sigmoid-gradient - The sigmoid gradient" in text
    assert "Score distribution" in text and "Named mistakes" in text and "Made by: a<img" in text
    assert NAME in text and EVIL in text  # shown as text, as the student wrote them

    shot = tmp_path / "shot.png"
    _browser(tmp_path, f"--screenshot={shot}", "--window-size=1200,1400", uri)
    assert shot.is_file(), "Chromium wrote no screenshot"
    import matplotlib.image

    pixels = matplotlib.image.imread(str(shot))[..., :3]
    assert pixels.shape[:2] == (1400, 1200)
    grey = pixels.mean(axis=2)
    assert np.mean(grey > 0.9) > 0.5  # a light page ...
    dark_rows = np.flatnonzero((grey < 0.35).any(axis=1))
    assert dark_rows.size > 200 and dark_rows[-1] - dark_rows[0] > 800  # ... with text all the way down
    # The score histogram's bars: the page's blue (#3b6fd8) fills a visible block.
    blue = (np.abs(pixels[..., 0] - 0x3B / 255) < 0.06) & (np.abs(pixels[..., 2] - 0xD8 / 255) < 0.06)
    assert blue.sum() > 2000
