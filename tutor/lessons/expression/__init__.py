"""The type-along expression evaluator, one job per module:

- limits.py: the sizes, work and time one expression may use; its errors;
- allowed.py: what may be called, and what each call costs before it runs;
- functions.py: registering a course's own functions (`sigmoid`) into its vocabulary;
- evaluator.py: parsing and the safe walk (`evaluate`);
- mistakes.py: comparing with the answer and naming the mistake (`diagnose`).

The names below load lazily, so registering a course function
(`expression_function`) does not import numpy.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "limits": ("MAX_LENGTH", "MAX_DEPTH", "MAX_ELEMENTS", "MAX_TOTAL_ELEMENTS", "MAX_PRODUCT_WORK", "MAX_WORK",
               "MAX_INT_BITS", "TIME_LIMIT", "Budget", "ExpressionError", "ShapeError", "shape_text"),
    "allowed": ("KEYWORDS", "NUMPY_FUNCTIONS", "LINALG_FUNCTIONS", "NUMPY_CONSTANTS", "ARRAY_METHODS",
                "ARRAY_ATTRIBUTES", "allowed_summary"),
    "functions": ("expression_function",),
    "evaluator": ("evaluate", "parse", "names_used", "check_syntax"),
    "mistakes": ("Mistake", "same", "diagnose", "swapped_axis_variants"),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}

def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__():
    return sorted(set(globals()) | set(_WHERE))
