"""What every step kind shares: common keys, the registry, and the run context.

A step kind is one small frozen dataclass registered with `@step_kind(name)`.
It reads itself from YAML in `parse` (checking every name it uses against the
scope and binding the names it makes) and, at run time, turns the lesson's
bound values into renderables in `run`. The runner never needs to know which
kind it is holding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from tutor.base.registry import caller_module, register
from tutor.base.schema import Reader, Scope, Where
from tutor.lessons.model import When

COMMON_KEYS = ("id", "kind", "title", "notes", "when")

def step_kind(name: str) -> Callable[[type], type]:
    """Register a Step subclass under `name` (the YAML `kind`), in its module's vocabulary."""
    module = caller_module()

    def add(cls: type) -> type:
        cls.KIND = name
        register("step kind", name, cls, module)
        return cls

    return add


@dataclass(frozen=True)
class Common:
    """The keys every step may have."""

    id: str
    title: str | None
    notes: str | None
    when: When | None
    where: Where

    @property
    def condition(self) -> str | None:
        return self.when.key if self.when else None


@dataclass(frozen=True)
class Step:
    """Base of every step kind. Subclasses add their own frozen fields."""

    common: Common

    KIND: ClassVar[str] = ""
    KEYS: ClassVar[tuple[str, ...]] = ()  # keys of this kind besides COMMON_KEYS
    interactive: ClassVar[bool] = False  # True: the runner asks the learner something

    @property
    def id(self) -> str:
        return self.common.id

    @property
    def kind(self) -> str:
        return self.KIND

    @property
    def title(self) -> str | None:
        return self.common.title

    @property
    def notes(self) -> str | None:
        return self.common.notes

    @property
    def when(self) -> When | None:
        return self.common.when

    @classmethod
    def allowed_keys(cls, r: Reader, scope: Scope | None = None) -> tuple[str, ...]:
        """The kind's keys besides COMMON_KEYS (a kind whose keys depend on the step overrides this)."""
        return cls.KEYS

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> Step:
        """Read the kind's keys from `r`; require used names, bind made names."""
        raise NotImplementedError

    def run(self, ctx: Any) -> list[Any]:
        """Compute (binding names in ctx) and return the renderables to show."""
        raise NotImplementedError

    def plan(self) -> Any:
        """A tutor.lessons.lookahead.Plan when this step's computation is slow and pure
        (the session may then compute it ahead, on another thread); None otherwise.

        A kind that returns a plan must, in `run`, get its result through
        `ctx.computed(self.id, values, plan.compute)`: that serves what was
        computed ahead, or computes it there.
        """
        return None


class StepFailed(Exception):
    """A step could not run: what went wrong, for the learner or `tutor validate`."""


def read_value(values: dict[str, Any], name: str, transpose: bool = False) -> Any:
    """values[name], transposed when asked; StepFailed naming it when it has no value."""
    if name not in values:
        raise StepFailed(f"{name!r} has no value (an earlier step that binds it did not run)")
    v = values[name]
    if not transpose:
        return v
    import numpy as np  # only a transposed read needs it

    return np.asarray(v).T
