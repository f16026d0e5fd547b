"""The names a lesson may use: operations of the core, and views.

A lesson never runs Python from its YAML. It names an operation registered
here (`@operation("forward")`) and passes it bound values by name; the loader
rejects any other name, suggesting the nearest registered one. Operation
modules register themselves on import; `load_operations()` imports them all.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass


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


OPERATIONS: dict[str, Operation] = {}

# Modules that register operations; each adds its own with @operation.
OPERATION_MODULES = (
    "tutor.lessons.ops_network",
    "tutor.lessons.ops_curriculum",
    "tutor.courses.backprop.ops_intuitions",
)


def operation(name: str, outputs: tuple[str, ...] = (), literals: tuple[str, ...] = ()):
    """Register `func` under `name`; its parameters are the op's inputs.

    `literals` names inputs that may be given as a plain word in the YAML
    (`activation: tanh`) rather than a bound name.
    """

    def register(func: Callable) -> Callable:
        if name in OPERATIONS:
            raise RuntimeError(f"operation {name!r} registered twice")
        sig = inspect.signature(func)
        required = tuple(p.name for p in sig.parameters.values() if p.default is inspect.Parameter.empty)
        optional = tuple(p.name for p in sig.parameters.values() if p.default is not inspect.Parameter.empty)
        doc = inspect.getdoc(func) or ""
        OPERATIONS[name] = Operation(
            name, func, required, optional, tuple(outputs), doc.splitlines()[0] if doc else "", tuple(literals)
        )
        return func

    return register


def load_operations() -> dict[str, Operation]:
    """Import every operation module (once) and return the registry."""
    for module in OPERATION_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise
    return OPERATIONS
