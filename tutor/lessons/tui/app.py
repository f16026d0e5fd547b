"""PlayerApp: the full-screen lesson player's screen (Textual).

    ┌ course · lesson                          Step k of N ━━━━━━──── ┐  fixed header
    │ the step's title   (with lambda = 3)                            │
    ├─────────────────────────────────────────────────────────────────┤
    │ the step's renderables, in a pane that scrolls (keys, wheel)    │  opens at the top
    │ ... hints, feedback and answers added under it                  │
    ├─────────────────────────────────────────────────────────────────┤
    │ a message                                                       │  fixed footer
    │ Your answer (h hint, b back, q quit): [                       ] │
    │ Enter/n next · b back · h hint · r again · ? help · q quit      │
    └─────────────────────────────────────────────────────────────────┘

The app draws; the lesson loop runs on the FullScreenUI's worker thread and
calls the methods below through `call_from_thread`. Keys go back to the loop
on a queue (ui.commands) while it waits for a command, and the answer box's
lines on another (ui.answers) while it asks. On a step with values to turn
(an explore step) the up and down arrows turn the selected value, as + and -
do, and the pane scrolls with PgUp/PgDn and the wheel. Textual lays the screen out
again on every resize, and each rich renderable is drawn again at the new
width.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from tutor.lessons.tui import frame
from tutor.lessons.tui.keys import SCROLL_HELP

# Textual's names for the keys the line-mode player reads as characters (tutor.lessons.ui.KEYS).
_KEY_CHARS = {"enter": "\r", "right": "\x1b[C", "left": "\x1b[D", "ctrl+d": "\x04", "space": " ", "tab": "\t"}
_SCROLL = ("up", "down", "pageup", "pagedown", "home", "end")
# On a step with values to turn (head["turns"]), the up and down arrows turn the selected one, as + and -.
_TURN_CHARS = {"up": "\x1b[A", "down": "\x1b[B"}


class PlayerApp(App):
    """One lesson, full screen. `ui` is the FullScreenUI whose worker plays it."""

    TITLE = "tutor"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { layout: vertical; }
    #top { height: auto; background: $panel; padding: 0 1; }
    #title { height: auto; }
    #body { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    #body > Static { width: 100%; }
    #body > .more { margin-top: 1; }
    #live { height: auto; display: none; padding: 0 1; border-top: solid $primary; }
    #help { height: auto; display: none; padding: 0 1; border-top: solid $accent; }
    #bottom { height: auto; background: $panel; padding: 0 1; }
    #message { height: auto; max-height: 4; display: none; }
    #asking { height: auto; display: none; }
    #prompt { height: auto; }
    #askrow { height: 1; }
    #caret { width: 2; color: $accent; }
    #answer { width: 1fr; height: 1; border: none; padding: 0 1; background: $surface; }
    #answer:focus { border: none; background-tint: $foreground 5%; }
    #keys { height: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("ctrl+c", "interrupt", "stop", show=False, priority=True),
        Binding("ctrl+q", "interrupt", "stop", show=False, priority=True),
    ]

    def __init__(self, ui, driver_class=None) -> None:
        super().__init__(driver_class=driver_class)
        self.ui = ui
        self.asking = False
        self.empty_ok = False
        self.keys_text: str | None = None  # the footer's key line while waiting (None: the usual keys)
        self.head: dict | None = None  # what the header says (kept to draw it again at another width)
        self.turns = 0  # how many values the step on screen turns (an explore step): its arrows turn them

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The first step, when the lesson loop computed it before this: composed in, so the first
        # frame Textual draws is the step (not a "Loading" frame and a second layout after it).
        first = self.ui.take_first()
        if first is not None:
            self.head = first[0]
            self.turns = first[0].get("turns", 0)
        with Vertical(id="top"):
            yield Static(Text("Loading the lesson...", style="bold") if first is None else "", id="heading")
            yield Static("", id="title")
        with VerticalScroll(id="body") as body:
            body.can_focus = False  # keys go to the lesson; the app scrolls the pane itself
            if first is not None:
                yield Static(Group(*first[1]))
        yield Static("", id="live")
        yield Static("", id="help")
        with Vertical(id="bottom"):
            yield Static("", id="message")
            with Vertical(id="asking"):
                yield Static("", id="prompt")
                with Horizontal(id="askrow"):
                    yield Static(Text("›", style="bold"), id="caret")
                    # the answer box (Input) is mounted at the first question: a step without one
                    # never pays for it (Input's CSS is the largest a widget brings to the start-up)
            yield Static(frame.waiting(), id="keys")

    def on_mount(self) -> None:
        if self.head is not None:  # the first step, composed in: its header at the window's width
            self._heading(self.head)
            self.call_after_refresh(self.ui.first_painted)
        self.ui.mounted.set()
        self.ui.start_worker()

    def on_resize(self, event) -> None:
        if self.head is not None:
            self._heading(self.head, event.size.width)  # the course's name fits from 100 columns
        self._show_keys()

    # -- what the worker calls (on this thread, through call_from_thread) ------------------------------
    def show_step(self, head: dict, out: list[Any], keep_place: bool = False) -> None:
        """A new step: header, its renderables from the top, no message, no help.

        keep_place: the same step drawn anew after a change (an explore step's
        value turned): the pane stays where the learner had scrolled it.
        """
        self._heading(head)
        self.turns = head.get("turns", 0)
        body = self.query_one("#body", VerticalScroll)
        y = body.scroll_y
        body.remove_children()
        body.mount(Static(Group(*out)))
        if keep_place:
            self.call_after_refresh(lambda: body.scroll_to(y=y, animate=False))
        else:
            body.scroll_home(animate=False)
        self._set_message(None)
        self._hide("#help")
        self.end_ask()
        self.call_after_refresh(self.ui.first_painted)

    async def show_more(self, out: list[Any]) -> None:
        """Renderables under the step (feedback, a hint, the answer, a check's report), scrolled into view:
        the least that shows them, and never past their first line when they are taller than the pane."""
        body = self.query_one("#body", VerticalScroll)
        more = Static(Group(*out), classes="more")
        await body.mount(more)
        self.call_after_refresh(self._reveal, more)

    def _reveal(self, widget) -> None:
        body = self.query_one("#body", VerticalScroll)
        region = widget.virtual_region
        if region.height >= body.scrollable_content_region.height:
            body.scroll_to(y=region.y, animate=False)
        else:
            body.scroll_to_widget(widget, animate=False, top=False)

    def message(self, text: str) -> None:
        self._set_message(text)

    def show_help(self, rows: list[tuple[str, str]]) -> None:
        table = Table(title="Keys", title_justify="left", show_header=False, box=None, padding=(0, 2))
        for key, what in rows:
            table.add_row(Text(key, style="bold"), what)
        if self.turns:
            table.add_row(Text("↑ ↓", style="bold"), "on this step: change the selected value, as + and - do")
            table.add_row(Text("PgUp PgDn", style="bold"), "scroll the step (the mouse wheel too)")
        else:
            table.add_row(Text("↑ ↓ PgUp PgDn", style="bold"), "scroll the step (the mouse wheel too)")
        table.add_row(Text("Ctrl-C", style="bold"), "stop at once (your place is saved)")
        help_panel = self.query_one("#help", Static)
        help_panel.update(table)
        help_panel.display = True

    def ready(self, keys: str | None) -> None:
        """The loop waits for a key: say which ones."""
        self.keys_text = keys
        self._show_keys()
        self.call_after_refresh(self._show_keys)  # once laid out: whether the step scrolls
        self.set_timer(0.2, self._show_keys)

    def working(self, text: str | None = None) -> None:
        """The loop is computing: say so until the next screen."""
        self.keys_text = None
        keys = self.query_one("#keys", Static)
        keys.update(Text(text or "Working...", style="dim italic"))

    async def ask(self, prompt: str, editable: bool = True, empty_ok: bool = False) -> None:
        """Show the prompt and the answer box under it, and give the box the keys.

        empty_ok: an empty Enter is a reply (Enter at 'Show the answer?');
        otherwise it does nothing, as on the line-mode terminal.
        """
        self.asking = True
        self.empty_ok = empty_ok
        self.query_one("#prompt", Static).update(Text(f"{prompt}:", style="bold"))
        self.query_one("#asking").display = True
        box = self._box()
        if box is None:
            box = Input(id="answer")
            await self.query_one("#askrow").mount(box)
        box.value = ""
        box.disabled = not editable
        if editable:
            box.focus()
        said = "Type your answer, then Enter" if editable else "Demo: the answer types itself"
        self.query_one("#keys", Static).update(Text(f"{said} · {SCROLL_HELP} · Ctrl-C stops", style="dim"))

    def typed(self, text: str) -> None:
        box = self._box()
        if box is not None:
            box.value = text

    def end_ask(self) -> None:
        self.asking = False
        box = self._box()
        if box is not None:
            box.value = ""
            box.disabled = True
        self.query_one("#asking").display = False

    def _box(self) -> Input | None:
        """The answer box, once the first question has mounted it."""
        found = self.query("#answer")
        return found.first(Input) if found else None

    def live(self, renderable) -> None:
        """Training's live panel (None hides it)."""
        panel = self.query_one("#live", Static)
        if renderable is None:
            panel.display = False
            return
        panel.update(renderable)
        panel.display = True

    def end(self, text: str, keys: str) -> None:
        body = self.query_one("#body", VerticalScroll)
        done = Static(Text(text, style="bold green"), classes="more")
        body.mount(done)
        self.call_after_refresh(self._reveal, done)
        self._set_message(None)  # what was said during the lesson is done with
        self.turns = 0  # the end screen: the arrows scroll again
        self.keys_text = keys
        self._show_keys()

    # -- events ------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not self.asking:
            return
        event.stop()
        if not event.value.strip() and not self.empty_ok:
            return  # nothing typed: the box stays open
        self.end_ask()
        self._set_message(None)  # what was said about the last answer
        self.working(None)
        self.ui.answers.put(event.value)

    def on_key(self, event) -> None:
        if event.key in _TURN_CHARS and self.turns and not self.asking:
            event.stop()
            event.prevent_default()
            self._hide("#help")
            self.ui.commands.put(_TURN_CHARS[event.key])  # 'more' / 'less' (tutor.lessons.ui.KEYS)
            return
        if event.key in _SCROLL:
            if self.asking and event.key in ("home", "end"):
                return  # the answer box's own: start and end of the line
            event.stop()
            event.prevent_default()
            self._scroll(event.key)
            return
        if self.asking:
            return  # the answer box has the keys
        key = _KEY_CHARS.get(event.key) or (event.character if event.is_printable else None)
        if key is None:
            return
        event.stop()
        event.prevent_default()
        self._hide("#help")
        self.ui.commands.put(key)

    def action_interrupt(self) -> None:
        """Ctrl-C: stop at once; the command saves the step on screen and says how to resume."""
        self.ui.stop()
        self.exit(None)

    def on_unmount(self) -> None:
        self.ui.stop()

    # -- helpers ---------------------------------------------------------------------------
    def _heading(self, head: dict, width: int | None = None) -> None:
        self.head = head
        self.query_one("#heading", Static).update(frame.heading(head, width or self.size.width))
        shown = self.query_one("#title", Static)
        title = frame.title(head)
        shown.update(title)
        shown.display = bool(title.plain)

    def _set_message(self, text: str | None) -> None:
        msg = self.query_one("#message", Static)
        if not text:
            msg.display = False
            return
        msg.update(Text(text, style="yellow"))
        msg.display = True

    def _show_keys(self) -> None:
        if self.asking:
            return
        body = self.query_one("#body", VerticalScroll)
        self.query_one("#keys", Static).update(
            frame.keys_line(self.size.width, self.keys_text, body.max_scroll_y > 0, self.turns))

    def _hide(self, selector: str) -> None:
        self.query_one(selector).display = False

    def _scroll(self, key: str) -> None:
        body = self.query_one("#body", VerticalScroll)
        {"up": body.scroll_up, "down": body.scroll_down, "pageup": body.scroll_page_up,
         "pagedown": body.scroll_page_down, "home": body.scroll_home, "end": body.scroll_end}[key](animate=False)


ALTERNATE_SCREEN = "\x1b[?1049h"


def terminal_driver(attrs_before):
    """Textual's terminal driver, told the terminal's settings from before the early frame
    (tutor.lessons.tui.early turned echo off already): it gives those back when the app ends."""
    from textual.drivers.linux_driver import LinuxDriver

    class EarlyFrameDriver(LinuxDriver):
        alternate_screen_entered = True  # by the early frame

        def start_application_mode(self) -> None:
            super().start_application_mode()
            if attrs_before is not None:
                self.attrs_before = attrs_before

        def write(self, data: str) -> None:
            if data == ALTERNATE_SCREEN and self.alternate_screen_entered:
                # The early frame is on the alternate screen already; entering it again clears it on
                # some terminals, which would leave a blank screen until Textual's first frame.
                self.alternate_screen_entered = False  # a resume after Ctrl-Z enters it again
                return
            super().write(data)

    return EarlyFrameDriver


def screen_text(app: App) -> str:
    """What the app shows now, as plain text, one line per row (for tests and checks by eye)."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        lines.append("".join(segment.text for segment in strip).rstrip())
    return "\n".join(lines)
