"""`tutor serve` in a real browser: headless Chromium opens the page, a learner's keys go in through
the Chrome DevTools protocol, and the progress store afterwards says what the terminal would.

What the page shows is read from the terminal output the served player sends it
(the websocket frames Chromium receives, escape sequences stripped); a
screenshot of the page is kept next to the test's files to look at.
Skips, saying why, without Chromium.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

CHROMIUM = next((p for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                             "/usr/bin/chromium") if p and Path(p).exists()), None)
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
              pytest.mark.timeout(240)]
aiohttp = pytest.importorskip("aiohttp", reason="aiohttp (a dependency of textual-serve) is needed to speak CDP")
pytest.importorskip("textual_serve")

REPO = Path(__file__).resolve().parent.parent
ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHMc])")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`tutor serve ARGS` on a free local port, in its own process group."""

    def __init__(self, args: list[str], home: Path) -> None:
        self.port = _free_port()
        env = dict(os.environ, TUTOR_HOME=str(home), PYTHONPATH=str(REPO))
        env.pop("TUTOR_PLAYER", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "tutor", "serve", *args, "--port", str(self.port)],
                                     cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        end = time.monotonic() + 30
        while time.monotonic() < end:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.proc.poll() is not None:
                raise AssertionError(f"tutor serve ended: {self.proc.stdout.read().decode()}")
            time.sleep(0.1)
        raise AssertionError("tutor serve did not listen within 30 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def close(self) -> str:
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            out, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, _ = self.proc.communicate()
        return out.decode("utf-8", "replace")


class Page:
    """One headless Chromium tab driven over the DevTools protocol (a websocket, through aiohttp)."""

    def __init__(self, width: int = 1100, height: int = 760) -> None:
        self.profile = tempfile.mkdtemp(prefix="tutor-chromium-")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self.profile}", "--remote-debugging-port=0", f"--window-size={width},{height}",
             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        active = Path(self.profile) / "DevToolsActivePort"
        end = time.monotonic() + 30
        while not (active.exists() and len(active.read_text().split()) >= 2):
            if time.monotonic() > end or self.proc.poll() is not None:
                raise AssertionError("Chromium did not open its DevTools port")
            time.sleep(0.05)
        self.devtools = int(active.read_text().split()[0])
        self.output = ""  # everything the served player wrote to the page's terminal
        self._n = 0

    async def open(self, http) -> None:
        async with http.get(f"http://127.0.0.1:{self.devtools}/json") as r:
            targets = await r.json()
        page = next(t for t in targets if t["type"] == "page")
        self.ws = await http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        await self.call("Network.enable")
        await self.call("Page.enable")

    async def call(self, method: str, **params):
        self._n += 1
        mine = self._n
        await self.ws.send_json({"id": mine, "method": method, "params": params})
        while True:
            msg = await self.ws.receive_json()
            if msg.get("id") == mine:
                if "error" in msg:
                    raise AssertionError(f"{method}: {msg['error']}")
                return msg.get("result")
            self._event(msg)

    def _event(self, msg: dict) -> None:
        if msg.get("method") == "Network.webSocketFrameReceived":
            frame = msg["params"]["response"]
            if frame.get("opcode") == 2:  # the app's terminal output
                self.output += base64.b64decode(frame["payloadData"]).decode("utf-8", "replace")

    def text(self) -> str:
        return ESCAPES.sub("", self.output)

    async def until(self, *texts: str, timeout: float = 60.0, since: int = 0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            await self.call("Runtime.evaluate", expression="1")  # lets the frames arrive
            shown = self.text()[since:]
            if all(t in shown for t in texts):
                return
            await asyncio.sleep(0.2)
        raise AssertionError(f"{texts} not shown in the page within {timeout} s; it showed:\n{self.text()[-3000:]}")

    async def key(self, key: str) -> None:
        """One key press into the page's terminal, as a person's keyboard sends it."""
        if key == "Enter":
            spec = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"}
        else:
            spec = {"key": key, "text": key}
        # the keys go to xterm's hidden text box, as when a person has clicked into the page
        await self.call("Runtime.evaluate", expression="document.querySelector('.xterm-helper-textarea')?.focus()")
        await self.call("Input.dispatchKeyEvent", type="keyDown", **spec)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **{k: v for k, v in spec.items() if k != "text"})

    async def type(self, text: str) -> None:
        for ch in text:
            await self.key(ch)

    async def screenshot(self, path: Path) -> bytes:
        shot = await self.call("Page.captureScreenshot", format="png")
        data = base64.b64decode(shot["data"])
        path.write_bytes(data)
        return data

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


async def _start(page: Page, url: str) -> None:
    """Open the page: it connects at once and the served process starts (its Start button would load it again)."""
    await page.call("Page.navigate", url=url)


def _first_quiz(home: Path):
    """(index, id, right answer typed) of forward-pass's first numbered-choice or number quiz."""
    from tutor.course import bundled_course
    from tutor.lessons.environment import build_environment
    from tutor.lessons.loader import find_lesson
    from tutor.lessons.runner import Session

    lesson = find_lesson("forward-pass", bundled_course())
    session = Session(lesson, build_environment(lesson, None), None, mode="render")
    for i, step in enumerate(session.steps):
        if step.kind == "quiz" and getattr(step, "answer_type", "") in ("choice", "number"):
            session.ensure(i)
            return i, step.id, step.typed_answer(session.ctx), session.N, lesson.course.id
    raise AssertionError("forward-pass has no choice or number quiz")


def test_a_lesson_answered_in_the_browser_is_saved_where_the_terminal_reads_it(tmp_path, tutor_home):
    from tutor.progress import ProgressStore

    i, quiz_id, right, n, course_id = _first_quiz(tutor_home)
    # The learner stopped just before the question in the terminal; the page resumes there.
    ProgressStore(tutor_home).update_lesson("forward-pass", course=course_id, step=i - 1, steps=n, completed=False)
    served = Served(["forward-pass"], tutor_home)
    page = Page()

    async def learner():
        async with aiohttp.ClientSession() as http:
            await page.open(http)
            await _start(page, served.url)
            await page.until(f"Step {i} of {n}", "Resuming at step", "q quit")
            await page.key("n")
            await page.until(f"Step {i + 1} of {n}", "Your answer")
            mark = len(page.text())
            await page.type(right)
            await page.key("Enter")
            await page.until("RIGHT", since=mark)
            await page.screenshot(tmp_path / "served-answered.png")
            await page.key("q")
            for _ in range(100):  # the page's process saves and ends
                if served_record().get("quizzes", {}).get(quiz_id):
                    break
                await asyncio.sleep(0.1)

    def served_record() -> dict:
        return ProgressStore(tutor_home).lesson("forward-pass", course=course_id)

    try:
        asyncio.run(learner())
    finally:
        page.close()
        log = served.close()
    record = served_record()
    assert record["step_id"] == quiz_id, log
    assert record["quizzes"][quiz_id]["right"] is True
    assert record["quizzes"][quiz_id]["tries"] == 1
    png = (tmp_path / "served-answered.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000  # a drawn page, not a blank one


def test_demo_mode_in_the_browser_poses_then_answers(tmp_path, tutor_home):
    served = Served(["--demo", "forward-pass"], tutor_home)
    page = Page()

    async def instructor():
        async with aiohttp.ClientSession() as http:
            await page.open(http)
            await _start(page, served.url)
            await page.until("Step 1 of", "q quit")
            await page.key("n")
            await page.until("Step 2 of")

    try:
        asyncio.run(instructor())
    finally:
        page.close()
        served.close()
    assert not (tutor_home / "progress.json").exists() or "forward-pass" not in json.loads(
        (tutor_home / "progress.json").read_text()).get("lessons", {})  # a demo saves no progress


def test_serve_refuses_a_bad_port_and_an_unknown_lesson_in_one_line(tutor_home):
    env = dict(os.environ, TUTOR_HOME=str(tutor_home), PYTHONPATH=str(REPO))
    for args, says in ((["--port", "70000"], "--port 70000"), (["forward-pas"], "forward-pas"),
                       (["--demo"], "--demo needs the lesson")):
        done = subprocess.run([sys.executable, "-m", "tutor", "serve", *args], capture_output=True, text=True,
                              env=env, cwd=REPO, timeout=60, stdin=subprocess.DEVNULL, check=False)
        assert done.returncode != 0
        assert done.stderr.startswith("error:") and says in done.stderr and "Traceback" not in done.stderr
