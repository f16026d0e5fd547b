"""Views: data in, rich renderables out. Only front ends own a console.

Every view adapts to the width it is given, falls back to ASCII when the
stream needs it (see symbols.py) and never says anything by colour alone.
The views load on first use (PEP 562): a command that only needs a console
(tutor.render.console) does not pay for numpy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_VIEWS = {
    "CheckBadge": "check", "ConfusionTable": "confusion", "GradientComparison": "gradients",
    "MatrixView": "matrix", "ScalarView": "matrix", "VectorView": "matrix", "CostCurve": "plots",
    "DecisionBoundary": "plots", "ShapeEquation": "shapes", "TrainSummary": "train",
    "ASCII": "symbols", "UNICODE": "symbols", "Symbols": "symbols", "plain": "symbols", "symbols_for": "symbols",
    "wants_ascii": "symbols", "wants_color": "symbols",
}

__all__ = sorted(_VIEWS)


def __getattr__(name: str) -> Any:
    module = _VIEWS.get(name)
    if module is None:
        raise AttributeError(f"module 'tutor.render' has no attribute {name!r}")
    value = getattr(import_module(f"tutor.render.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
