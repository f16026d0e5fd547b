"""What the full-screen player's header and footer say, as rich renderables (no Textual here).

Shared by the Textual app (tutor.lessons.tui.app) and by the first frame
drawn before Textual has loaded (tutor.lessons.tui.early), so the two cannot
drift apart: the same header line, the same title, the same waiting line.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

WAITING = "Please wait: computing..."  # the footer until the lesson waits for a key
WAITING_STYLE = "dim italic"


def heading(head: dict, width: int) -> Table:
    """The header's line: course (from 100 columns) and lesson, 'Step k of N', a progress bar."""
    from rich.progress_bar import ProgressBar

    line = Table.grid(expand=True, padding=(0, 1))
    line.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    line.add_column(no_wrap=True, justify="right")
    bar_width = 20 if width >= 100 else 10
    line.add_column(width=bar_width, no_wrap=True)
    where = Text()
    if head["course"] and width >= 100:
        where.append(head["course"], style="magenta")
        where.append(" · ", style="dim")
    where.append(head["lesson"], style="bold magenta")
    line.add_row(where, Text(f"Step {head['k']} of {head['N']}", style="bold"),
                 ProgressBar(total=head["N"], completed=head["k"], width=bar_width))
    return line


def title(head: dict) -> Text:
    """The step's title under the header, with the --set values in force (empty: no title row)."""
    shown = Text(head["title"], style="bold underline") if head["title"] else Text("")
    if head["in_force"]:
        shown.append("   " if head["title"] else "")
        shown.append(f"with {head['in_force']}", style="yellow")
    return shown


def waiting() -> Text:
    return Text(WAITING, style=WAITING_STYLE)


def keys_line(width: int, keys: str | None = None, scrolls: bool = False, turns: int = 0) -> Text:
    """The footer's key line while the lesson waits for a key: `keys`, else the usual ones for the width,
    and the scroll keys when the step scrolls and they fit.

    turns: the number of values the step on screen turns (an explore step; 0 for any other): its keys,
    the arrows among them, and PgUp/PgDn as its scroll keys.
    """
    from tutor.lessons.tui.keys import KEY_HELP, KEY_HELP_NARROW, SCROLL_HELP, turn_keys, turn_keys_scrolling

    if turns and not keys:
        text = (turn_keys_scrolling(turns, width - 2) if scrolls else None) or turn_keys(turns, narrow=width < 60)
        return Text(text, style="dim")
    text = keys or (KEY_HELP if width >= 60 else KEY_HELP_NARROW)
    if scrolls and len(text) + len(SCROLL_HELP) + 3 <= width - 2:
        text += " · " + SCROLL_HELP
    return Text(text, style="dim")
