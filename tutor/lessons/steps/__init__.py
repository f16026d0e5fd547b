"""Step kinds: one small class each, registered by name (see base.py).

The engine's kinds (text, compute, show, shapes, check, quiz, figure,
exercise, repeat, expression, ...) register when `tutor.lessons.engine.load_engine()`
imports them; a course plugin adds its own with `tutor.plugin.step_kind`.
"""

from tutor.lessons.steps.base import Common, Step, StepFailed, step_kind

__all__ = ["Common", "Step", "StepFailed", "step_kind"]
