"""The full-screen lesson player (Textual), and the choice of player, made without importing Textual.

Both players run the same loop (tutor.lessons.runner.play) and differ only in
their UI object: tutor.lessons.ui has the line-mode ones, this package the
full-screen one (player.FullScreenUI, drawing through app.PlayerApp). This
module stays light: `tutor --help` and the lists import the commands that
call `full_screen_wanted`, and Textual is imported only once a lesson is
played full screen. On a terminal the first step is drawn before that, with
rich alone (early.py, `early_frame_wanted`), and Textual's first frame
replaces it cell for cell.
"""

from __future__ import annotations

import importlib.util
import os
import sys

# TUTOR_PLAYER=line (or --line) keeps the line-mode player on a capable terminal:
# for screen readers, and for people who want the lesson in their scrollback.
PLAYER_ENV = "TUTOR_PLAYER"


def served() -> bool:
    """True inside `tutor serve`: Textual draws into a web page (textual-serve sets its web driver)."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")


def textual_available() -> bool:
    """True when Textual can be imported (it is a dependency, but a trimmed install may lack it)."""
    try:
        return importlib.util.find_spec("textual") is not None
    except (ImportError, ValueError):
        return False


def _capable_terminal() -> bool:
    """stdin and stdout both a terminal that can be redrawn (not TERM=dumb, not unset)."""
    try:
        ttys = sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
    return ttys and os.environ.get("TERM", "") not in ("", "dumb")


# TUTOR_EARLY_FRAME=0: Textual draws the first frame itself (no early frame, see tutor.lessons.tui.early).
EARLY_FRAME_ENV = "TUTOR_EARLY_FRAME"


def early_frame_wanted() -> bool:
    """Whether the first frame is drawn with rich before Textual loads: on a POSIX terminal, not served."""
    if os.environ.get(EARLY_FRAME_ENV, "").strip() == "0" or served() or os.name != "posix":
        return False
    return _capable_terminal()


_gc = {"paused": False}  # the garbage collector paused by pause_gc, until resume_gc


def pause_gc() -> None:
    """Pause the cyclic garbage collector until the first screen is painted (resume_gc).

    Loading a lesson, then Textual's import and start, allocate a great many
    objects and keep them all: the collector would walk them again and again
    (10-20 ms of a full-screen start) for nothing to free.
    """
    import gc

    if gc.isenabled():
        gc.disable()
        _gc["paused"] = True


def resume_gc() -> None:
    """The collector back on, if pause_gc paused it (the first paint, or the player's end)."""
    import gc

    if _gc["paused"]:
        _gc["paused"] = False
        gc.enable()


def preload() -> None:
    """Import Textual on a background thread while the lesson is prepared (numpy, the data).

    Only where no early frame is drawn (the served page, TUTOR_EARLY_FRAME=0):
    with one, the first step is drawn before Textual is needed, and an import
    beside it would only take turns on the interpreter with the lesson's
    loading and delay that frame. A failure here is left for the real import
    to report.
    """
    import threading

    if early_frame_wanted():
        return

    def load() -> None:
        try:
            import textual.app
            import textual.containers
            import textual.widgets._input
            import textual.widgets._static  # noqa: F401
        except Exception:  # noqa: BLE001, S110 - imported again, and reported, where it is used
            pass

    threading.Thread(target=load, name="tutor-import-textual", daemon=True).start()


def full_screen_wanted(*, plain: bool = False, line: bool = False, auto: float | None = None) -> bool:
    """Whether a lesson is played full screen.

    Line mode when asked for (--plain, --line, TUTOR_PLAYER=line), for a
    demo that advances without pausing (--auto 0: the transcript is the
    point), when Textual is missing, and when the terminal cannot be
    redrawn (a pipe, TERM=dumb). Full screen in `tutor serve`'s page, and
    on every capable terminal otherwise.
    """
    choice = os.environ.get(PLAYER_ENV, "").strip().lower()
    if plain or line or choice in ("line", "plain") or auto == 0:
        return False
    if not textual_available():
        return False
    return served() or _capable_terminal()
