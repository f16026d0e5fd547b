"""tutor: a terminal tutor that shows how a neural network learns."""

__version__ = "0.1.0"
