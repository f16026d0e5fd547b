"""The names a lesson may use: operations, views, setups, and extra commands.

A lesson never runs Python from its YAML. It names an operation registered
here (`@operation("matmul")`), a view (`@view("matrix")`) or a setup
(`@setup("arrays")`) and passes it bound values by name; the loader rejects
any other name, suggesting the nearest registered one.

The engine registers its generic vocabulary (tutor.lessons.ops_arrays,
tutor.lessons.views_generic, tutor.lessons.setups, the step kinds; see
tutor.lessons.engine); a course adds its own through its plugin (see
tutor/plugin.py). Each registration goes to the vocabulary of the module
that makes it (tutor.base.registry): the engine's, or its course's, so two
courses never see each other's names, and a name taken twice is an error
that names both owners.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tutor.base.registry import ENGINE, RegistryClash, caller_module, register, scope_of

__all__ = ["ENGINE", "Command", "Formula", "Operation", "RegistryClash", "View", "command", "formula", "operation",
           "setup", "view", "vocabulary"]


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

    module = caller_module()

    def add(func: Callable) -> Callable:
        sig = inspect.signature(func)
        required = tuple(p.name for p in sig.parameters.values() if p.default is inspect.Parameter.empty)
        optional = tuple(p.name for p in sig.parameters.values() if p.default is not inspect.Parameter.empty)
        doc = inspect.getdoc(func) or ""
        register("operation", name, Operation(
            name, func, required, optional, tuple(outputs), doc.splitlines()[0] if doc else "", tuple(literals),
            bool(ahead),
        ), module)
        return func

    return add


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

    module = caller_module()

    def add(func: Callable) -> Callable:
        doc = inspect.getdoc(func) or ""
        register("view", name, View(name, func, opts, default_value, doc.splitlines()[0] if doc else ""), module)
        return func

    return add


# -- setups ---------------------------------------------------------------------------

def setup(name: str):
    """Register a setup kind: a class like tutor.lessons.setups.SetupKind.

    It reads its keys of a lesson's `setup:` (`parse`), says which names it
    binds (`names`), and builds the lesson's starting values (`build`).
    """

    module = caller_module()

    def add(cls):
        cls.NAME = name
        register("setup", name, cls(), module)
        return cls

    return add


# -- extra commands -------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    name: str
    func: Callable
    panel: str | None


def command(name: str, panel: str | None = None):
    """Register a typer command function as `tutor NAME` (shown under `panel` in --help)."""

    module = caller_module()

    def add(func: Callable) -> Callable:
        register("command", name, Command(name, func, panel), module)
        return func

    return add


# -- lesson vocabulary loaded on first use ----------------------------------------------


def vocabulary(func: Callable[[], None]) -> Callable[[], None]:
    """Run `func` (which imports a plugin's ops, views, setups, step kinds) before a lesson loads.

    A plugin's module is imported when `tutor` starts, to add its commands;
    this keeps its heavy lesson modules (numpy and up) out of that start-up.
    The hook belongs to the vocabulary of the module that declares it.
    """
    scope_of(func.__module__).hooks.append(func)
    return func


# -- how a notebook spells an operation -----------------------------------------------------

Template = str | Callable[[dict[str, str], dict[str, Any]], str]


@dataclass(frozen=True)
class Formula:
    """An operation written out for a notebook: visible numpy code and its formula in LaTeX.

    Templates name the op's inputs, and its result as `out` (one value) or by
    its output keys; a template may also be a function (names, values) -> text.
    """

    code: Template | None  # None: the maths is typeset, the operation still runs by name
    latex: Template | None = None
    imports: tuple[str, ...] = ()  # lines the setup cell needs for this code

    def spell(self, template: Template | None, names: dict[str, str], values: dict[str, Any]) -> str | None:
        if template is None:
            return None
        if callable(template):
            return template(names, values)
        return template.format(**names)


def formula(op: str, code: Template | None, latex: Template | None = None, imports: tuple[str, ...] = ()) -> None:
    """Register how an exported notebook writes operation `op` (in the registering module's vocabulary)."""
    register("formula", op, Formula(code, latex, tuple(imports)), caller_module())
