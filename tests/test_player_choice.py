"""Which player a lesson gets, and that the screens that do not play a lesson never import Textual."""

from __future__ import annotations

import io
import sys

import pytest
from test_startup import _loaded

from tutor.lessons import tui


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch):
    """TERM=xterm-256color, no player chosen, not served; each test then calls _on_a_tty (pytest's
    capture replaces sys.stdout after the fixtures have run)."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("TUTOR_PLAYER", raising=False)
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    return monkeypatch


def _on_a_tty(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Tty())
    monkeypatch.setattr(sys, "stdout", _Tty())


def test_full_screen_on_a_capable_terminal(terminal):
    _on_a_tty(terminal)
    assert tui.full_screen_wanted() is True
    assert tui.full_screen_wanted(auto=2.0) is True  # a demo that advances by itself, with pauses


@pytest.mark.parametrize("how", ["plain", "line", "env-line", "env-plain", "term-dumb", "no-term", "auto-0",
                                 "stdin-pipe", "stdout-pipe"])
def test_line_mode_when_asked_or_when_the_terminal_cannot_redraw(terminal, how):
    _on_a_tty(terminal)
    kwargs = {}
    if how in ("plain", "line"):
        kwargs[how] = True
    elif how == "env-line":
        terminal.setenv("TUTOR_PLAYER", "line")
    elif how == "env-plain":
        terminal.setenv("TUTOR_PLAYER", "Plain ")
    elif how == "term-dumb":
        terminal.setenv("TERM", "dumb")
    elif how == "no-term":
        terminal.delenv("TERM")
    elif how == "auto-0":
        kwargs["auto"] = 0
    elif how == "stdin-pipe":
        terminal.setattr(sys, "stdin", io.StringIO())
    else:
        terminal.setattr(sys, "stdout", io.StringIO())
    assert tui.full_screen_wanted(**kwargs) is False


def test_line_mode_without_textual(terminal):
    _on_a_tty(terminal)
    terminal.setattr(tui, "textual_available", lambda: False)
    assert tui.full_screen_wanted() is False


def test_full_screen_in_the_served_page_without_a_terminal(terminal):
    terminal.setattr(sys, "stdin", io.StringIO())
    terminal.setattr(sys, "stdout", io.StringIO())
    terminal.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert tui.full_screen_wanted() is True
    assert tui.full_screen_wanted(line=True) is False


def test_help_welcome_lists_and_a_piped_lesson_do_not_import_textual(tmp_path):
    home = tmp_path / "home"
    _loaded(["lessons"], home)  # fills the header cache, as a first run does
    for argv in (["--help"], [], ["lessons"], ["exercises"], ["learn", "--help"],
                 ["learn", "sigmoid-gradient"],  # stdin is not a terminal: line mode, all steps printed
                 ["learn", "sigmoid-gradient", "--line"]):
        loaded = _loaded(argv, home, extra=("textual", "tutor.lessons.tui.app", "tutor.lessons.tui.player"))
        assert not loaded & {"textual", "tutor.lessons.tui.app", "tutor.lessons.tui.player"}, argv


def test_serve_listens_locally_by_default_and_warns_for_any_other_address(tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import time

    from test_startup import REPO

    def first_lines(*args: str) -> tuple[str, str, str]:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = str(s.getsockname()[1])
        env = dict(os.environ, TUTOR_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO))
        proc = subprocess.Popen([sys.executable, "-m", "tutor", "serve", *args, "--port", port], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(3)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        return out, err, port

    out, err, port = first_lines()
    assert f"at http://127.0.0.1:{port} " in out and "warning" not in err
    out, err, port = first_lines("--host", "0.0.0.0")
    assert err.startswith(f"warning: listening on 0.0.0.0: anyone who can reach this machine on port {port}")
