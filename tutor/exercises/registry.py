"""What a course plugin lends the exercise engine, registered by name.

A course's Python module registers, with the decorators below:

  fixture(name)          builder(**options) -> {argument name: value}, the inputs of a test
  reference(name)        the right answer for an exercise (parent process only)
  helper(name)           a function a stub may import from `tutor_helpers`; its source
                         is copied into the checked code's private folder, so it must
                         need nothing but numpy (and the standard library)
  diagnosis(id, ...)     a named mistake: title and advice
  mistake(function, id)  a known-wrong version of `function` that confirms diagnosis id
                         when it reproduces the learner's output (or the learner's error)
  checker(name)          a property-based grader (for answers that are random draws);
                         matcher= compares two answers by kind, for diagnoses
  layout(name)           args -> [(label, shape)]: how a flat vector splits into matrices,
                         so a differing cell can be named label[i, j]

Registries are global. A name registered twice by two different modules is a
load error naming both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tutor.base.errors import TutorError


class RegistryError(TutorError):
    """Two plugins claim one name, or an exercise names something nobody registered."""


@dataclass(frozen=True)
class Diagnosis:
    id: str
    title: str
    message: str


@dataclass(frozen=True)
class Checker:
    name: str
    check: Callable  # (args: list, value) -> (ok, message, comparisons)
    matcher: Callable | None = None  # (a, b, args) -> bool: same kind of answer


FIXTURES: dict[str, Callable] = {}
REFERENCES: dict[str, Callable] = {}
HELPERS: dict[str, Callable] = {}
DIAGNOSES: dict[str, Diagnosis] = {}
MISTAKES: dict[str, list[tuple[str, Callable]]] = {}
CHECKERS: dict[str, Checker] = {}
LAYOUTS: dict[str, Callable] = {}
_OWNER: dict[tuple[str, str], str] = {}


def _claim(kind: str, name: str, owner: str) -> None:
    if not isinstance(name, str) or not name:
        raise RegistryError(f"a {kind} needs a non-empty name (from {owner})")
    previous = _OWNER.get((kind, name))
    if previous is not None and previous != owner:
        raise RegistryError(f"{kind} {name!r} is registered twice: by {previous} and by {owner}")
    _OWNER[(kind, name)] = owner


def _owner(fn) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', '?')}".rsplit(".", 1)[0]


def _register(kind: str, table: dict, name: str):
    def deco(fn):
        _claim(kind, name, _owner(fn))
        table[name] = fn
        return fn

    return deco


def fixture(name: str):
    """@fixture("debug"): builder(**options) -> dict of argument values."""
    return _register("fixture", FIXTURES, name)


def reference(name: str, fn: Callable | None = None):
    """@reference("f") on a function, or reference("f", existing_function)."""
    deco = _register("reference", REFERENCES, name)
    return deco(fn) if fn is not None else deco


def helper(name: str, fn: Callable | None = None):
    """@helper("g"): a function stubs may import from tutor_helpers (numpy only)."""
    deco = _register("helper", HELPERS, name)
    return deco(fn) if fn is not None else deco


def layout(name: str):
    """@layout("parts"): args by name -> [(label, (rows, cols))] of a flat vector."""
    return _register("layout", LAYOUTS, name)


def diagnosis(id: str, title: str, message: str, *, owner: str | None = None) -> Diagnosis:
    """Register a named mistake's words."""
    import inspect

    if owner is None:
        frame = inspect.currentframe().f_back
        owner = frame.f_globals.get("__name__", "?") if frame else "?"
    _claim("diagnosis", id, owner)
    DIAGNOSES[id] = Diagnosis(id, title, message)
    return DIAGNOSES[id]


def mistake(function: str, diagnosis_id: str):
    """@mistake("f", "some-diagnosis"): a wrong version of f with f's signature."""

    def deco(fn):
        bucket = MISTAKES.setdefault(function, [])
        if all(v is not fn for _, v in bucket):
            bucket.append((diagnosis_id, fn))
        return fn

    return deco


def checker(name: str, *, matcher: Callable | None = None):
    """@checker("random-draw", matcher=same_kind): (args, value) -> (ok, message, comparisons)."""

    def deco(fn):
        _claim("checker", name, _owner(fn))
        CHECKERS[name] = Checker(name, fn, matcher)
        return fn

    return deco


@dataclass(frozen=True)
class FunctionArg:
    """A function handed to the learner's code as an argument (a cost J, say).

    It crosses the process boundary by name: `name` is a registered helper
    whose source the child receives; kwargs (numbers, lists, arrays) are bound
    to it with functools.partial on both sides, so both sides call the same code.
    """

    name: str
    kwargs: dict

    def build(self):
        import functools

        if self.name not in HELPERS:
            raise RegistryError(f"function argument {self.name!r} is not a registered helper")
        return functools.partial(HELPERS[self.name], **self.kwargs)
