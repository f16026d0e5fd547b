"""How numbers are written: one format per view, never a number cut short.

A matrix uses one format for all the cells it shows (like numpy): fixed
decimals, unless the typical value would show fewer than two significant
places or the largest is huge, in which case scientific notation. Integer
and boolean arrays are written as integers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Formatter = Callable[[object], str]


def is_integer_dtype(dtype) -> bool:
    return np.dtype(dtype).kind in "iub"


def _median(values: np.ndarray) -> float:
    """The median of a non-empty 1-D array, as np.median gives it.

    Written out because np.median's NaN check imports numpy.ma the first time
    (about 10 ms, a thirtieth of a whole `tutor export`); the values here are
    finite already.
    """
    n = values.size
    half = n // 2
    if n % 2:
        return float(np.partition(values, half)[half])
    low, high = np.partition(values, (half - 1, half))[half - 1:half + 1]
    return float((low + high) / 2)


def array_formatter(values: np.ndarray, precision: int = 4, integer: bool | None = None) -> Formatter:
    """A formatter suited to the cells `values` (any shape) that will be shown."""
    values = np.asarray(values)
    if integer is None:
        integer = is_integer_dtype(values.dtype)
    if integer:
        return lambda v: str(int(v))
    if values.size and np.all(np.isfinite(values)) and np.all(values == np.round(values)) and np.abs(values).max() < 1e6:
        # Whole numbers stored as floats (a one-hot Y, counts): 0 and 1 read
        # better than 0.0000 and 1.0000; the title still says float64.
        return lambda v: str(int(v))
    finite = np.abs(values[np.isfinite(values)]) if values.size else values
    nonzero = finite[finite > 0]
    if nonzero.size:
        typical = _median(nonzero)
        big = float(nonzero.max())
        if big >= 1e6 or typical < 10.0 ** (1 - precision):
            places = max(precision - 1, 1)
            return lambda v: f"{float(v):.{places}e}"
    return lambda v: f"{float(v):.{precision}f}"


def scalar(value, precision: int = 6) -> str:
    """One number: fixed decimals in the usual range, scientific outside it."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    v = float(value)
    if not np.isfinite(v):
        return str(v)
    a = abs(v)
    if a == 0 or 10.0 ** (1 - precision) <= a < 1e6:
        return f"{v:.{precision}f}"
    return f"{v:.{max(precision - 1, 1)}e}"


def short(value, places: int = 2) -> str:
    """A compact number for differences and tolerances: 1.2e-07, 0.05, 3."""
    v = float(value)
    if not np.isfinite(v):
        return str(v)
    if v == 0:
        return "0"
    a = abs(v)
    if 1e-3 <= a < 1e4:
        return f"{v:.{places + 1}g}"
    return f"{v:.{places - 1}e}"


def significant(value, figures: int = 6) -> str:
    """A number to `figures` significant figures (for values compared side by side)."""
    v = float(value)
    if not np.isfinite(v):
        return str(v)
    return f"{v:.{figures}g}"


def percent(fraction: float, decimals: int = 1) -> str:
    return f"{100.0 * float(fraction):.{decimals}f}%"
