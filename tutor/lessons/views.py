"""Views: how a lesson asks to see a bound value.

`show: [z, {value: h, view: matrix, highlight_cols: [0]}]` becomes ViewSpecs
at load time, checked against the view registry (tutor.lessons.registry):
each view declares the options it takes. At run time `render_view` calls
the registered view function, which returns a rich renderable. The engine's
views are in views_generic.py; a course plugin adds its own with
`tutor.plugin.view`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tutor.base.errors import did_you_mean
from tutor.base.schema import Reader, Scope, Where, parse_ref
from tutor.base.yamlsafe import Node

COMMON_VIEW_KEYS = ("value", "view", "label")


@dataclass(frozen=True)
class ViewSpec:
    """One value to show and how. value: a bound name (`.T` allowed); options: the view's own keys."""

    value: str
    transpose: bool = False
    view: str = "auto"
    label: str | None = None
    options: tuple[tuple[str, Any], ...] = ()
    registered: Any = field(default=None, compare=False, repr=False)  # the View `view` names, found at load

    @property
    def name(self) -> str:
        return self.label or (self.value + ("ᵀ" if self.transpose else ""))

    def option(self, key: str, default: Any = None) -> Any:
        """The option as the lesson gave it, else the view's declared default."""
        given = dict(self.options)
        if key in given:
            return given[key]
        spec = self.registered
        if spec is not None and key in spec.options:
            return spec.options[key][1]
        return default

    def __getattr__(self, key: str) -> Any:  # spec.precision, spec.columns ... read as options
        if key.startswith("_"):
            raise AttributeError(key)
        return self.option(key)

    def title(self, ctx) -> str:
        """The name to print, its placeholders filled."""
        return ctx.fill(self.name) if "{" in self.name else self.name


def view_options(view_name: str | None, views) -> tuple[str, ...]:
    """The keys a view takes besides value, view and label (views: the course's view registry).

    For an unknown view, every view's keys: the step is then refused for its
    view's name (with a suggestion), not for an option it could not know.
    """
    spec = views.get(view_name or "auto")
    if spec is not None:
        return tuple(spec.options)
    return tuple(dict.fromkeys(k for v in views.values() for k in v.options))


def _read_option(r: Reader, key: str, kind: str, scope: Scope, condition: str | None) -> Any:
    if kind == "name":
        name = r.name(key)
        if name:
            scope.require(name, r.where(key), condition)
        return name
    if kind == "int":
        return r.int(key, min=0)
    if kind == "int_list":
        return r.int_list(key) or ()
    if kind == "bool":
        return r.bool(key)
    if kind == "number":
        return r.number(key)
    if kind == "str_list":
        return r.str_list(key) or ()
    if kind == "graph":  # `z = p1 + p2` lines, parsed and their leaves checked now (tutor.lessons.graphspec)
        from tutor.lessons.graphspec import read_nodes

        return read_nodes(r, key, scope, condition)
    return r.str(key)


def parse_view(node: Node, path: str, file: str, scope: Scope, condition: str | None, *,
               view_key: str = "view", extra_keys: tuple[str, ...] = ()) -> ViewSpec:
    """A view from a bare name (`z2`) or a mapping (`{value: z2, view: matrix, ...}`).

    view_key: the key naming the view (`figure` in a figure step, where the
    view's `default_value` stands in for a missing `value`).
    """
    from tutor.lessons.texts import require_text_names

    VIEWS = scope.vocab.views  # noqa: N806 - the registry, read like a constant
    if isinstance(node.value, str):
        where = Where(file, node.line, node.column, path)
        name, t = parse_ref(node.value, where)
        scope.require(name, where, condition)
        return ViewSpec(value=name, transpose=t, registered=VIEWS.get("auto"))
    r = Reader(node, path, file, (), what="a view")
    view_name = r.str(view_key, required=view_key != "view", default="auto")
    if view_name not in VIEWS:
        raise r.error(view_key, f"unknown value {view_name!r}{did_you_mean(view_name, VIEWS)} "
                                f"(expected one of: {', '.join(sorted(VIEWS))}; `tutor ops` says what each draws)")
    spec = VIEWS[view_name]
    r.allowed = ("value", view_key, "label") + tuple(spec.options) + extra_keys
    r.finish()
    if r.has("value") or spec.default_value is None:
        ref = r.str("value", required=True)
        name, t = parse_ref(ref, r.where("value"))
    else:
        name, t = spec.default_value, False
    scope.require(name, r.where("value"), condition)
    label = r.str("label")
    require_text_names(label, r.where("label"), scope, condition)
    options = []
    for key, (kind, default) in spec.options.items():
        if r.has(key):
            options.append((key, _read_option(r, key, kind, scope, condition)))
        elif kind == "name" and default is not None:
            scope.require(default, r.where(), condition)
    return ViewSpec(value=name, transpose=t, view=view_name, label=label, options=tuple(options), registered=spec)


def parse_views(node: Node | None, path: str, file: str, scope: Scope, condition: str | None) -> tuple[ViewSpec, ...]:
    if node is None:
        return ()
    items = node.value if isinstance(node.value, list) else [node]
    return tuple(
        parse_view(item, f"{path}[{i}]" if isinstance(node.value, list) else path, file, scope, condition)
        for i, item in enumerate(items)
    )


def find_renderer(name: str):
    """A renderer class exported by tutor.render, or None."""
    import tutor.render

    return getattr(tutor.render, name, None)


def render_view(spec: ViewSpec, value: Any, ctx) -> Any:
    """The renderable for `value` as `spec` asks (ValueError when it cannot be drawn)."""
    import numpy as np

    if spec.transpose:
        value = np.asarray(value).T
    view = spec.registered
    if view is None:  # a spec made at run time (a typed expression's result): the lesson's views
        view = ctx.vocab.views.get(spec.view)
    if view is None:
        raise ValueError(f"unknown view {spec.view!r}")
    return view.func(value, ctx, spec)
