"""The world a lesson starts in: the values its setup binds, and what to say about them.

`build_environment(lesson, settings, data=..., weights=...)` types the
`--set` values against the lesson's declared parameters, asks the lesson's
setup kind (see setups.py) to build the starting values, and returns an
`Environment` whose `values` are the names bound before the first step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.base.errors import TutorError
from tutor.lessons.model import Lesson


@dataclass
class Environment:
    """Bound values plus what the screen should say about them.

    facts: what a step's `when` may test (reported by the setup kind).
    data: whatever the setup kind keeps for its views (None for arrays).
    """

    values: dict[str, Any]
    data: Any = None
    in_force: dict[str, Any] = field(default_factory=dict)  # the --set values
    notes: list[str] = field(default_factory=list)  # where data came from
    facts: dict[str, Any] = field(default_factory=dict)
    vocab: Any = None  # the lesson's course vocabulary (tutor.base.registry)


def resolved_params(lesson: Lesson, settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every declared parameter's value: its default, or the `--set` value (typed)."""
    specs = lesson.setup.params
    params: dict[str, Any] = {name: spec.default for name, spec in specs.items()}
    for name, value in (settings or {}).items():
        if name not in specs:
            from tutor.lessons.params import settable

            raise TutorError(f"lesson {lesson.id!r} has no parameter {name!r}; it can set: {settable(specs) or 'nothing'}")
        params[name] = specs[name].coerce(value) if isinstance(value, str) else value
    return params


def setup_kind(lesson: Lesson):
    kind = lesson.vocab.setups.get(lesson.setup.kind) if lesson.vocab is not None else None
    if kind is None:  # the loader checked it; only a hand-made Lesson gets here
        raise TutorError(f"lesson {lesson.id!r}: unknown setup kind {lesson.setup.kind!r}")
    return kind


def build_environment(
    lesson: Lesson,
    settings: Mapping[str, Any] | None = None,
    *,
    data: str | Path | None = None,
    weights: str | Path | None = None,
) -> Environment:
    """Build the lesson's starting values (its setup kind's, then its parameters)."""
    kind = setup_kind(lesson)
    files = {"data": data, "weights": weights}
    for name, given in files.items():
        if given is not None and name not in kind.FILES:
            raise TutorError(f"lesson {lesson.id!r} builds its own values (setup {lesson.setup.kind!r}); "
                             f"it takes no --{name} file")
    params = resolved_params(lesson, settings)
    built = kind.build(lesson.setup.options, params, course=lesson.course, files=files)
    values = dict(built.values)
    for name, value in params.items():
        values.setdefault(name, value)
    in_force = {k: values.get(k, v) for k, v in (settings or {}).items()}
    facts = {**params, **built.facts}  # a step's `when` may test a parameter's value
    return Environment(values=values, data=built.data, in_force=in_force, notes=list(built.notes), facts=facts,
                       vocab=lesson.vocab)
