"""The key lines the full-screen player shows (shared by the player and its app, and by line mode's footer)."""

KEY_HELP = "Enter/n next · b back · h hint · r again · ? help · q quit"
KEY_HELP_NARROW = "n next · b back · h hint · q quit · ? help"
SCROLL_HELP = "↑↓ scroll"
# On a step with values to turn (an explore step) the up and down arrows turn the selected value, so the
# pane scrolls with PgUp/PgDn (and the wheel) only.
TURN_SCROLL_HELP = "PgUp/PgDn scroll"


def turn_keys(controls: int, narrow: bool = False) -> str:
    """The key line of a step with `controls` values to turn (Tab only when there is another to pick)."""
    if narrow:
        return "↑↓/+- change · s type · n next · b back · q quit"
    if controls > 1:
        return "↑↓ or +/- change · Tab switch · s type · n next · b back · ? help · q quit"
    return "↑↓ or +/- change · s type a value · n next · b back · ? help · q quit"
