"""The key lines the full-screen player shows (shared by the player and its app, and by line mode's footer)."""

KEY_HELP = "Enter/n next · b back · h hint · r again · ? help · q quit"
KEY_HELP_NARROW = "n next · b back · h hint · q quit · ? help"
SCROLL_HELP = "↑↓ scroll"


def turn_keys(controls: int, narrow: bool = False) -> str:
    """The key line of a step with `controls` values to turn (Tab only when there is another to pick)."""
    if narrow:
        return "↑↓/+- change · s type · n next · b back · q quit"
    if controls > 1:
        return "↑↓ or +/- change · Tab switch · s type · n next · b back · ? help · q quit"
    return "↑↓ or +/- change · s type a value · n next · b back · ? help · q quit"


def turn_keys_scrolling(controls: int, room: int) -> str | None:
    """The key line of such a step when it is taller than the pane: its arrows turn the value, so the line
    says how it scrolls (PgUp/PgDn), shortened to fit `room` columns (None: even the shortest does not)."""
    tab = " · Tab switch" if controls > 1 else ""
    for line in (f"{turn_keys(controls)} · PgUp/PgDn scroll",
                 f"↑↓ or +/- change{tab} · s type · n next · b back · ? help · q quit · PgDn scroll",
                 f"↑↓ +/- change{tab} · s type · n next · b back · q quit · PgDn scroll",
                 "↑↓/+- change · n next · b back · q quit · PgDn scroll"):
        if len(line) <= room:
            return line
    return None
