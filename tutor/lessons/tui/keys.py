"""The key lines the full-screen player shows (shared by the player and its app)."""

KEY_HELP = "Enter/n next · b back · h hint · r again · ? help · q quit"
KEY_HELP_NARROW = "n next · b back · h hint · q quit · ? help"
SCROLL_HELP = "↑↓ scroll"
