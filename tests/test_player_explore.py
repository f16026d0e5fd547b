"""An explore step played as a learner plays it: the full-screen player driven by Textual's pilot, and line
mode with the keys a terminal sends (the arrows as escape sequences).

The lab is nudge's `nudge-lab` (nudge a weight of Theta2 and watch J): each
number the tests expect on screen is computed here again with plain numpy
(forward pass, cross-entropy cost with the regularization term), not through
the course's operation.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

pytest.importorskip("textual")

from rich.console import Console

from tests.test_player_fullscreen import _index, _lines, _play, _until
from tutor.course import bundled_course
from tutor.lessons.environment import build_environment
from tutor.lessons.loader import find_lesson
from tutor.lessons.runner import Session, play
from tutor.lessons.tui.app import screen_text

pytestmark = pytest.mark.timeout(240)

LAB = "nudge-lab"  # controls: nudge (-2 to 2, step 0.1, default 0.1), row (0 to 9, default 3), column (default 22)
FOOTER = "↑↓ or +/- change · Tab switch · s type · n next · b back · ? help · q quit"
SCROLLING_FOOTER = "↑↓ +/- change · Tab switch · s type · n next · b back · q quit · PgDn scroll"  # fits 80


# -- the numbers, computed independently -----------------------------------------------------------------


def _cost(thetas, X, y, lam: float) -> float:
    """J of a sigmoid network: mean cross-entropy over the one-hot labels, plus lam/2m times the squared
    weights without the bias column."""
    m = X.shape[0]
    a = X
    for T in thetas:
        a = 1.0 / (1.0 + np.exp(-(np.hstack([np.ones((m, 1)), a]) @ T.T)))
    Y = np.eye(thetas[-1].shape[0])[y]
    J = -(Y * np.log(a) + (1 - Y) * np.log(1 - a)).sum() / m
    return J + lam / (2 * m) * sum((T[:, 1:] ** 2).sum() for T in thetas)


def _nudge(ctx, row: int, col: int, delta: float) -> dict:
    """Theta2[row, col], J before and after adding delta to it, and the change."""
    thetas = [np.array(T, dtype=float) for T in ctx.get("thetas")]
    X, y, lam = np.asarray(ctx.get("X"), dtype=float), np.asarray(ctx.get("y")), float(ctx.get("lambda"))
    J0 = _cost(thetas, X, y, lam)
    moved = [thetas[0], thetas[1].copy()]
    moved[1][row, col] += delta
    J1 = _cost(moved, X, y, lam)
    return {"w": thetas[1][row, col], "J1": J1, "change": J1 - J0}


def _said(n: dict, row: int) -> str:
    """The lab's sentence opens with the weight it nudges."""
    return f"Theta2[{row}, 22] = {n['w']:.4f}"


def _moves(n: dict, delta: str) -> str:
    """...and goes on with the change of J (on the same screen row at 80 columns)."""
    return f"Nudged by {delta}: J moves by {n['change']:+.5f}"


# -- full screen -----------------------------------------------------------------------------------------


async def _scroll_settles(pilot, body, y: float, timeout: float = 3.0) -> None:
    """Wait until the pane is at y (a step drawn in place is scrolled back once laid out)."""
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if body.scroll_y == y:
            return
    raise AssertionError(f"the pane is at {body.scroll_y}, not {y}")


def test_the_arrows_turn_the_selected_value_and_the_pane_stays_where_it_was():
    """80 x 14: the lab is taller than its pane. Up twice = two steps of 0.1, down one back, the text
    recomputed each time; the pane never moves (at the top, nor scrolled to the end); Tab then up turns row."""
    seen = {}

    async def script(pilot, session):
        ctx = session.ctx
        body = pilot.app.query_one("#body")
        # taller than the pane: the footer names the lab's keys, arrows first, and how the pane scrolls
        first = await _until(pilot, "[nudge = 0.1]", SCROLLING_FOOTER)
        assert _lines(first)[-1].strip() == SCROLLING_FOOTER
        assert body.max_scroll_y > 0, "the lab should be taller than the pane at 80 x 14"
        assert body.scroll_y == 0

        await pilot.press("up")
        await pilot.press("up")
        up2 = await _until(pilot, "[nudge = 0.3]", _moves(_nudge(ctx, 3, 22, 0.3), "0.3"))
        assert body.scroll_y == 0
        assert "nudge = 0.1" not in up2

        await pilot.press("down")
        await _until(pilot, "[nudge = 0.2]", _moves(_nudge(ctx, 3, 22, 0.2), "0.2"))
        await pilot.pause(0.2)
        assert body.scroll_y == 0, "the down arrow scrolled the pane"

        await pilot.press("end")  # scrolled to the bottom: the keys line and the table in view
        await _scroll_settles(pilot, body, body.max_scroll_y)
        bottom = body.scroll_y
        assert bottom > 0
        await pilot.press("up")
        n = _nudge(ctx, 3, 22, 0.3)
        after = await _until(pilot, "nudge = 0.3: + and - change it by 0.1", f"{n['J1']:.6f}")
        await _scroll_settles(pilot, body, bottom)  # drawn anew in place: still scrolled to the end
        await pilot.pause(0.3)
        assert body.scroll_y == bottom, "the up arrow scrolled the pane"
        assert f"│       J after │  {n['J1']:.6f} │" in after
        assert f"│ actual change │ {n['change']:+.6f} │" in after

        await pilot.press("home")
        await _scroll_settles(pilot, body, 0)
        await pilot.press("tab")
        await _until(pilot, "[row = 3]")
        await pilot.press("up")
        n = _nudge(ctx, 4, 22, 0.3)
        row = await _until(pilot, "[row = 4]", _said(n, 4), _moves(n, "0.3"))
        assert "nudge = 0.3 (-2 to 2)" in row  # the first control stayed where it was left
        seen["done"] = True

    _play("nudge", script, start=LAB, size=(80, 14))
    assert seen.get("done")


def test_help_says_what_the_arrows_do_on_the_lab_and_that_pgup_pgdn_scroll():
    async def script(pilot, session):
        await _until(pilot, "[nudge = 0.1]", FOOTER)
        await pilot.press("question_mark")
        turn, scroll = "on this step: change the selected value, as + and - do", "scroll the step (the mouse wheel too)"
        screen = await _until(pilot, "Keys", turn, scroll)
        rows = {line.strip().split("  ")[0]: " ".join(line.split()) for line in _lines(screen) if line.strip()}
        assert turn in rows.get("↑ ↓", ""), screen
        assert scroll in rows.get("PgUp PgDn", ""), screen
        assert "↑ ↓ PgUp PgDn" not in screen  # the other steps' row (the arrows scroll) is not shown here

    _play("nudge", script, start=LAB)


def test_typed_values_in_and_out_of_range_and_b_and_back_keep_the_dials():
    async def script(pilot, session):
        ctx = session.ctx
        i = _index(session, LAB)
        await _until(pilot, "[nudge = 0.1]", FOOTER)

        async def set_value(typed: str) -> None:
            await pilot.press("s")
            await _until(pilot, "New value for nudge (-2 to 2), or Enter to keep")
            for ch in typed:
                await pilot.press(ch)
            await pilot.press("enter")

        await set_value("1.5")
        n = _nudge(ctx, 3, 22, 1.5)
        await _until(pilot, "[nudge = 1.5]", _moves(n, "1.5"))
        await set_value("5")
        await _until(pilot, "nudge goes from -2 to 2; nudge stays 1.5.", "[nudge = 1.5]")
        await set_value("abc")
        await _until(pilot, "'abc' is not a number; nudge stays 1.5.", "[nudge = 1.5]")
        await set_value("")  # Enter alone: the value stays, and the question is closed
        await _until(pilot, FOOTER, "[nudge = 1.5]", absent=("New value for",))
        await set_value("-0.7")
        await _until(pilot, "[nudge = -0.7]", _moves(_nudge(ctx, 3, 22, -0.7), "-0.7"))
        await set_value("9")
        await _until(pilot, "nudge goes from -2 to 2; nudge stays -0.7.")

        # b to the question before the lab (never answered in this session: it asks), then forward again
        await pilot.press("b")
        await _until(pilot, f"Step {i} of {session.N}", "Your prediction")
        for ch in "0.03":
            await pilot.press(ch)
        await pilot.press("enter")
        await _until(pilot, "q quit", absent=("Your prediction (",))
        await pilot.press("n")
        back = await _until(pilot, f"Step {i + 1} of {session.N}", "[nudge = -0.7]", _moves(
            _nudge(ctx, 3, 22, -0.7), "-0.7"))
        assert "stays" not in back  # the last refusal was said once, not kept with the step
        # forward, then b: the same
        await pilot.press("n")
        await _until(pilot, f"Step {i + 2} of {session.N}")
        await pilot.press("b")
        await _until(pilot, f"Step {i + 1} of {session.N}", "[nudge = -0.7]")

    _play("nudge", script, start=LAB)


def test_on_a_tall_step_that_turns_nothing_the_arrows_still_scroll():
    async def script(pilot, session):
        i = _index(session, "divide-and-regularize")
        top = await _until(pilot, session.steps[i].title, "q quit · ↑↓ scroll")
        body = pilot.app.query_one("#body")
        assert body.scroll_y == 0
        await pilot.press("down")
        await pilot.press("down")
        await _scroll_settles(pilot, body, 2)
        down = screen_text(pilot.app)
        def pane(screen: str) -> list[str]:  # the pane's rows, without the scroll bar's column
            return [line[:78].rstrip() for line in _lines(screen)[2:-1]]

        assert pane(down)[:-2] == pane(top)[2:]  # the pane's rows moved up by two
        await pilot.press("up")
        await _scroll_settles(pilot, body, 1)
        assert f"Step {i + 1} of {session.N}" in _lines(screen_text(pilot.app))[0]  # still the same step

    _play("backprop", script, start="divide-and-regularize")


# -- line mode: the keys as the terminal sends them ------------------------------------------------------


def _line_mode(keys: list[str], monkeypatch, ui_class: str):
    """Play nudge from the lab in line mode; the terminal's keys (or typed lines) come from `keys`."""
    from tutor.lessons import ui as ui_module

    lesson = find_lesson("nudge", bundled_course())
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    feed = iter(keys)
    if ui_class == "rich":
        monkeypatch.setattr(ui_module, "read_key", lambda timeout=None: next(feed, None))
        ui = ui_module.RichUI(console, clear=False)
    else:
        monkeypatch.setattr("builtins.input", lambda prompt="": next(feed))
        ui = ui_module.PlainUI(console, interactive=True)
    session = Session(lesson, build_environment(lesson, None), ui, mode="learn", lookahead=False)
    start = _index(session, LAB)
    session.ensure(start - 1)
    play(session, start)
    return session, console.export_text()


def _drawings(text: str) -> list[str]:
    """Each drawing of the lab, in order (its dials line onward), flattened."""
    parts = text.split("Lab: nudge any weight of Theta2")[1:]
    return [" ".join(p.split()) for p in parts]


def test_line_mode_turns_with_the_arrows_and_tab_and_its_footer_names_them(monkeypatch):
    up, down = "\x1b[A", "\x1b[B"
    session, text = _line_mode([up, up, down, "\t", up, "q"], monkeypatch, "rich")
    shown = _drawings(text)
    ctx = session.ctx
    assert len(shown) == 6  # the first drawing, then one per key before q
    assert "[nudge = 0.3]" in shown[2] and _moves(_nudge(ctx, 3, 22, 0.3), "0.3") in shown[2]
    assert "[nudge = 0.2]" in shown[3] and _moves(_nudge(ctx, 3, 22, 0.2), "0.2") in shown[3]
    assert "[row = 3]" in shown[4]
    n = _nudge(ctx, 4, 22, 0.2)
    assert "[row = 4]" in shown[5] and _said(n, 4) in shown[5] and _moves(n, "0.2") in shown[5]
    assert all(FOOTER in s for s in shown)


def test_plain_mode_takes_a_key_or_an_arrow_or_tab_on_a_line(monkeypatch):
    session, text = _line_mode(["+", "\x1b[A", "\x1b[B", "\t", "more", "q"], monkeypatch, "plain")
    shown = _drawings(text)
    ctx = session.ctx
    assert "[nudge = 0.2]" in shown[1] and "[nudge = 0.3]" in shown[2] and "[nudge = 0.2]" in shown[3]
    assert "[row = 3]" in shown[4]
    n = _nudge(ctx, 4, 22, 0.2)
    assert "[row = 4]" in shown[5] and _moves(n, "0.2") in shown[5]
    assert "+ or - (or an arrow up or down) then Enter changes the value" in " ".join(text.split())


def test_the_numbers_here_agree_with_the_first_drawing_of_the_lab():
    """The independent cost above is the lab's own J (else every expectation here would test nothing)."""
    lesson = find_lesson("nudge", bundled_course())
    from tutor.lessons.ui import RecordingUI

    session = Session(lesson, build_environment(lesson, None), RecordingUI(width=80), mode="render")
    out = session.ensure(_index(session, LAB))
    c = Console(file=io.StringIO(), width=200, record=True, color_system=None)
    for r in out:
        c.print(r)
    flat = " ".join(c.export_text().split())
    n = _nudge(session.ctx, 3, 22, 0.1)
    assert _moves(n, "0.1") in flat and f"{n['J1']:.6f}" in flat


def test_the_first_frame_drawn_before_textual_names_the_labs_keys_as_textual_does():
    """`tutor learn nudge --from nudge-lab` on a terminal: the frame drawn with rich alone before Textual
    loads, and Textual's first frame, have the lab's key line, cell for cell."""
    from tests.test_player_early import _first_frames

    theirs, mine = _first_frames("nudge", LAB, (80, 24))
    assert mine == theirs
    assert "".join(c[0] for c in mine[-1]).strip() == FOOTER


def test_a_narrow_window_keeps_the_labs_keys_on_one_line():
    async def script(pilot, session):
        await _until(pilot, "nudge = 0.1")
        await pilot.pause(0.3)
        assert _lines(screen_text(pilot.app))[-1].strip() == "↑↓/+- change · s type · n next · b back · q quit"

    _play("nudge", script, start=LAB, size=(50, 24))
