"""The full-screen player's early frame (tutor.lessons.tui.early): drawn with rich while Textual
loads, it must be the very screen Textual then draws, and keys typed before Textual has started must
reach the player without being echoed.

The frames are compared cell for cell with what Textual's compositor holds for its first frame
(pilot, the lesson loop held after its first step so nothing else is drawn yet): the character, the
background, the colour of every non-blank cell, bold, italic, underline and reverse. The keys are
tried on a pseudo-terminal against the real command.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("textual")

from tutor.course import bundled_course
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import find_lesson
from tutor.lessons.runner import Session
from tutor.lessons.tui import early
from tutor.lessons.tui.player import FullScreenUI

pytestmark = pytest.mark.timeout(240)

REPO = Path(__file__).resolve().parent.parent


def _cells(line) -> list[tuple]:
    """Each cell of a row: (character, background, colour where something is drawn, attributes)."""
    cells = []
    for segment in line:
        style = segment.style
        for ch in segment.text:
            back = style.bgcolor.triplet if style is not None and style.bgcolor is not None else None
            fore = style.color.triplet if style is not None and style.color is not None and ch.strip() else None
            attrs = (bool(style.bold), bool(style.italic), bool(style.underline), bool(style.reverse)) \
                if style is not None and (ch.strip() or style.reverse) else None
            cells.append((ch, back, fore, attrs))
    return cells


def _first_frames(lesson_id: str, step_id: str | None, size: tuple[int, int]):
    """(Textual's first frame, the early frame) of a lesson opened at a step, as rows of cells."""
    lesson = find_lesson(lesson_id, bundled_course())
    ui = FullScreenUI()
    session = Session(lesson, build_environment(lesson, None), ui, mode="learn", lookahead=False)
    start = [s.id for s in session.steps].index(step_id) if step_id else 0
    if start:
        session.ensure(start - 1)
    hold = threading.Event()  # the loop stops after its first step: nothing but the first frame is drawn
    ui.read_command = lambda *args: (hold.wait(), "quit")[1]
    ui.ask = lambda *args, **kw: (hold.wait(), None)[1]
    app = ui.make_app(session, start)
    ui.start_worker()
    assert ui.first_ready.wait(60)
    head, out = ui.first()
    mine = [_cells(line) for line in early.rows(head, out, *size)]
    theirs: list = []

    async def run():
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.05)
            theirs.extend(_cells(strip) for strip in app.screen._compositor.render_strips())
            hold.set()
            ui.stop()

    asyncio.run(run())
    return theirs, mine


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("lesson_id,step_id", [
    ("forward-pass", None),  # prose, the pane half empty
    ("backprop", "divide-and-regularize"),  # three 10 x 26 matrices: taller than the pane, a scroll bar
    ("gradient-checking", "check"),  # a table
])
def test_the_early_frame_is_textuals_first_frame_cell_for_cell(lesson_id, step_id, size):
    theirs, mine = _first_frames(lesson_id, step_id, size)
    assert len(mine) == len(theirs) == size[1]
    for y, (a, b) in enumerate(zip(theirs, mine)):
        assert "".join(c[0] for c in b) == "".join(c[0] for c in a), f"row {y}"
        assert b == a, f"row {y}: first differing cell {next(x for x, (p, q) in enumerate(zip(a, b)) if p != q)}"
    text = ["".join(c[0] for c in row) for row in mine]
    assert "Step " in text[0] and "q quit" in text[-1]
    if step_id == "divide-and-regularize":
        assert any(c[3] == (False, False, False, True) for row in mine[2:-1] for c in row[-2:])  # the thumb


def test_the_colours_are_textuals_own():
    """The theme the early frame copies, read from Textual: its 16 ANSI colours too (a frame shows only some)."""
    from textual.filter import DIM_FACTOR
    from textual.scrollbar import ScrollBarRender

    from tutor.lessons.tui.app import PlayerApp

    app = PlayerApp(FullScreenUI())
    theme = app.ansi_theme
    assert early.ANSI == tuple(tuple(theme.ansi_colors[n]) for n in range(16))
    assert (early.ANSI_FOREGROUND, early.ANSI_BACKGROUND) == (tuple(theme.foreground_color),
                                                              tuple(theme.background_color))
    assert early.DIM_FACTOR == DIM_FACTOR
    assert early.VERTICAL_BARS == "".join(ScrollBarRender.VERTICAL_BARS)
    css = app.get_css_variables()
    for name, value in [("background", early.BACKGROUND), ("panel", early.PANEL), ("foreground", early.FOREGROUND),
                        ("scrollbar", early.SCROLLBAR), ("scrollbar-background", early.SCROLLBAR_BACKGROUND)]:
        assert css[name].lower() == "#" + "".join(f"{c:02x}" for c in value), name


def test_no_color_greys_as_textual_does(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    theirs, mine = _first_frames("backprop", "divide-and-regularize", (80, 24))
    assert mine == theirs
    backgrounds = {c[1] for row in mine for c in row if c[1] is not None}
    assert all(r == g == b for r, g, b in backgrounds) and len(backgrounds) >= 3  # greys: panel, pane, bar


# -- on a terminal ----------------------------------------------------------------------------------

def _spawn(home: Path, *args: str, shell_after: str = ""):
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, TUTOR_HOME=str(home), TERM="xterm-256color", PYTHONPATH=str(REPO), TUTOR_PLAYER="")
    for name in ("COLUMNS", "LINES", "NO_COLOR", early_env()):
        env.pop(name, None)
    command = " ".join([sys.executable, "-m", "tutor", "learn", *args])
    script = f"{command}; echo EXITED=$?; {shell_after}" if shell_after else f"{command}; echo EXITED=$?"
    return pexpect.spawn("/bin/sh", ["-c", script], env=env, dimensions=(24, 80), encoding="utf-8", timeout=60)


def early_env() -> str:
    from tutor.lessons.tui import EARLY_FRAME_ENV

    return EARLY_FRAME_ENV


TEXTUAL_STARTS = re.escape("\x1b[?1000h")  # Textual's driver turns the mouse on; the early frame does not


def test_a_key_typed_before_textual_starts_is_not_echoed_and_moves_the_lesson_on(tutor_home):
    child = _spawn(tutor_home, "forward-pass", shell_after="stty -a")
    try:
        child.expect("Step 1 of 25")
        assert "\x1b[?1000h" not in child.before  # the early frame, before Textual
        child.expect("q quit")  # its last row: the frame is whole
        sent = time.monotonic()
        child.send("n")
        child.expect(TEXTUAL_STARTS)
        assert time.monotonic() - sent > 0.02  # Textual was still loading when the key was typed
        # nothing but escape sequences between the frame's last row and Textual's start: no "n" echoed
        assert re.sub(r"\x1b\[[0-9;?$>]*[A-Za-z]", "", child.before).strip() == ""
        child.expect("Step 2 of 25")  # the key was kept for the player
        child.send("q")
        child.expect("EXITED=0")
        child.expect("speed")  # stty -a: the terminal's settings are back as they were
        child.expect(r"\$|\Z|rprnt|werase")
        settings = child.before + child.read()
    finally:
        child.close(force=True)
    flags = set(settings.split())
    assert {"icanon", "echo", "isig"} <= flags and not {"-icanon", "-echo", "-isig"} & flags


def test_ctrl_c_before_textual_starts_stops_and_saves_the_step(tutor_home):
    child = _spawn(tutor_home, "forward-pass", "--from", "3")
    try:
        child.expect("Step 3 of 25")
        child.expect("q quit")
        child.send("\x03")
        child.expect("EXITED=130")
        said = child.before
    finally:
        child.close(force=True)
    assert "Stopped at step 3 of 25" in re.sub(r"\s+", " ", said)


def test_the_terminal_is_given_back_when_textual_never_starts(monkeypatch):
    """EarlyFrame alone on a pseudo-terminal: echo off while it shows, every setting back after restore."""
    import fcntl
    import struct
    import termios

    leader, follower = os.openpty()
    before = termios.tcgetattr(follower)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 40, 0, 0))  # small: the frame fits the pty's buffer
    with open(follower, "w", closefd=False) as out, open(follower, closefd=False) as inp:
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stdin", inp)
        head = {"course": "", "lesson": "A lesson", "k": 1, "N": 3, "title": "First", "in_force": ""}
        shown = early.EarlyFrame()
        assert shown.draw(head, ["Some text."])
        during = termios.tcgetattr(follower)
        shown.restore()
        after = termios.tcgetattr(follower)
    import select

    chunks = []
    while select.select([leader], [], [], 0.2)[0]:  # a pty hands its output over a few KiB at a time
        chunks.append(os.read(leader, 65536))
    written = b"".join(chunks).decode()
    os.close(leader)
    os.close(follower)
    assert not during[3] & (termios.ECHO | termios.ICANON | termios.ISIG)
    assert after == before
    assert written.startswith("\x1b[?1049h") and "Step 1 of 3" in written and "Some text." in written
    assert written.endswith("\x1b[?7h\x1b[?1049l\x1b[?25h")
