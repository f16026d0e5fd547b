"""Step kinds: one small class each, registered by name (see base.py).

The engine's kinds (text, compute, show, shapes, check, quiz, figure,
exercise, repeat, expression) register when `tutor.lessons.registry.load_engine()`
imports them; a course plugin adds its own with `tutor.plugin.step_kind`.
"""

from tutor.lessons.steps.base import STEP_KINDS, Common, Step, StepFailed, step_kind

__all__ = ["STEP_KINDS", "Common", "Step", "StepFailed", "step_kind"]
