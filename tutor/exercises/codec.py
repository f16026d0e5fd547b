"""Values across the process boundary: JSON for structure, .npz for arrays.

Nothing is pickled, so the parent never unpickles an object made by learner
code. Arrays with a numeric dtype travel in an .npz file (allow_pickle off);
numbers, strings, None, tuples, lists and string-keyed dicts travel in JSON.
Anything else is described by its type name only, which the checker reports
as a wrong return type.
"""

from __future__ import annotations

import math

import numpy as np

MAX_DEPTH = 6
MAX_ITEMS = 200


def describe_type(value) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def encode(value, arrays: dict, key: str, depth: int = 0):
    """value -> JSON-able description; arrays are stored in `arrays` under key-based names."""
    from tutor.exercises.fixtures import CostFixture

    if depth > MAX_DEPTH:
        return {"t": "other", "type": "a structure nested too deeply"}
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, (int, np.integer)):
        return {"t": "int", "v": int(value)}
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return {"t": "float", "v": v if math.isfinite(v) else repr(v)}
    if isinstance(value, str):
        return {"t": "str", "v": value[:200]}
    if isinstance(value, CostFixture):
        return {"t": "cost", "name": value.name, "kwargs": value.kwargs}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return {"t": "other", "type": f"numpy array of {value.dtype}"}
        name = f"k{len(arrays)}"
        arrays[name] = np.ascontiguousarray(value)
        return {"t": "array", "key": name}
    if isinstance(value, (tuple, list)):
        if len(value) > MAX_ITEMS:
            return {"t": "other", "type": f"{describe_type(value)} of {len(value)} items"}
        return {"t": "tuple" if isinstance(value, tuple) else "list",
                "items": [encode(v, arrays, key, depth + 1) for v in value]}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS or not all(isinstance(k, str) for k in value):
            return {"t": "other", "type": "dict with non-string keys or too many items"}
        return {"t": "dict", "items": {k: encode(v, arrays, key, depth + 1) for k, v in value.items()}}
    return {"t": "other", "type": describe_type(value)}


class Other:
    """A returned value that could not cross the boundary: only its type is known."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def decode(desc, arrays, build_costs: bool = False):
    """Inverse of encode. Cost fixtures become callables only when asked (in the sandbox)."""
    t = desc["t"]
    if t == "none":
        return None
    if t in ("bool", "int", "str"):
        return desc["v"]
    if t == "float":
        v = desc["v"]
        return float(v) if isinstance(v, str) else v
    if t == "array":
        return np.array(arrays[desc["key"]])
    if t in ("tuple", "list"):
        items = [decode(d, arrays, build_costs) for d in desc["items"]]
        return tuple(items) if t == "tuple" else items
    if t == "dict":
        return {k: decode(d, arrays, build_costs) for k, d in desc["items"].items()}
    if t == "cost":
        from tutor.exercises.fixtures import CostFixture

        fx = CostFixture(desc["name"], desc["kwargs"])
        return fx.build() if build_costs else fx
    return Other(desc.get("type", "unknown"))
