"""Small helpers the lessons' operation modules share.

`text_table` makes the cells of a `table` view; `as_sizes` reads a lesson's
`layer_sizes` (a list of numbers) as a tuple of ints.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def text_table(rows: Sequence[Sequence]) -> np.ndarray:
    """A small table for the `table` view: a 2-D array of cell texts.

    The headings belong to the lesson (the view's `columns:`), which is where
    a teacher would reword them; each op's docstring lists its columns.
    """
    return np.array([[str(c) for c in r] for r in rows])


def as_sizes(layer_sizes) -> tuple[int, ...]:
    """The layer sizes (s_1, ..., s_L) as ints."""
    return tuple(int(s) for s in layer_sizes)
