"""The one registry type: names a course (or the engine) lends the runner, scoped per course.

Everything a lesson or an exercise may name (an operation, a view, a setup
kind, a step kind, a command, a function learners may call, a fixture, a
reference, a helper, a diagnosis, a mistake, a checker, a layout) lives in a
`Registry`, one per kind, and the registries of one scope make a
`Vocabulary`. The engine has one vocabulary (`ENGINE`); each course plugin
gets its own on top of it, so a course sees the engine's names and its own,
never another course's, and two courses loaded in one process (a notebook, a
test run) cannot clash.

Which vocabulary a registration goes to follows the module that makes it:
a plugin's modules (the package or file named in course.yaml, and every
module below it) fill their course's vocabulary whenever they are imported;
every other module fills the engine's. So a plugin written with module-level
decorators (`@operation("double")`) needs no change, and nothing here holds
a "current course".

One clash rule everywhere: a name taken by one owner cannot be taken by
another, in the same scope or over the engine's; the error names both. The
same owner registering again (a module imported twice under one name)
replaces its entry.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from tutor.base.errors import TutorError


class RegistryClash(TutorError):
    """Two owners registering one name (the message names both)."""


class Registry(Mapping):
    """name -> entry for one kind of thing, seeing its parent's names first.

    Iteration gives the parent's names, then this scope's own, each in the
    order registered.
    """

    def __init__(self, kind: str, parent: Registry | None = None) -> None:
        self.kind = kind
        self.parent = parent
        self._own: dict[str, Any] = {}
        self._owners: dict[str, str] = {}

    # -- reading -------------------------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        if name in self._own:
            return self._own[name]
        if self.parent is not None:
            return self.parent[name]
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return name in self._own or (self.parent is not None and name in self.parent)

    def __iter__(self) -> Iterator[str]:
        if self.parent is not None:
            yield from (n for n in self.parent if n not in self._own)
        yield from self._own

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def owner(self, name: str) -> str | None:
        """Who registered `name` (in this scope or the parent's), or None."""
        if name in self._owners:
            return self._owners[name]
        return self.parent.owner(name) if self.parent is not None else None

    def own(self) -> dict[str, Any]:
        """This scope's entries only (a course's, without the engine's)."""
        return dict(self._own)

    # -- writing -------------------------------------------------------------------
    def add(self, name: str, entry: Any, owner: str) -> Any:
        """Register `entry` under `name` for `owner`; RegistryClash if another owner has it."""
        if not isinstance(name, str) or not name:
            raise RegistryClash(f"a {self.kind} needs a non-empty name (from {owner})")
        first = self.owner(name)
        if first is not None and first != owner:
            raise RegistryClash(f"{self.kind} {name!r} is registered twice: by {first} and by {owner}")
        self._own[name] = entry
        self._owners[name] = owner
        return entry

    def remove(self, name: str) -> None:
        """Forget this scope's `name` (tests that register something of their own)."""
        self._own.pop(name, None)
        self._owners.pop(name, None)


# The kinds every vocabulary holds, with the attribute each is read by.
KINDS = {
    "operation": "operations", "view": "views", "setup": "setups", "step kind": "step_kinds",
    "command": "commands", "expression function": "functions",
    "fixture": "fixtures", "reference": "references", "helper": "helpers", "diagnosis": "diagnoses",
    "mistake": "mistakes", "checker": "checkers", "layout": "layouts", "formula": "formulas",
}


class Vocabulary:
    """Every registry of one scope: the engine's, or one course plugin's over the engine's."""

    def __init__(self, owner: str, parent: Vocabulary | None = None) -> None:
        self.owner = owner
        self.parent = parent
        self.registries = {kind: Registry(kind, parent.registries[kind] if parent else None) for kind in KINDS}
        self.hooks: list[Callable[[], None]] = []  # `@vocabulary` loaders not yet run
        for kind, attribute in KINDS.items():
            setattr(self, attribute, self.registries[kind])

    def __getitem__(self, kind: str) -> Registry:
        return self.registries[kind]

    def __repr__(self) -> str:
        return f"Vocabulary({self.owner!r})"

    def load(self) -> Vocabulary:
        """Run the pending `@vocabulary` hooks (the parent's first), once each; self."""
        if self.parent is not None:
            self.parent.load()
        while self.hooks:
            self.hooks.pop(0)()
        return self


ENGINE = Vocabulary("the engine")

# module-name prefix -> the vocabulary that module's registrations fill
_SCOPES: dict[str, Vocabulary] = {}
# The plugin being imported right now: a module it imports by a name outside
# its own package (a helper file beside a file plugin) registers into it too.
_IMPORTING: ContextVar[Vocabulary | None] = ContextVar("tutor_plugin_importing", default=None)


def open_scope(module_name: str, vocabulary: Vocabulary) -> None:
    """Let `module_name` and every module below it register into `vocabulary`."""
    _SCOPES[module_name] = vocabulary


def find_scope(module_name: str) -> Vocabulary | None:
    """The vocabulary opened for exactly `module_name`, or None."""
    return _SCOPES.get(module_name)


@contextlib.contextmanager
def importing(vocabulary: Vocabulary) -> Iterator[None]:
    """While a plugin is imported, modules outside the engine that it imports register into its vocabulary."""
    token = _IMPORTING.set(vocabulary)
    try:
        yield
    finally:
        _IMPORTING.reset(token)


def _is_engine(module: str) -> bool:
    return (module == "tutor" or module.startswith("tutor.")) and not module.startswith("tutor.courses.")


def _scope_root(module_name: str) -> str | None:
    name = module_name
    while name:
        if name in _SCOPES:
            return name
        name = name.rpartition(".")[0]
    return None


def scope_of(module_name: str) -> Vocabulary:
    """The vocabulary that registrations made by `module_name` go to (the engine's by default)."""
    root = _scope_root(module_name)
    if root is not None:
        return _SCOPES[root]
    parts = module_name.split(".")
    if len(parts) >= 3 and parts[:2] == ["tutor", "courses"]:
        # A course that ships inside tutor, imported before its Course asked for it
        # (a test importing one of its modules): it still gets a scope of its own.
        plugin = ".".join(parts[:3])
        return _SCOPES.setdefault(plugin, Vocabulary(f"the plugin {plugin}", ENGINE))
    if not _is_engine(module_name) and _IMPORTING.get() is not None:
        return _IMPORTING.get()
    return ENGINE


def caller_module(depth: int = 2) -> str:
    """The `__name__` of the module `depth` frames up (who called the registering function)."""
    frame = inspect.currentframe()
    for _ in range(depth):
        frame = frame.f_back if frame is not None else None
    return frame.f_globals.get("__name__", "?") if frame is not None else "?"


def register(kind: str, name: str, entry: Any, module: str) -> Any:
    """Add `entry` to the `kind` registry of `module`'s vocabulary; the owner named in clashes follows the module."""
    vocabulary = scope_of(module)
    if vocabulary is ENGINE:
        owner = "the engine" if _is_engine(module) else f"module {module}"
    elif _scope_root(module) == module:
        owner = vocabulary.owner
    else:
        owner = f"{vocabulary.owner} (module {module})"
    return vocabulary[kind].add(name, entry, owner)
