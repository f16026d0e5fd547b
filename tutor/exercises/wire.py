"""Values across the process boundary: JSON for structure, .npy members for arrays.

This module runs on both sides. The checked code's private folder receives a
copy of it (the child never imports the tutor package), so it needs nothing
but the standard library and numpy. Nothing is pickled: arrays of a numeric
dtype travel in an .npz file read with allow_pickle off; numbers, strings,
None, tuples, lists and string-keyed dicts travel in JSON; anything else is
described by its type name only. `decode` is strict: a description that does
not follow these rules (as a forged result would) raises WireError.
"""

from __future__ import annotations

import math
import re

MAX_DEPTH = 6
MAX_ITEMS = 200
MAX_STR = 200
_KEY = re.compile(r"^a[0-9]{1,6}$")


class WireError(ValueError):
    """A value description that does not follow the rules."""


def describe_type(value) -> str:
    t = type(value)
    name = getattr(t, "__name__", "object")
    module = getattr(t, "__module__", "")
    text = name if module == "builtins" else f"{module}.{name}"
    return str(text)[:80]


def encode(value, arrays: dict, depth: int = 0, extra=None):
    """value -> JSON-able description; arrays go into `arrays` as a0, a1, ...

    extra(value) may describe values of its own kinds first (the parent's
    function arguments); it returns None for everything else.
    """
    import numpy as np

    if extra is not None:
        described = extra(value, arrays, depth)
        if described is not None:
            return described
    if depth > MAX_DEPTH:
        return {"t": "other", "type": "a structure nested too deeply"}
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, (int, np.integer)):
        v = int(value)
        if abs(v) > 2**63:
            return {"t": "float", "v": float(v)}
        return {"t": "int", "v": v}
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return {"t": "float", "v": v if math.isfinite(v) else repr(v)}
    if isinstance(value, str):
        return {"t": "str", "v": str.__str__(value)[:MAX_STR]}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf" or value.dtype.hasobject:
            return {"t": "other", "type": f"numpy array of {value.dtype}"}
        name = f"a{len(arrays)}"
        arrays[name] = np.ascontiguousarray(value)
        return {"t": "array", "key": name}
    if isinstance(value, (tuple, list)):
        if len(value) > MAX_ITEMS:
            return {"t": "other", "type": f"{describe_type(value)} of {len(value)} items"}
        return {"t": "tuple" if isinstance(value, tuple) else "list",
                "items": [encode(v, arrays, depth + 1, extra) for v in value]}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS or not all(type(k) is str for k in value):
            return {"t": "other", "type": "dict with non-string keys or too many items"}
        return {"t": "dict", "items": {k[:MAX_STR]: encode(v, arrays, depth + 1, extra) for k, v in dict.items(value)}}
    return {"t": "other", "type": describe_type(value)}


class Other:
    """A returned value that could not cross the boundary: only its type is known."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def _need(cond: bool, what: str) -> None:
    if not cond:
        raise WireError(what)


def decode(desc, arrays, funcs=None, depth: int = 0):
    """Inverse of encode, strict. arrays: a mapping (or a function key -> array).

    funcs(name, kwargs) builds a function argument ({"t": "func"}); without
    funcs such a description is refused.
    """
    _need(depth <= MAX_DEPTH + 1, "nested too deeply")
    _need(isinstance(desc, dict), "a value description must be an object")
    t = desc.get("t")
    if t == "none":
        return None
    if t == "bool":
        _need(isinstance(desc.get("v"), bool), "bool without a bool")
        return desc["v"]
    if t == "int":
        v = desc.get("v")
        _need(type(v) is int and abs(v) <= 2**63, "int without an int")
        return v
    if t == "str":
        v = desc.get("v")
        _need(isinstance(v, str), "str without a string")
        return v[:MAX_STR]
    if t == "float":
        v = desc.get("v")
        if isinstance(v, str):
            _need(v in ("nan", "inf", "-inf"), "float with a bad text")
            return float(v)
        _need(type(v) in (int, float), "float without a number")
        try:
            return float(v)
        except OverflowError:  # an integer too long for any float (a 400-figure JSON number)
            raise WireError("float out of range") from None
    if t == "array":
        key = desc.get("key")
        _need(isinstance(key, str) and bool(_KEY.match(key)), "array with a bad key")
        getter = arrays if callable(arrays) else arrays.__getitem__
        try:
            return getter(key)
        except KeyError:
            raise WireError(f"array {key} is missing") from None
    if t in ("tuple", "list"):
        items = desc.get("items")
        _need(isinstance(items, list) and len(items) <= MAX_ITEMS, "a list of bad items")
        out = [decode(d, arrays, funcs, depth + 1) for d in items]
        return tuple(out) if t == "tuple" else out
    if t == "dict":
        items = desc.get("items")
        _need(isinstance(items, dict) and len(items) <= MAX_ITEMS, "a dict of bad items")
        return {str(k)[:MAX_STR]: decode(d, arrays, funcs, depth + 1) for k, d in items.items()}
    if t == "func":
        _need(funcs is not None, "a function where none is expected")
        name, kwargs = desc.get("name"), desc.get("kwargs")
        _need(isinstance(name, str) and isinstance(kwargs, dict), "a bad function description")
        return funcs(name, {k: decode(v, arrays, funcs, depth + 1) for k, v in kwargs.items()})
    if t == "other":
        name = desc.get("type")
        _need(isinstance(name, str), "other without a type")
        return Other(name[:MAX_STR])
    raise WireError(f"unknown value kind {str(t)[:20]!r}")
