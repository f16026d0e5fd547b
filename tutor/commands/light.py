"""Calling a command's function straight from a plain command line, without the typer app.

Why: typer 0.29 coerces every option value through pydantic, and importing
pydantic costs about as much as the rest of the tutor's start-up; building the
whole app (every command module, every signature made into click parameters)
costs more again, and importing typer and click at all is another 30 ms.
For the commands a person types all day (`exercises`, `learn`, `demo`,
`export`, `check`) with ordinary arguments, all of it is avoidable: the
command function already declares everything needed (its
tutor.base.options Option and Argument defaults, which are what typer is
given when the app is built, and its annotations), and this module imports
neither typer nor click.

What counts as plain is narrow on purpose, and anything else returns None so
that the app parses it and owns every message: a parameter with anything
beyond a name, a default and help (a callback, min/max, an envvar, a prompt,
exists=, ...) that is given on the command line; a type other than str,
Path, int, float, bool flags and lists of str; an unknown or repeated
option; a missing or empty value, or one that looks like an option; `--`;
--help; too many or too few arguments. tests/test_startup.py checks that
what runs here equals what the app runs.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path

from tutor.base import options as spec

# typer.Option/typer.Argument keywords that do not change how a value is read.
_COSMETIC = {"help", "metavar", "rich_help_panel", "show_default", "hidden", "show_choices", "show_envvar",
             "autocompletion", "shell_complete", "case_sensitive"}
_CONVERT = {str: str, Path: Path, int: int, float: float}


class _Param:
    """One parameter of a command function, as the parser needs it."""

    __slots__ = ("name", "option", "decls", "kind", "default", "plain", "absent_safe")

    def __init__(self, name, info: spec.Param, annotation):
        self.name = name
        self.option = isinstance(info, spec.Option)
        self.decls = info.param_decls
        self.default = info.default
        # Everything that changes reading or checking a value must be at its default
        # (a keyword not given; giving typer's own default counts as a change, which
        # only leaves more to the app) for a given value to be read here; a range
        # check alone does not matter when the option is absent (its default is used
        # as it is), but a callback, an envvar or a default factory would still act,
        # so those send the whole command line to the app.
        differs = set(info.kwargs) - _COSMETIC
        self.plain = not differs
        self.absent_safe = differs <= {"min", "max", "clamp"}
        self.kind = _kind(annotation)
        if self.option and (not self.decls or any("/" in d for d in self.decls)):
            self.plain = False  # typer's own names, or --x/--no-x pairs: left to the app


def _kind(annotation):
    """"flag", "list", a converter, or None for a type this module does not read."""
    if annotation is bool:
        return "flag"
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is list and args == [str]:
        return "list"
    if origin in (typing.Union, types.UnionType) and len(args) == 1:  # Optional[X] or X | None
        annotation = args[0]
    return _CONVERT.get(annotation)


def _params(func) -> list[_Param] | None:
    hints = typing.get_type_hints(func)
    out = []
    for name, p in spec.declared(func).parameters.items():
        info = p.default
        if not isinstance(info, spec.Param):
            return None  # a typer.Context, typer's own objects or a bare default: the app's business
        out.append(_Param(name, info, hints.get(name)))
    return out


def parse(func, args: list[str]) -> dict | None:
    """func's keyword arguments for this command line, or None to let the app parse it."""
    params = _params(func)
    if params is None or not all(p.absent_safe for p in params):
        return None
    by_decl = {d: p for p in params if p.option for d in p.decls}
    positional = [p for p in params if not p.option]
    given: dict = {}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("-") or arg == "-":
            if not positional:
                return None
            p = positional.pop(0)
            if not p.plain or p.kind in (None, "flag", "list"):
                return None
            given[p.name] = arg
            continue
        name, eq, value = arg.partition("=")
        p = by_decl.get(name)
        if p is None or not p.plain or p.kind is None or (p.name in given and p.kind != "list"):
            return None
        if p.kind == "flag":
            if eq:
                return None
            given[p.name] = True
            continue
        if not eq:
            if i >= len(args):
                return None
            value = args[i]
            i += 1
        if not value or value.startswith("-"):
            return None
        if p.kind == "list":
            given.setdefault(p.name, []).append(value)
        else:
            given[p.name] = value
    kwargs = {}
    for p in params:
        if p.name not in given:
            if p.default is ...:
                return None  # a required value is missing: the app says so
            kwargs[p.name] = list(p.default) if isinstance(p.default, list) else p.default
            continue
        value = given[p.name]
        if p.kind not in ("flag", "list"):
            try:
                value = p.kind(value)
            except ValueError:
                return None  # not a number: the app's message
        kwargs[p.name] = value
    return kwargs
