"""The frozen objects a lesson becomes: Lesson, Setup, When.

Steps are in `tutor.lessons.steps` (one small class per kind). Everything
here is built once by the loader and never changed afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from tutor.lessons.params import ParamSpec

DATASETS = ("digits", "moons", "debug", "grader")
WEIGHTS = ("trained", "debug", "random", "normal", "zeros")
ACTIVATIONS = ("sigmoid", "tanh")

# Setup keys that a declared parameter of the same name overrides.
SETUP_KEYS = (
    "dataset", "hidden", "activation", "weights", "seed", "lambda", "params",
    "iterations", "learning_rate", "train_iterations", "train_lambda",
    "samples", "noise", "epsilon", "scale",
)

# Names every lesson can use from its first step.
BASE_NAMES = (
    "X", "y", "Y", "m", "n", "K", "n_classes", "layer_sizes", "class_names", "dataset", "course",
    "thetas", "params", "lambda", "activation", "hidden", "seed", "image_shape",
)


@dataclass(frozen=True)
class When:
    """A step's condition: run only on some datasets (`course` = the course's ex4 files)."""

    datasets: tuple[str, ...] = ()
    course: bool | None = None

    @property
    def key(self) -> str:
        parts = []
        if self.datasets:
            parts.append("dataset=" + "|".join(self.datasets))
        if self.course is not None:
            parts.append(f"course={str(self.course).lower()}")
        return ",".join(parts)

    def holds(self, dataset: str, course: bool) -> bool:
        if self.course is not None and self.course != course:
            return False
        if self.datasets:
            return any((d == "course" and course) or d == dataset for d in self.datasets)
        return True


@dataclass(frozen=True)
class Setup:
    """How to build the lesson's world before its first step."""

    dataset: str = "digits"
    hidden: tuple[int, ...] | None = None  # None: the dataset's usual size
    activation: str = "sigmoid"
    weights: str = "trained"
    seed: int = 0
    lam: float = 0.0
    iterations: int | None = None
    learning_rate: float | None = None
    train_iterations: int = 50
    train_lambda: float = 1.0
    samples: int = 200
    noise: float = 0.2
    epsilon: float | str = 0.12
    scale: float = 0.01
    params: Mapping[str, ParamSpec] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Lesson:
    """A whole lesson: who it is, how to set it up, and its steps in order."""

    id: str
    title: str
    summary: str
    setup: Setup
    steps: tuple[Any, ...]  # tuple[Step, ...]
    file: str = ""

    def step_index(self, ref: str) -> int | None:
        """Index of a step given by id or by 1-based number; None if no such step."""
        for i, s in enumerate(self.steps):
            if s.id == ref:
                return i
        if str(ref).isdigit() and 1 <= int(ref) <= len(self.steps):
            return int(ref) - 1
        return None
