"""Command options declared without typer: `Option(...)` and `Argument(...)` as parameter defaults.

Why: the commands a person types all day (`learn`, `demo`, `export`,
`check`, `exercises`) run without the typer app when their command line is
plain (tutor.commands.light). If their modules declared options with
typer.Option, merely importing them would import typer and click, about
30 ms of every such process. So a command declares its options here, with
exactly the arguments typer.Option/typer.Argument take, and they become
typer's own objects only when the app is built (`for_typer_app`, called
once by tutor.cli): the app's help, names and checks are typer's, as before.

A function whose defaults are typer's objects already (a course plugin's
command may be written either way) is left as it is.
"""

from __future__ import annotations

import inspect


class Param:
    """A parameter default kept for typer: Option or Argument below."""

    __slots__ = ("default", "param_decls", "kwargs")

    def __init__(self, default, param_decls: tuple[str, ...], kwargs: dict):
        self.default = default
        self.param_decls = param_decls
        self.kwargs = kwargs

    def __repr__(self) -> str:
        given = [repr(self.default), *map(repr, self.param_decls), *(f"{k}={v!r}" for k, v in self.kwargs.items())]
        return f"{type(self).__name__}({', '.join(given)})"


class Option(Param):
    """What `typer.Option(default, *param_decls, **kwargs)` would be given."""

    __slots__ = ()

    def __init__(self, default=..., *param_decls: str, **kwargs):
        super().__init__(default, param_decls, kwargs)

    def to_typer(self):
        import typer

        return typer.Option(self.default, *self.param_decls, **self.kwargs)


class Argument(Param):
    """What `typer.Argument(default, **kwargs)` would be given (an argument has no names to declare)."""

    __slots__ = ()

    def __init__(self, default=..., **kwargs):
        super().__init__(default, (), kwargs)

    def to_typer(self):
        import typer

        return typer.Argument(self.default, **self.kwargs)


def declared(func) -> inspect.Signature:
    """func's signature as written, its defaults the Option and Argument objects above.

    Once the app is built, inspect.signature(func) answers typer's version
    (see for_typer); the fast path reads this one, app or no app.
    """
    return getattr(func, "_declared_signature", None) or inspect.signature(func)


def for_typer(func) -> None:
    """Let typer see func's options as its own objects: a `__signature__` with typer's defaults.

    typer reads a command's parameters with inspect.signature, which answers
    `__signature__` when a function has one, and its types with
    get_type_hints, which this leaves alone. Done once per function; the
    function itself (its defaults, what it runs) is unchanged.
    """
    if "_declared_signature" in vars(func):
        return
    sig = inspect.signature(func)
    if not any(isinstance(p.default, Param) for p in sig.parameters.values()):
        return  # typer's own objects, or no options: nothing to convert
    # The annotations evaluated, as typer's own inspect.signature(func, eval_str=True) would give them.
    evaluated = inspect.signature(func, eval_str=True)
    params = [p.replace(default=p.default.to_typer()) if isinstance(p.default, Param) else p
              for p in evaluated.parameters.values()]
    func._declared_signature = sig
    func.__signature__ = evaluated.replace(parameters=params)


def for_typer_app(app) -> None:
    """for_typer on every command and callback of a typer app and of its sub-apps."""
    callbacks = [info.callback for info in app.registered_commands]
    for info in [app.info, app.registered_callback, *app.registered_groups]:
        if info is not None:
            callbacks.append(info.callback)
    for func in callbacks:
        if inspect.isfunction(func):  # typer's Default(None) placeholders are skipped
            for_typer(func)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            for_typer_app(group.typer_instance)
