"""Every lesson, headless, in the terminals learners and instructors really have.

`tutor demo ID --auto 0` runs in a subprocess (stdout a pipe, so the plain
UI prints every step in order). Two sweeps:

- every lesson of the course once, with all four constraints at the same
  time: TERM=dumb, NO_COLOR=1, COLUMNS=40 and PYTHONIOENCODING=ascii
  (a strict ASCII stream: one non-ASCII character would crash the run);
- each constraint on its own, for a fast representative subset of lessons
  (network, cost, sigmoid-gradient, backprop: data, matrices, Greek, check
  badges, quizzes and tables all appear in them), because the slow lessons
  (training, accuracy) retrain networks and would cost a minute per setting.
  FORCE_COLOR=1 is set in the NO_COLOR and TERM=dumb runs, so those settings
  (not the pipe) are what must keep colour out.

Readable means: exit 0, nothing on stderr; ASCII: pure ASCII bytes, with
exactly as many '?' as the UTF-8 run of the same lesson (no character was
replaced by '?'); 40 columns: no line longer than 40 and the lesson's key
figures present whole; NO_COLOR / dumb: no ANSI escape at all.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COURSE = yaml.safe_load((REPO / "lessons" / "course.yaml").read_text())["lessons"]
LESSONS = [lesson for lesson in COURSE if (REPO / "lessons" / f"{lesson}.yaml").is_file()]
FAST = ["network", "cost", "sigmoid-gradient", "backprop"]

# Figures each lesson must show whole (deterministic: seeded data, seeded training).
KEY_FIGURES = {
    "network": ["1797", "1885"],
    "forward-pass": ["1797"],
    "cost": ["6.931472"],
    "sigmoid-gradient": ["0.25"],
    "backprop": ["1797"],
    "gradient-checking": ["1885", "3770"],
    "training": ["98.72"],
    "accuracy": ["1774"],
    "moons-from-scratch": ["10000"],
}

SETTINGS = {
    "all-at-once": {"TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "40", "PYTHONIOENCODING": "ascii"},
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "columns-40": {"COLUMNS": "40"},
    "no-color": {"NO_COLOR": "1", "FORCE_COLOR": "1"},
    "term-dumb": {"TERM": "dumb", "FORCE_COLOR": "1"},
    "utf-8": {"PYTHONIOENCODING": "utf-8"},  # the baseline the ASCII run is compared with
    "colour": {"FORCE_COLOR": "1", "PYTHONIOENCODING": "utf-8"},  # proves the escape check can fail
}
ANSI = re.compile(rb"\x1b[\[\]()#;?0-9A-Za-z]")


def _jobs():
    jobs = [(lesson, "all-at-once") for lesson in LESSONS]
    jobs += [(lesson, s) for lesson in FAST for s in ("ascii", "columns-40", "no-color", "term-dumb", "utf-8")]
    jobs.append(("sigmoid-gradient", "colour"))
    slow_first = {"accuracy": 0, "training": 1, "moons-from-scratch": 2}
    return sorted(jobs, key=lambda j: slow_first.get(j[0], 9))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{(lesson, setting): CompletedProcess}, two at a time, one shared TUTOR_HOME
    (so the trained-weights cache is computed once per lesson setup)."""
    home = tmp_path_factory.mktemp("terminals")
    base = {k: v for k, v in os.environ.items()
            if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM", "PYTHONIOENCODING", "TUTOR_PLAIN")}
    base.update(TUTOR_HOME=str(home), PYTHONPATH=str(REPO), TERM="xterm-256color")

    def run(job):
        lesson, setting = job
        env = {**base, **SETTINGS[setting]}
        try:
            proc = subprocess.run([sys.executable, "-m", "tutor", "demo", lesson, "--auto", "0"], env=env, cwd=home,
                                  capture_output=True, timeout=240, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as err:
            proc = err
        return job, proc

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, _jobs()))


def _ok(runs, lesson, setting) -> bytes:
    proc = runs[(lesson, setting)]
    assert not isinstance(proc, subprocess.TimeoutExpired), f"{lesson} under {setting} hung"
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, f"{lesson} under {setting}: exit {proc.returncode}\n{err[-2000:]}"
    assert "Traceback" not in err and err.strip() == "", err[-2000:]
    assert len(proc.stdout) > 1000, f"{lesson} under {setting} printed almost nothing"
    return proc.stdout


def _assert_ascii(out: bytes, where: str) -> None:
    bad = [(i, b) for i, b in enumerate(out) if b > 127]
    assert not bad, f"{where}: non-ASCII byte at {bad[0][0]}: {out[max(0, bad[0][0] - 60): bad[0][0] + 20]!r}"


def _assert_width(out: bytes, width: int, where: str) -> None:
    lines = out.decode("utf-8").splitlines()
    long = [(n, line) for n, line in enumerate(lines, 1) if len(line) > width]
    assert not long, f"{where}: {len(long)} lines over {width} columns, first (line {long[0][0]}): {long[0][1]!r}"


def _assert_figures(out: bytes, lesson: str, where: str) -> None:
    text = out.decode("utf-8")
    for fig in KEY_FIGURES.get(lesson, []):
        assert re.search(rf"(?<![\d.]){re.escape(fig)}", text), f"{where}: the figure {fig} is missing or cut"


@pytest.mark.timeout(400)
@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_under_all_constraints_at_once(runs, lesson):
    where = f"{lesson} (TERM=dumb NO_COLOR=1 COLUMNS=40 PYTHONIOENCODING=ascii)"
    out = _ok(runs, lesson, "all-at-once")
    _assert_ascii(out, where)
    assert not ANSI.search(out), f"{where}: ANSI escape in the output"
    _assert_width(out, 40, where)
    _assert_figures(out, lesson, where)


@pytest.mark.timeout(400)
@pytest.mark.parametrize("lesson", FAST)
def test_ascii_stream(runs, lesson):
    out = _ok(runs, lesson, "ascii")
    _assert_ascii(out, f"{lesson} (ascii)")
    # The same lesson on UTF-8 has the same question marks: none stands in for a
    # box line, a Greek letter or a check mark that could not be encoded.
    baseline = _ok(runs, lesson, "utf-8")
    assert out.count(b"?") == baseline.count(b"?"), f"{lesson}: '?' replacement characters on an ASCII stream"
    assert baseline != out, "the UTF-8 run should use box drawing or symbols the ASCII run replaces"
    _assert_figures(out, lesson, f"{lesson} (ascii)")


@pytest.mark.timeout(400)
@pytest.mark.parametrize("lesson", FAST)
def test_forty_columns(runs, lesson):
    out = _ok(runs, lesson, "columns-40")
    _assert_width(out, 40, f"{lesson} (COLUMNS=40)")
    _assert_figures(out, lesson, f"{lesson} (COLUMNS=40)")


@pytest.mark.timeout(400)
@pytest.mark.parametrize("setting", ["no-color", "term-dumb"])
@pytest.mark.parametrize("lesson", FAST)
def test_no_escapes(runs, lesson, setting):
    out = _ok(runs, lesson, setting)
    m = ANSI.search(out)
    assert not m, f"{lesson} ({setting}): ANSI escape {out[m.start(): m.start() + 12]!r}"
    _assert_figures(out, lesson, f"{lesson} ({setting})")


def test_the_escape_check_can_fail(runs):
    """With FORCE_COLOR alone the same lesson is in colour, so the checks above have teeth."""
    out = _ok(runs, "sigmoid-gradient", "colour")
    assert ANSI.search(out)
