"""`tutor serve`: the full-screen lesson player in a web page (textual-serve), for learners without a terminal.

Each browser tab that opens the page starts its own `tutor learn` (or `tutor
demo LESSON` with --demo) process, drawn into the page by Textual's web
driver, with the same progress store as the terminal ($TUTOR_HOME): a lesson
begun in the browser resumes in the terminal and the other way round.
Listens on 127.0.0.1 unless told otherwise, and warns when it is not.
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import TYPE_CHECKING

from tutor.base.errors import TutorError
from tutor.base.options import Argument, Option
from tutor.commands._common import course_option, echo, fail, resolve_course

if TYPE_CHECKING:
    import typer

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    """Add `serve` to the root app."""
    app.command("serve", rich_help_panel="Learners")(serve)


def page_command(lesson_id: str | None, *, demo: bool, course_ref: str | None) -> str:
    """The shell command textual-serve runs for each page: this Python, this tutor, the player in full screen."""
    args = [sys.executable, "-m", "tutor", "demo" if demo else "learn"]
    if lesson_id:
        args.append(lesson_id)
    if course_ref:
        args += ["--course", course_ref]
    return " ".join(shlex.quote(a) for a in args)


def _url(host: str, port: int) -> str:
    """Where a browser finds the page; for an every-address host (0.0.0.0), this machine's name."""
    if host in ("0.0.0.0", "::", ""):
        import socket

        host = socket.gethostname()
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve(
    lesson_id: str | None = Argument(
        None, help="The lesson to open (default: where you are in the course, as `tutor learn`).", metavar="[ID]"),
    host: str = Option("127.0.0.1", "--host", help="The address to listen on (default: this machine only).",
                       metavar="HOST"),
    port: int = Option(8000, "--port", help="The port to listen on.", metavar="PORT"),
    demo: bool = Option(False, "--demo", help="Instructor demo mode (needs a lesson ID): quizzes answer themselves."),
    public_url: str | None = Option(
        None, "--public-url", help="The address browsers use, when it is not http://HOST:PORT (a proxy, a name).",
        metavar="URL"),
    course: str | None = course_option(),
) -> None:
    """The lesson player in a web page: open the address it prints in a browser. Ctrl-C stops it.

    Each page plays `tutor learn` (or `tutor demo ID` with --demo), with the same keys.

    Progress is saved where the terminal saves it. Only this machine can open the page unless you give --host.
    """
    if not 1 <= port <= 65535:
        fail(f"--port {port}: give a port from 1 to 65535, e.g. --port 8000")
    if demo and not lesson_id:
        fail("--demo needs the lesson to present, e.g. `tutor serve --demo LESSON`")
    chosen = resolve_course(course)
    if lesson_id:
        from tutor.lessons.loader import find_lesson

        try:
            find_lesson(lesson_id, chosen)  # a wrong id is said here, not in the page
        except TutorError as err:
            fail(err.message)
    try:
        from textual_serve.server import Server
    except ImportError:
        fail("`tutor serve` needs textual-serve: pip install textual-serve")
    # The page is always full screen, whatever this shell prefers for its own terminal.
    os.environ["TUTOR_PLAYER"] = "full"
    command = page_command(lesson_id, demo=demo, course_ref=course)
    url = public_url.rstrip("/") if public_url else _url(host, port)
    if host not in LOOPBACK:
        echo(f"warning: listening on {host}: anyone who can reach this machine on port {port} can open the "
             "lessons, and they run as you. Use the default (127.0.0.1) unless that is what you want.", err=True)
    what = f"demo of {lesson_id}" if demo else (f"lesson {lesson_id}" if lesson_id else "the course")
    echo(f"Serving {what} at {url} : open it in a browser. Ctrl-C stops.")
    server = Server(command, host=host, port=port, title="tutor", public_url=url)
    try:
        server.serve()
    except OSError as err:
        fail(f"cannot listen on {host}:{port}: {err.strerror or err}")
