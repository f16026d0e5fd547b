"""The names a lesson may use: operations, views, setups, and extra commands.

A lesson never runs Python from its YAML. It names an operation registered
here (`@operation("matmul")`), a view (`@view("matrix")`) or a setup
(`@setup("arrays")`) and passes it bound values by name; the loader rejects
any other name, suggesting the nearest registered one.

The engine registers its generic vocabulary (tutor.lessons.ops_arrays,
tutor.lessons.views_generic, tutor.lessons.setups); a course adds its own
through its plugin (see tutor/plugin.py), imported once when the course is
used. Registries are global, so two plugins giving the same name is an
error that names both.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


class RegistryClash(RuntimeError):
    """Two registrations under one name (the message names both owners)."""


# Who is registering right now: "the engine", or "plugin <module> (course <id>)".
_OWNER = ["the engine"]
OWNERS: dict[tuple[str, str], str] = {}  # (registry, name) -> owner


@contextlib.contextmanager
def registering_for(owner: str) -> Iterator[None]:
    """Attribute every registration inside the block to `owner` (for clash messages)."""
    _OWNER.append(owner)
    try:
        yield
    finally:
        _OWNER.pop()


def claim(registry: str, name: str, table: dict) -> None:
    """Record that the current owner takes `name`; raise RegistryClash if it is taken."""
    if name in table:
        first = OWNERS.get((registry, name), "the engine")
        raise RegistryClash(f"{registry} {name!r} is registered twice: by {first} and by {_OWNER[-1]}")
    OWNERS[(registry, name)] = _OWNER[-1]


# -- operations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """A registered operation: a function of named inputs.

    It returns one value (bound with `bind: name`) or a dict of named values
    (bound all under their own names, or renamed with `bind: {key: name}`).
    `outputs` lists the dict's keys, so the loader can check names statically.
    """

    name: str
    func: Callable
    inputs: tuple[str, ...]
    optional: tuple[str, ...]
    outputs: tuple[str, ...]
    doc: str
    literals: tuple[str, ...] = ()  # inputs that may be a plain word (e.g. activation: tanh)
    ahead: bool = False  # slow and pure: computed ahead while the learner reads (tutor.lessons.lookahead)

    def signature(self) -> str:
        """`matmul(A, B)`, optional inputs with their defaults: `sum(A, axis=None)`."""
        params = inspect.signature(self.func).parameters
        parts = list(self.inputs) + [f"{o}={params[o].default!r}" for o in self.optional]
        return f"{self.name}({', '.join(parts)})"


OPERATIONS: dict[str, Operation] = {}


def operation(name: str, outputs: tuple[str, ...] = (), literals: tuple[str, ...] = (), ahead: bool = False):
    """Register `func` under `name`; its parameters are the op's inputs.

    `outputs` names the keys of the dict it returns (leave empty for one
    value). `literals` names inputs that may be given as a plain word in the
    YAML (`activation: tanh`) rather than a bound name. `ahead=True` says the
    operation is slow and pure (its result depends only on its inputs, it
    changes nothing, it may run on another thread): in `tutor learn` and
    `demo` a step calling it is computed while the learner reads the steps
    before it. The first line of the docstring is what `tutor ops` shows.
    """

    def register(func: Callable) -> Callable:
        claim("operation", name, OPERATIONS)
        sig = inspect.signature(func)
        required = tuple(p.name for p in sig.parameters.values() if p.default is inspect.Parameter.empty)
        optional = tuple(p.name for p in sig.parameters.values() if p.default is not inspect.Parameter.empty)
        doc = inspect.getdoc(func) or ""
        OPERATIONS[name] = Operation(
            name, func, required, optional, tuple(outputs), doc.splitlines()[0] if doc else "", tuple(literals),
            bool(ahead),
        )
        return func

    return register


# -- views ----------------------------------------------------------------------------

# The kinds of option a view may take, and how the loader reads each.
OPTION_KINDS = ("name", "int", "int_list", "bool", "number", "str", "str_list", "graph")  # graph: node lines


@dataclass(frozen=True)
class View:
    """A registered view: `func(value, ctx, spec) -> renderable`.

    options: {key: (kind, default)}; kind "name" is a bound name the loader
    checks (read at run time with `ctx.get(spec.option(key))`).
    default_value: the bound name a figure step draws when it gives no `value`.
    """

    name: str
    func: Callable
    options: dict[str, tuple[str, Any]] = field(default_factory=dict)
    default_value: str | None = None
    doc: str = ""

    def signature(self) -> str:
        opts = ", ".join(f"{k}={d!r}" if d is not None else k for k, (_, d) in self.options.items())
        return f"{self.name}(value{', ' + opts if opts else ''})"


VIEWS: dict[str, View] = {}


def view(name: str, options: dict[str, tuple[str, Any]] | None = None, default_value: str | None = None):
    """Register a view function `func(value, ctx, spec)` under `name`.

    `options` declares the keys a lesson may give the view, each as
    (kind, default) with kind one of OPTION_KINDS. Raise ValueError for a
    value the view cannot draw: the step reports it.
    """
    opts = dict(options or {})
    for key, (kind, _default) in opts.items():
        if kind not in OPTION_KINDS:
            raise ValueError(f"view {name!r}: option {key!r} has unknown kind {kind!r} (one of {OPTION_KINDS})")

    def register(func: Callable) -> Callable:
        claim("view", name, VIEWS)
        doc = inspect.getdoc(func) or ""
        VIEWS[name] = View(name, func, opts, default_value, doc.splitlines()[0] if doc else "")
        return func

    return register


# -- setups ---------------------------------------------------------------------------

SETUPS: dict[str, Any] = {}


def setup(name: str):
    """Register a setup kind: a class like tutor.lessons.setups.SetupKind.

    It reads its keys of a lesson's `setup:` (`parse`), says which names it
    binds (`names`), and builds the lesson's starting values (`build`).
    """

    def register(cls):
        claim("setup", name, SETUPS)
        cls.NAME = name
        SETUPS[name] = cls()
        return cls

    return register


# -- extra commands -------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    name: str
    func: Callable
    panel: str | None


COMMANDS: dict[str, Command] = {}


def command(name: str, panel: str | None = None):
    """Register a typer command function as `tutor NAME` (shown under `panel` in --help)."""

    def register(func: Callable) -> Callable:
        claim("command", name, COMMANDS)
        COMMANDS[name] = Command(name, func, panel)
        return func

    return register


# -- lesson vocabulary loaded on first use ----------------------------------------------

_PENDING: list[Callable[[], None]] = []


def vocabulary(func: Callable[[], None]) -> Callable[[], None]:
    """Run `func` (which imports a plugin's ops, views, setups, step kinds) before a lesson loads.

    A plugin's module is imported when `tutor` starts, to add its commands;
    this keeps its heavy lesson modules (numpy and up) out of that start-up.
    """
    _PENDING.append(func)
    return func


def run_vocabulary() -> None:
    """Run every pending vocabulary hook, once each."""
    while _PENDING:
        _PENDING.pop(0)()


# -- loading ------------------------------------------------------------------------------


def load_engine() -> None:
    """Import the engine's own vocabulary (once): generic ops, views, setups, step kinds."""
    from tutor.lessons import ops_arrays, setups, views_generic  # noqa: F401  (they register on import)
    from tutor.lessons.steps import basic, exercise, expression, figure, predict, quiz, repeat  # noqa: F401


def load_operations() -> dict[str, Operation]:
    """The operations registry, with the engine's and the default course's loaded."""
    load_engine()
    from tutor.course import ensure_default_plugin

    ensure_default_plugin()
    return OPERATIONS
