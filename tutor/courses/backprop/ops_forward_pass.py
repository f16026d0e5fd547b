"""The forward-pass lesson's operation beyond the general `forward`: the output h alone.

Each is a small function of named inputs that calls into `tutor.core` and
returns data (a value, or a dict of named values) for a lesson step to show
or check; nothing here prints. A parameter named `lam` is the lesson's
`lambda` (a Python keyword).
"""

from __future__ import annotations

import numpy as np

from tutor.core import (
    feedforward,
)
from tutor.plugin import operation


@operation("feedforward_h")
def feedforward_h(thetas, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    """Just the network's output h (m, K) for the given weights."""
    return feedforward(thetas, X, activation).h

