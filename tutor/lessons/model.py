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


@dataclass(frozen=True)
class When:
    """A step's condition: run only when the setup's facts match.

    conditions: ((key, allowed values), ...): `when: {dataset: [moons]}` holds
    when the setup reports the fact `dataset` as moons. A fact may be one
    value or a set of values (any match holds); a yes/no fact is compared as
    true/false.
    """

    conditions: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    @property
    def key(self) -> str:
        """A stable text for the condition (names bound under it are scoped by it)."""
        return ",".join(f"{k}=" + "|".join(_word(v) for v in vs) for k, vs in self.conditions)

    def holds(self, facts: Mapping[str, Any]) -> bool:
        for key, allowed in self.conditions:
            fact = facts.get(key)
            have = fact if isinstance(fact, (set, frozenset, tuple, list)) else {fact}
            if not any(_word(a) == _word(h) for a in allowed for h in have):
                return False
        return True


def _word(v: Any) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


@dataclass(frozen=True)
class Setup:
    """How to build the lesson's world: a registered setup kind, its options, and params."""

    kind: str = "arrays"
    options: Any = None
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
    course: Any = None  # the tutor.course.Course it belongs to (None: a loose file outside any course)
    vocab: Any = field(default=None, compare=False, repr=False)  # its course's tutor.base.registry.Vocabulary

    def step_index(self, ref: str) -> int | None:
        """Index of a step given by id or by 1-based number; None if no such step."""
        for i, s in enumerate(self.steps):
            if s.id == ref:
                return i
        if str(ref).isdigit() and 1 <= int(ref) <= len(self.steps):
            return int(ref) - 1
        return None
