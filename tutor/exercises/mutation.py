"""Did a call change its inputs? Judged in the parent, from the inputs the child sent back.

The child runs the learner's function and then sends the arguments back as
they are after the call; the parent holds its own copies of what it sent.
Nothing the learner's code can reach (the child's frames, numpy's functions
there) takes part in the judgement.
"""

from __future__ import annotations

import numpy as np

from tutor.exercises.registry import FunctionArg

MAX_DEPTH = 6


def changed_inputs(before: list, after, names: list) -> list[str]:
    """Paths ('X', 'params[1]', 'cache["A1"]') of the input arrays the call changed.

    before: the positional arguments as the parent built them; after: the
    child's report of the same arguments after the call (a list, decoded).
    An array counts as changed when its shape or dtype differs, or a cell
    moved by more than 1e-12 relative to the array's largest value. A report
    that does not match the inputs' structure counts every array as changed.
    """
    found: list[str] = []
    if not isinstance(after, (list, tuple)) or len(after) != len(before):
        for i, b in enumerate(before):
            _walk(b, None, _name(names, i), found, 0)
        return found
    for i, (b, a) in enumerate(zip(before, after)):
        _walk(b, a, _name(names, i), found, 0)
    return found


def _name(names, i):
    return names[i] if i < len(names) else f"argument {i + 1}"


def _walk(before, after, path: str, found: list, depth: int) -> None:
    if depth > MAX_DEPTH or isinstance(before, FunctionArg):
        return
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or array_changed(after, before):
            found.append(path)
        return
    if isinstance(before, (list, tuple)):
        same = isinstance(after, (list, tuple)) and len(after) == len(before)
        for i, b in enumerate(before):
            _walk(b, after[i] if same else None, f"{path}[{i}]", found, depth + 1)
    elif isinstance(before, dict):
        same = isinstance(after, dict)
        for k, b in before.items():
            _walk(b, after.get(k) if same else None, f'{path}["{k}"]', found, depth + 1)


def array_changed(arr: np.ndarray, before: np.ndarray) -> bool:
    """In-place change beyond rounding: shape, dtype, or cells off by more than 1e-12 relative."""
    if arr.shape != before.shape or arr.dtype != before.dtype:
        return True
    if arr.dtype.kind not in "fc":
        return not np.array_equal(arr, before)
    finite = np.isfinite(before)
    scale = float(np.max(np.abs(before[finite]))) if finite.any() else 0.0
    return not np.allclose(arr, before, rtol=1e-12, atol=1e-12 * scale, equal_nan=True)
