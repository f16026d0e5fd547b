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

Each registration goes to the vocabulary of the module that makes it: its
course's, so two courses never see each other's names (tutor.base.registry).
A name registered twice by two owners is a load error naming both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tutor.base.errors import TutorError
from tutor.base.registry import caller_module, register, scope_of


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


def _register(kind: str, name: str, module: str):
    def deco(fn):
        register(kind, name, fn, module)
        return fn

    return deco


def fixture(name: str):
    """@fixture("debug"): builder(**options) -> dict of argument values."""
    return _register("fixture", name, caller_module())


def reference(name: str, fn: Callable | None = None):
    """@reference("f") on a function, or reference("f", existing_function)."""
    deco = _register("reference", name, caller_module())
    return deco(fn) if fn is not None else deco


def helper(name: str, fn: Callable | None = None):
    """@helper("g"): a function stubs may import from tutor_helpers (numpy only)."""
    deco = _register("helper", name, caller_module())
    return deco(fn) if fn is not None else deco


def layout(name: str):
    """@layout("parts"): args by name -> [(label, (rows, cols))] of a flat vector."""
    return _register("layout", name, caller_module())


def diagnosis(id: str, title: str, message: str, *, owner: str | None = None) -> Diagnosis:
    """Register a named mistake's words (in the vocabulary of the module that calls this)."""
    found = Diagnosis(id, title, message)
    register("diagnosis", id, found, owner or caller_module())
    return found


def mistake(function: str, diagnosis_id: str):
    """@mistake("f", "some-diagnosis"): a wrong version of f with f's signature."""
    module = caller_module()

    def deco(fn):
        table = scope_of(module).mistakes
        bucket = table.own().get(function)
        if bucket is None:
            bucket = []
            register("mistake", function, bucket, module)
        if all(v is not fn for _, v in bucket):
            bucket.append((diagnosis_id, fn))
        return fn

    return deco


def checker(name: str, *, matcher: Callable | None = None):
    """@checker("random-draw", matcher=same_kind): (args, value) -> (ok, message, comparisons)."""
    module = caller_module()

    def deco(fn):
        register("checker", name, Checker(name, fn, matcher), module)
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

    def build(self, helpers):
        """The function, from `helpers` (the course's helper registry)."""
        import functools

        if self.name not in helpers:
            raise RegistryError(f"function argument {self.name!r} is not a registered helper")
        return functools.partial(helpers[self.name], **self.kwargs)
