"""Named styles shared by the views. Colour only ever adds to a word or mark."""

from rich.terminal_theme import TerminalTheme

NAME = "bold"
INDEX = "dim"
DIM = "dim"
HIGHLIGHT = "bold yellow"
PASS = "bold green"
WARN = "bold yellow"
FAIL = "bold red"
MATCH = "green"
MISMATCH = "bold red"
LINE = "cyan"
AXIS = "dim"

# Terminal colours remapped for paper: a white page, and no colour light
# enough to vanish on it (the usual bright yellow and cyan would).
# ANSI black becomes a pale grey: on paper it is only ever used as a
# background (inline code is "cyan on black"), and a black bar wastes ink.
PAPER_THEME = TerminalTheme(
    (255, 255, 255),
    (26, 26, 26),
    [
        (236, 236, 236), (178, 34, 34), (0, 120, 40), (150, 100, 0),
        (30, 80, 170), (140, 40, 140), (0, 120, 130), (90, 90, 90),
    ],
    [
        (80, 80, 80), (200, 40, 40), (20, 140, 60), (160, 110, 0),
        (40, 100, 200), (160, 50, 160), (0, 130, 150), (60, 60, 60),
    ],
)
