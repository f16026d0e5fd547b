"""Declared lesson parameters and `--set name=value`.

A lesson declares what may be changed (`setup.params`), each with a type, a
default and optional bounds. `parse_set_options` turns the command line's
`name=value` strings into typed values, or says in one sentence what is wrong
and what can be set. The instructor commands reuse it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tutor.base.errors import TutorError, did_you_mean

TYPES = ("int", "float", "str", "bool")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter a user may `--set`: name, type (int|float|str|bool), default."""

    name: str
    type: str
    default: Any
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""

    def describe(self) -> str:
        """`lambda (float, default 1.0)` for lists of what can be set."""
        extra = f", one of {', '.join(self.choices)}" if self.choices else ""
        return f"{self.name} ({self.type}, default {self.default}{extra})"

    def coerce(self, raw: Any) -> Any:
        """`raw` (a string from the command line, or a YAML value) as this type.

        Raises ValueError with the reason when it does not fit.
        """
        value = _as_type(raw, self.type)
        if self.type in ("int", "float"):
            if self.min is not None and value < self.min:
                raise ValueError(f"must be at least {_num(self.min)}")
            if self.max is not None and value > self.max:
                raise ValueError(f"must be at most {_num(self.max)}")
        if self.choices and str(value) not in self.choices:
            raise ValueError(f"must be one of {', '.join(self.choices)}")
        return value


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _as_type(raw: Any, type_: str) -> Any:
    if type_ == "bool":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValueError("must be true or false")
    if type_ == "int":
        if isinstance(raw, bool):
            raise ValueError("must be a whole number")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        try:
            return int(str(raw).strip().replace("_", ""))
        except ValueError:
            raise ValueError("must be a whole number") from None
    if type_ == "float":
        if isinstance(raw, bool):
            raise ValueError("must be a number")
        try:
            value = float(str(raw).strip()) if not isinstance(raw, (int, float)) else float(raw)
        except ValueError:
            raise ValueError("must be a number") from None
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value
    if type_ == "str":
        if isinstance(raw, (dict, list)):
            raise ValueError("must be a word")
        return str(raw)
    raise ValueError(f"has an unknown type {type_!r}")


def settable(params: Mapping[str, ParamSpec]) -> str:
    """`lambda (float, default 1.0), hidden (int, default 25)`."""
    return ", ".join(p.describe() for p in params.values())


def parse_set_options(
    options: Sequence[str] | None, params: Mapping[str, ParamSpec], *, lesson_id: str = ""
) -> dict[str, Any]:
    """`["lambda=3", "hidden=10"]` -> `{"lambda": 3.0, "hidden": 10}`.

    Raises TutorError (exit 2) naming the option, what was expected, and what
    the lesson lets you set. Later options win over earlier ones.
    """
    out: dict[str, Any] = {}
    who = f"lesson {lesson_id!r}" if lesson_id else "this lesson"
    for option in options or ():
        name, sep, raw = str(option).partition("=")
        name = name.strip()
        if not sep or not name:
            raise TutorError(f"--set {option!r} is not of the form name=value (for example --set lambda=3)")
        if name not in params:
            if not params:
                raise TutorError(f"--set {name}: {who} has no parameters that can be set")
            hint = did_you_mean(name, params) or "."
            raise TutorError(f"--set {name}: {who} has no parameter {name!r}{hint} It can set: {settable(params)}.")
        spec = params[name]
        try:
            out[name] = spec.coerce(raw)
        except ValueError as err:
            raise TutorError(f"--set {name}={raw}: {name} {err} ({spec.describe()})") from None
    return out
