"""Views: data in, rich renderables out. Only CLI commands own a console.

Every view adapts to the width it is given, falls back to ASCII when the
stream needs it (see symbols.py) and never says anything by colour alone.
"""

from tutor.render.check import CheckBadge
from tutor.render.confusion import ConfusionTable
from tutor.render.gradients import GradientComparison
from tutor.render.matrix import MatrixView, ScalarView, VectorView
from tutor.render.plots import CostCurve, DecisionBoundary
from tutor.render.shapes import ShapeEquation
from tutor.render.symbols import ASCII, UNICODE, Symbols, plain, symbols_for, wants_ascii, wants_color
from tutor.render.train import TrainSummary

__all__ = [
    "ASCII", "UNICODE", "CheckBadge", "ConfusionTable", "CostCurve", "DecisionBoundary",
    "GradientComparison", "MatrixView", "ScalarView", "ShapeEquation", "Symbols",
    "TrainSummary", "VectorView", "plain", "symbols_for", "wants_ascii", "wants_color",
]
