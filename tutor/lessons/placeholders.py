"""`{name}` placeholders in lesson text, filled from bound values.

Three forms, nothing else: `{name}` (the value), `{name.shape}` (its shape as
`m x n`), `{name:.4f}` (a format spec, also `{name.T.shape}`). `{{` and `}}`
are literal braces. No expression is ever evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)((?:\.T)?(?:\.shape|\.size|\.T)?)(?::([^{}]*))?\}")


# Anything that opens like a placeholder, `{` then a letter, up to its `}`.
_LOOKS_LIKE_FIELD = re.compile(r"\{[A-Za-z_][^{}]*\}")


def malformed_in(text: str) -> list[str]:
    """Brace groups that look like placeholders but are not one of the three forms.

    `{a2.shape[1]}` would otherwise be printed as it stands; the loader
    reports it instead. (Write `{{` and `}}` for literal braces.)
    """
    stripped = _FIELD.sub(lambda m: "" if m.group(1) else "\0", text)
    return _LOOKS_LIKE_FIELD.findall(stripped)


def names_in(text: str) -> list[str]:
    """The bound names a text uses, in order (for the loader's checks)."""
    return [m.group(1) for m in _FIELD.finditer(text) if m.group(1)]


def shape_text(shape: tuple[int, ...]) -> str:
    """(5000, 25) -> '5000 x 25'; (10,) -> '10'."""
    return " x ".join(str(int(s)) for s in shape) if shape else "scalar"


def _number_text(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v)).lower()
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.6g}"
    return str(v)


def value_text(v: Any, spec: str | None = None) -> str:
    """A bound value as it reads in a sentence."""
    if spec:
        if isinstance(v, np.ndarray) and v.size == 1:
            v = v.item()
        return format(v, spec)
    if isinstance(v, np.ndarray):
        if v.ndim == 0 or v.size == 1:
            return _number_text(v.item())
        if v.size <= 12:
            return "[" + ", ".join(_number_text(x) for x in v.ravel()) + "]"
        return f"({shape_text(v.shape)} array)"
    if isinstance(v, (list, tuple)):
        if all(isinstance(x, (int, float, np.integer, np.floating, str)) for x in v) and len(v) <= 12:
            return ", ".join(_number_text(x) for x in v) if not any(isinstance(x, str) for x in v) else ", ".join(map(str, v))
        return f"({len(v)} items)"
    return _number_text(v)


def fill(text: str, values: Mapping[str, Any]) -> str:
    """Replace every placeholder; KeyError/ValueError for a missing name or bad spec."""

    def one(m: re.Match) -> str:
        whole = m.group(0)
        if whole == "{{":
            return "{"
        if whole == "}}":
            return "}"
        name, attr, spec = m.group(1), m.group(2), m.group(3)
        if name not in values:
            raise KeyError(name)
        v = values[name]
        if attr.startswith(".T"):
            v = np.asarray(v).T
            attr = attr[2:]
        if attr == ".shape":
            return shape_text(np.shape(v))
        if attr == ".size":
            return str(int(np.size(v)))
        return value_text(v, spec)

    return _FIELD.sub(one, text)
