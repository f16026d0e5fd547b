"""Step kinds: one small class each, registered by name (see base.py)."""

from tutor.lessons.steps.base import STEP_KINDS, Common, Step, StepFailed, step_kind
from tutor.lessons.steps import basic, quiz, train, figure, exercise, expression  # noqa: F401,E402  (register the kinds)

__all__ = ["STEP_KINDS", "Common", "Step", "StepFailed", "step_kind"]
