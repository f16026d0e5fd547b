"""The full-screen player's first frame, drawn with rich while Textual is still loading.

Textual's import, its start and its first layout add about 150 ms of CPU to
`tutor learn` (see BENCHMARKS.md), and none of it can run beside the lesson's
own loading: both hold the interpreter. The first step is ready well before.
So, on a terminal, the frame Textual is about to draw is drawn first from
here, with rich alone: the same rows (header, the step's title, the step
from its top, the footer's waiting line), the same widths (the body's
padding, and its one-column scroll bar when the step is taller than the
pane), the same colours (Textual's default dark theme, its ANSI palette, its
dim and its NO_COLOR greys). Textual's first frame then overwrites it cell
for cell; tests/test_player_early.py compares the two at 80 x 24 and
120 x 40.

The terminal's echo and line editing are off from the moment the frame is
drawn (as Textual sets them), so keys typed while Textual loads are neither
echoed nor lost: they wait in the terminal's input queue, and Textual's
input thread reads them first. The settings from before are handed to
Textual's driver (tutor.lessons.tui.app.terminal_driver) so that it gives
them back at the end, and `restore` gives them back if Textual never starts.
"""

from __future__ import annotations

import io
import os
import sys
from math import ceil

from rich.color import Color, ColorSystem
from rich.console import Console, Group
from rich.segment import Segment
from rich.style import Style

from tutor.lessons.tui import frame

# Textual's default theme (textual-dark), as the app resolves it: the variables the player's CSS uses.
BACKGROUND = (0x12, 0x12, 0x12)  # $background: the step's pane
PANEL = (0x24, 0x2F, 0x38)  # $panel: header and footer
FOREGROUND = (0xE0, 0xE0, 0xE0)  # $foreground (text on both)
MUTED = (167, 171, 175)  # $text-muted over $panel: the footer's key line
SCROLLBAR = (0x00, 0x30, 0x54)  # $scrollbar
SCROLLBAR_BACKGROUND = (0x00, 0x00, 0x00)  # $scrollbar-background
# Textual's ANSI theme for the dark themes: the 16 named colours rich renderables use, as Textual shows them.
ANSI = ((26, 26, 26), (244, 0, 95), (152, 224, 36), (253, 151, 31), (157, 101, 255), (244, 0, 95), (88, 209, 235),
        (196, 197, 181), (98, 94, 76), (244, 0, 95), (152, 224, 36), (224, 213, 97), (157, 101, 255), (244, 0, 95),
        (88, 209, 235), (246, 246, 239))
ANSI_FOREGROUND = (217, 217, 217)
ANSI_BACKGROUND = (12, 12, 12)
DIM_FACTOR = 0.66  # Textual shows dim text as its colour two thirds of the way from the background
VERTICAL_BARS = "▁▂▃▄▅▆▇ "  # the scroll bar's eighths, as Textual draws the end of its thumb


def _rgb(triplet) -> Color:
    return Color.from_rgb(*triplet)


def _textual_color(color: Color | None, foreground: bool) -> Color | None:
    """A colour as Textual's ANSIToTruecolor filter shows it: named colours through its ANSI theme."""
    if color is None or color.triplet is not None:
        return color
    if color.is_default:
        return _rgb(ANSI_FOREGROUND if foreground else ANSI_BACKGROUND)
    return _rgb(ANSI[color.number] if color.number is not None and color.number < 16 else
                color.get_truecolor(foreground=foreground))


def _blend(back: Color, fore: Color, factor: float) -> Color:
    (r1, g1, b1), (r2, g2, b2) = back.triplet, fore.triplet
    return Color.from_rgb(r1 + (r2 - r1) * factor, g1 + (g2 - g1) * factor, b1 + (b2 - b1) * factor)


def _grey(color: Color | None) -> Color | None:
    if color is None or color.triplet is None:
        return color
    r, g, b = color.triplet
    gray = round(r * 0.2126 + g * 0.7152 + b * 0.0722)
    return Color.from_rgb(gray, gray, gray)


class _Styler:
    """Turns rich styles into the styles Textual writes for them (its filters, in its order)."""

    def __init__(self, no_color: bool) -> None:
        self.no_color = no_color
        self.cache: dict = {}

    def __call__(self, style: Style | None, base: Style) -> Style:
        key = (style, base)
        got = self.cache.get(key)
        if got is None:
            got = self.cache[key] = self._convert(base + style if style is not None else base)
        return got

    def _convert(self, style: Style) -> Style:
        color = _textual_color(style.color, True)
        bgcolor = _textual_color(style.bgcolor, False)
        if style.dim and color is not None:
            color = _blend(bgcolor if bgcolor is not None else _rgb(BACKGROUND), color, DIM_FACTOR)
            style += Style(dim=False)
        if self.no_color:
            color, bgcolor = _grey(color), _grey(bgcolor)
        return style + Style.from_color(color, bgcolor)


def _lines(console: Console, renderable, width: int) -> list[list[Segment]]:
    return console.render_lines(renderable, console.options.update_width(width), pad=True, new_lines=False)


def _padded(line: list[Segment], base: Style) -> list[Segment]:
    return [Segment(" ", base), *Segment.apply_style(line, base), Segment(" ", base)]


def _scrollbar(height: int, content: int) -> list[Segment]:
    """Textual's vertical scroll bar at the top of a pane `height` rows high over `content` rows."""
    back = _rgb(SCROLLBAR_BACKGROUND)
    bar = _rgb(SCROLLBAR)
    thumb = max(1, height / (content / height))
    end_index, end_bar = divmod(ceil(thumb * len(VERTICAL_BARS)), len(VERTICAL_BARS))
    cells = [Segment(" ", Style(color=bar, reverse=True))] * min(end_index, height)
    cells += [Segment(" ", Style(bgcolor=back))] * (height - len(cells))
    if end_index < height:
        glyph = VERTICAL_BARS[len(VERTICAL_BARS) - 1 - end_bar]
        if glyph != " ":
            cells[end_index] = Segment(glyph, Style(bgcolor=back, color=bar, reverse=True))
    return cells


def rows(head: dict, out: list, width: int, height: int, console: Console | None = None,
         no_color: bool | None = None) -> list[list[Segment]]:
    """The first frame, one list of segments per terminal row, styled as Textual writes them."""
    if no_color is None:
        no_color = "NO_COLOR" in os.environ
    if console is None:
        console = _console(width, height, "truecolor")
    styler = _Styler(no_color)
    panel = Style.from_color(_rgb(FOREGROUND), _rgb(PANEL))
    body = Style.from_color(_rgb(FOREGROUND), _rgb(BACKGROUND))
    muted = Style.from_color(_rgb(MUTED), _rgb(PANEL))
    inner = max(width - 2, 1)
    top = _lines(console, frame.heading(head, width), inner)[:1]
    title = frame.title(head)
    if title.plain:
        top += _lines(console, title, inner)
    top = [_padded(line, panel) for line in top]
    # the footer as Textual's first frame has it: the app's resize handler has put the usual keys there
    bottom = [_padded(_lines(console, frame.keys_line(width, turns=head.get("turns", 0)), inner)[0], muted)]
    pane = max(height - len(top) - len(bottom), 0)
    step = Group(*out)
    content = _lines(console, step, inner)
    middle: list[list[Segment]]
    if len(content) > pane > 0:  # Textual's scroll bar takes the pane's last column
        content = _lines(console, step, max(inner - 1, 1))
        bar = _scrollbar(pane, len(content))
        # the bar sits inside the pane's right padding: pad, content, bar, pad
        middle = [_padded(line, body)[:-1] + [Segment(bar[n].text, body + bar[n].style), Segment(" ", body)]
                  for n, line in enumerate(content[:pane])]
    else:
        blank = [Segment(" " * inner)]
        middle = [_padded(line, body) for line in content[:pane]]
        middle += [_padded(blank, body)] * (pane - len(middle))
    screen = top[:height] + middle + bottom
    screen = screen[:height]
    return [[Segment(text, styler(style, Style())) for text, style, _ in line] for line in screen]


def _console(width: int, height: int, color_system: str | None = "auto") -> Console:
    """A console that renders as Textual's does: NO_COLOR is Textual's business (it turns colours to greys)."""
    environ = dict(os.environ)
    environ.pop("NO_COLOR", None)
    return Console(width=width, height=height, force_terminal=True, color_system=color_system, legacy_windows=False,
                   file=io.StringIO(), _environ=environ)


class EarlyFrame:
    """Draws the first frame and takes the terminal's keys until Textual takes over (or gives it back)."""

    def __init__(self) -> None:
        self.attrs: list | None = None  # the terminal's settings before the frame
        self.drawn = False

    def draw(self, head: dict, out: list) -> bool:
        """Echo off, the alternate screen, the frame. False (nothing done) when the terminal says no."""
        import termios
        import tty

        try:
            fd = sys.stdin.fileno()
            size = os.get_terminal_size(sys.stdout.fileno())
            self.attrs = termios.tcgetattr(fd)
        except (OSError, ValueError, termios.error):
            return False
        if size.columns < 10 or size.lines < 4:  # no size known (0 x 0), or too small to say anything
            return False
        quiet = termios.tcgetattr(fd)
        # as Textual's driver sets them: no echo, no line editing, Ctrl-C a key for the app
        quiet[tty.LFLAG] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN | termios.ISIG)
        quiet[tty.IFLAG] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
        quiet[tty.CC][termios.VMIN] = 1
        try:
            termios.tcsetattr(fd, termios.TCSANOW, quiet)
        except termios.error:
            return False
        no_color = "NO_COLOR" in os.environ
        console = _console(size.columns, size.lines)
        system = {"standard": ColorSystem.STANDARD, "256": ColorSystem.EIGHT_BIT,
                  "truecolor": ColorSystem.TRUECOLOR}.get(console.color_system or "", None)
        parts = ["\x1b[?1049h\x1b[?25l\x1b[?7l"]  # alternate screen, no cursor, no line wrap (as Textual)
        for n, line in enumerate(rows(head, out, size.columns, size.lines, console, no_color)):
            parts.append(f"\x1b[{n + 1};1H")
            parts.extend(style.render(text, color_system=system) if style else text for text, style, _ in line)
        try:
            sys.stdout.write("".join(parts))
            sys.stdout.flush()
        except OSError:
            self.restore()
            return False
        self.drawn = True
        return True

    def restore(self) -> None:
        """Textual did not take over: the main screen, the cursor and the terminal's settings back."""
        import termios

        if self.drawn:
            try:
                sys.stdout.write("\x1b[?7h\x1b[?1049l\x1b[?25h")
                sys.stdout.flush()
            except OSError:
                pass
            self.drawn = False
        if self.attrs is not None:
            try:
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, self.attrs)
            except (OSError, ValueError, termios.error):
                pass
