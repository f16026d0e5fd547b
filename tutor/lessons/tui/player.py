"""FullScreenUI: the runner's UI interface (see tutor.lessons.ui) for the full-screen player.

The lesson loop (tutor.lessons.runner.play) is the same as in line mode; it
runs on a worker thread while the Textual app owns the screen on the main
thread. Each call the runner makes is handed to the app:

    show_step, show_more, message, show_help   drawn by the app (call_from_thread)
    read_command, ask                          wait on a queue the app's key and input events feed
    training                                   a live panel, updated at most ten times a second

So a step kind draws the same rich renderables in both players, and nothing
here knows one kind from another. Ctrl-C in the app (or the app closing, e.g.
the browser tab of `tutor serve`) ends the wait with KeyboardInterrupt, and
`play` raises KeyboardInterrupt on the main thread once the screen is given
back, so the command saves the step the learner is on exactly as a Ctrl-C
in line mode does.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from typing import Any

from tutor.lessons.ui import KEYS, WORDS

# Commands after which a step is drawn again in place (an explore step's controls): the scroll stays.
_REDRAWS = ("more", "less", "switch", "set")

_STOP = object()  # put on the queues when the app goes away: the waits end with KeyboardInterrupt

# How long the first step may take before Textual starts without the early frame (it then says it is computing).
EARLY_WAIT = 0.5


class FullScreenUI:
    """The runner's UI, drawn by a PlayerApp.

    auto: demo mode's seconds between steps (None: wait for a key); any key
    pauses, `a` resumes, as in line mode. next_lesson: in `tutor learn` alone,
    the lesson offered at the end (Enter starts it); `goes_on` then says
    whether the learner took it (None: not asked).
    """

    interactive = True
    reads_answers = False

    def __init__(self, *, auto: float | None = None, next_lesson: str | None = None) -> None:
        self.auto = auto
        self.paused = False
        self.next_lesson = next_lesson
        self.goes_on: bool | None = None
        self.notice: str | None = None  # said under the first screen (e.g. "Resuming at step 6")
        self.commands: queue.Queue = queue.Queue()
        self.answers: queue.Queue = queue.Queue()
        self.app = None
        self.closed = False
        self.error: BaseException | None = None
        self.outcome: str | None = None
        self._job = None
        self._worker: threading.Thread | None = None
        self.mounted = threading.Event()  # set by the app once it can draw
        self.painted = threading.Event()  # set by the app once a step is on screen
        self._held = None  # the session's look-ahead, until the first screen is drawn
        self.shown: int | None = None  # the step on screen
        # The first step computed before the app composed its screen: the app composes it in.
        self._first_lock = threading.Lock()
        self._first: tuple[dict, list] | None = None
        self._composed = False
        self.first_ready = threading.Event()  # the first step is computed (or the loop ended)
        self.last: str | None = None  # the last command read

    # -- running -----------------------------------------------------------------------
    def make_app(self, session, start: int, driver_class=None):
        """The app that plays `session` from step `start` once it is mounted (tests run it headless)."""
        from tutor.lessons.tui.app import PlayerApp

        self._take_job(session, start)
        self.app = PlayerApp(self, driver_class=driver_class)
        return self.app

    def _take_job(self, session, start: int) -> None:
        if self._job is None:
            self._job = (session, start)
            # Computing ahead (tutor.lessons.lookahead) waits until the first screen is drawn: its
            # thread would otherwise take turns on the interpreter with Textual starting up.
            self._held, session.lookahead = session.lookahead, None

    def play(self, session, start: int = 0) -> str:
        """Play the lesson full screen: 'completed' or 'quit'; KeyboardInterrupt after Ctrl-C.

        Errors of the lesson (a TutorError) are raised here, on the main
        thread, once the terminal is given back.

        On a terminal the first step is computed first and drawn at once
        (tutor.lessons.tui.early), Textual loading after it; Textual's first
        frame is the same screen and replaces it.
        """
        from tutor.lessons.tui import early_frame_wanted, pause_gc, served

        if not served():
            # Textual takes COLUMNS and LINES, when exported, for the window's size and would
            # then never follow a resize; on a terminal the terminal itself knows better.
            for name in ("COLUMNS", "LINES"):
                os.environ.pop(name, None)
        self._take_job(session, start)
        self.start_worker()  # the first step is computed while Textual starts; drawing waits for the app
        drawn = None
        try:
            if early_frame_wanted() and self.first_ready.wait(EARLY_WAIT) and self.first() is not None:
                from tutor.lessons.tui.early import EarlyFrame

                drawn = EarlyFrame()
                if not drawn.draw(*self.first()):
                    drawn = None
            pause_gc()  # until the first paint (`tutor learn` paused it already, before loading the lesson)
            driver = None
            if drawn is not None:
                from tutor.lessons.tui.app import terminal_driver

                driver = terminal_driver(drawn.attrs)  # gives the terminal's settings from before back at the end
            app = self.make_app(session, start, driver_class=driver)
            app.run()
        except Exception as err:
            if self.mounted.is_set():
                raise
            self.stop()  # the worker's wait for the screen ends
            from tutor.base.errors import TutorError

            raise TutorError(f"the full-screen player could not start on this terminal ({type(err).__name__}: "
                             f"{err}); `--line` plays the lesson line by line") from None
        finally:
            from tutor.lessons.tui import resume_gc

            resume_gc()
            if drawn is not None and not self.mounted.is_set():
                drawn.restore()  # Textual never took the screen over
        return self.result()

    def first_painted(self) -> None:
        """The app has painted its first step: computing ahead may start, the garbage collector again."""
        from tutor.lessons.tui import resume_gc

        self.painted.set()
        resume_gc()

    def first(self) -> tuple[dict, list] | None:
        """(header, renderables) of the first step while it waits for the app (the early frame draws it)."""
        with self._first_lock:
            return self._first

    def take_first(self) -> tuple[dict, list] | None:
        """For the app's compose: (header, renderables) of the first step if it is computed already.

        From this call on, every step goes through the app (show_step below).
        """
        with self._first_lock:
            self._composed = True
            first, self._first = self._first, None
        return first

    def result(self) -> str:
        """After the app ended: the runner's outcome, its error, or KeyboardInterrupt."""
        if self.error is not None:
            raise self.error
        if self.outcome in ("completed", "quit"):
            return self.outcome
        raise KeyboardInterrupt

    def start_worker(self) -> None:
        """Start the lesson loop on its own thread (once: `play` starts it early, the app when it mounts)."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="tutor-player", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        from tutor.lessons.runner import play

        session, start = self._job
        try:
            if start:
                if self.mounted.is_set():  # else the app opens saying it is computing
                    self._call("working", "Computing the steps before this one...")
                session.ensure(start - 1)  # bind the names the earlier steps compute, quietly
            self.outcome = play(session, start)
        except KeyboardInterrupt:
            self.outcome = "interrupted"
        except BaseException as err:  # noqa: BLE001 - raised again on the main thread
            self.error = err
        self.first_ready.set()
        self.mounted.wait()
        if not self.closed:
            try:
                self.app.call_from_thread(self.app.exit, self.outcome)
            except RuntimeError:
                pass

    def stop(self) -> None:
        """The app is going away (Ctrl-C, closed): every wait of the runner ends."""
        self.closed = True
        self.commands.put(_STOP)
        self.answers.put(_STOP)

    def _call(self, name: str, *args: Any) -> Any:
        """Run the app's method `name` on its thread and return its result."""
        while not self.mounted.wait(0.1):
            if self.closed:
                raise KeyboardInterrupt
        if self.closed:
            raise KeyboardInterrupt
        try:
            return self.app.call_from_thread(getattr(self.app, name), *args)
        except RuntimeError:  # the app is no longer running
            raise KeyboardInterrupt from None

    def _wait(self, q: queue.Queue, timeout: float | None = None):
        try:
            item = q.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is _STOP:
            q.put(_STOP)  # for any later wait too
            raise KeyboardInterrupt
        return item

    # -- the runner's interface ------------------------------------------------------------
    def show_step(self, session, i: int, out: list[Any]) -> None:
        step = session.steps[i]
        course = session.lesson.course
        in_force = ", ".join(f"{k} = {_value_text(v)}" for k, v in session.env.in_force.items())
        head = {
            "course": course.title if course is not None else "",
            "lesson": session.lesson.title,
            "k": i + 1, "N": session.N,
            "title": step.title or "",
            "in_force": in_force,
            # values the learner turns on this step (an explore step): the app gives it the up and down arrows
            "turns": len(getattr(step, "controls", ())) if getattr(step, "takes_arrows", False) else 0,
        }
        with self._first_lock:
            first = not self._composed
            if first:
                self._first = (head, list(out))
        if first:
            self.first_ready.set()  # the app composes it in
        else:
            self._call("show_step", head, list(out), i == self.shown and self.last in _REDRAWS)
        self.shown = i
        if self._held is not None:  # the first screen is up: computing ahead may start
            self.painted.wait(0.5)
            session.lookahead, self._held = self._held, None
            session.look_ahead()
        if self.notice:
            self.message(self.notice)
            self.notice = None

    def show_more(self, out: list[Any]) -> None:
        self._call("show_more", list(out))

    def message(self, text: str) -> None:
        self._call("message", text)

    def show_help(self, rows) -> None:
        self._call("show_help", list(rows))

    def read_command(self, session, i: int) -> str:
        if self.auto is not None and not self.paused:
            self._call("ready", f"auto: next step in {self.auto:g} s · any key pauses")
            key = self._wait(self.commands, timeout=self.auto)
            if key is None:
                return "next"
            self.paused = True
            self.message("Paused. Enter/n: next step, a: resume automatic advance.")
        if self.auto is not None:
            self._call("ready", "paused · Enter/n next · b back · a resume auto · q quit")
        else:
            self._call("ready", None)
        while True:
            key = self._wait(self.commands)
            if key in ("a", "A") and self.auto is not None:
                self.paused = False
                return "next"
            cmd = KEYS.get(key) or (WORDS.get(key) if len(key) > 1 else None)
            if cmd:
                self._call("working", None)
                self.last = cmd
                return cmd
            self.message(f"{key!r} is not a key here; ? shows the keys.")

    def ask(self, prompt: str, empty_ok: bool = False) -> str | None:
        """The line typed in the footer's box; None when the app goes away.

        empty_ok: an empty Enter answers '' (else it does nothing, as in line mode).
        """
        _drain(self.commands)  # keys pressed while the step was computed are not answers
        self._call("ask", prompt, True, empty_ok)
        answer = self._wait(self.answers)
        return answer

    def type_line(self, prompt: str, text: str) -> None:
        """Demo: the answer typed into the box one character at a time, then kept under the step."""
        delay = 0.0 if self.auto == 0 else 0.03
        self._call("ask", prompt.rstrip(": "), False)
        for n in range(1, len(text) + 1):
            self._call("typed", text[:n])
            if delay:
                time.sleep(delay)
        from tutor.lessons.context import SafeText

        self._call("end_ask")
        self._call("show_more", [SafeText((prompt, "bold"), (text, "bold cyan"))])

    def training(self, total: int, title: str):
        return LivePanel(self, total, title)

    def finish(self, session) -> None:
        """The end screen: the next lesson offered (tutor learn alone), else a key to leave."""
        from tutor.lessons.tui import served

        if self.next_lesson and served():
            # The page's session ends with the app; its Restart button opens the course where it now is.
            self._call("end", f"You reached the end of this lesson. Press Enter, then Restart on the page: "
                              f"the next lesson, {self.next_lesson}, begins.", "Enter or q ends this lesson")
            self.next_lesson = None
        elif self.next_lesson:
            self._call("end", f"You reached the end of this lesson. Next lesson: {self.next_lesson}.",
                       "Enter starts it · q stops here")
        else:
            self._call("end", "You reached the end of this lesson.", "Enter or q leaves")
        while True:
            key = self._wait(self.commands)
            cmd = KEYS.get(key)
            if cmd == "next":
                self.goes_on = bool(self.next_lesson)
                return
            if cmd == "quit":
                self.goes_on = False
                return


class LivePanel:
    """Training progress and the cost curve, redrawn under the step while it runs (at most 10 times a second)."""

    watched = True

    def __init__(self, ui: FullScreenUI, total: int, title: str) -> None:
        self.ui = ui
        self.total = max(int(total), 1)
        self.title = title
        self.costs: list[float] = []
        self.last = 0.0

    def renderable(self):
        """Progress line, bar and cost curve as one rich Group (as the line-mode player draws them)."""
        from tutor.lessons.ui import training_progress

        return training_progress(self.title, self.total, self.costs, line_after_bar=True)

    def update(self, record) -> bool:
        self.costs.append(record.cost)
        now = time.monotonic()
        if now - self.last > 0.1 or len(self.costs) - 1 >= self.total:
            self.ui._call("live", self.renderable())
            self.last = now
        return False

    def __enter__(self):
        self.ui._call("live", self.renderable())
        return self

    def __exit__(self, *exc):
        if not self.ui.closed:
            try:
                self.ui._call("live", None)
            except KeyboardInterrupt:
                pass
        return False


def _drain(q: queue.Queue) -> None:
    while True:
        try:
            item = q.get_nowait()
        except queue.Empty:
            return
        if item is _STOP:
            q.put(_STOP)
            return


def _value_text(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
