"""The step kinds that compute and show: text, compute, show, shapes, check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tutor.base.errors import did_you_mean
from tutor.base.schema import Reader, Scope, Where, as_number, parse_ref
from tutor.base.yamlsafe import Node
from tutor.lessons.steps.base import Common, Step, StepFailed, read_value, step_kind
from tutor.lessons.texts import parse_text, require_text_names  # noqa: F401  (re-exported)
from tutor.lessons.views import ViewSpec, parse_views

# Op parameters that cannot be spelt as the bound name they usually take.
PARAM_ALIASES = {"lam": "lambda"}


@step_kind("text")
@dataclass(frozen=True)
class TextStep(Step):
    """Markdown with `{name}` placeholders."""

    text: str = ""
    KEYS = ("text",)

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> TextStep:
        return cls(common, parse_text(r, "text", scope, common.condition, required=True))

    def run(self, ctx) -> list[Any]:
        return [ctx.markdown(self.text)]


@dataclass(frozen=True)
class Input:
    """An op argument: a bound name (maybe transposed) or a literal value."""

    ref: str | None = None
    transpose: bool = False
    literal: Any = None

    def value(self, ctx) -> Any:
        if self.ref is None:
            return self.literal
        return ctx.get(self.ref, self.transpose)

    def picked(self, values) -> Any:
        """The value from {name: value} (a look-ahead's copy of the inputs) instead of the context."""
        if self.ref is None:
            return self.literal
        return read_value(values, self.ref, self.transpose)


def _parse_input(node: Node, where: Where, op, arg: str, scope: Scope, condition: str | None) -> Input:
    v = node.value
    if isinstance(v, dict):
        if set(v) != {"literal"}:
            raise where.error("an input is a bound name, a number, a list, or {literal: value}")
        return Input(literal=v["literal"].plain())
    if isinstance(v, str) and not _looks_numeric(v):
        name, t = parse_ref(v, where) if arg not in op.literals else (v, False)
        if arg in op.literals and not scope.has(name, condition):
            return Input(literal=v)
        scope.require(name, where, condition)
        return Input(ref=name, transpose=t)
    if isinstance(v, str):
        return Input(literal=float(v))
    return Input(literal=node.plain())


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@step_kind("compute")
@dataclass(frozen=True)
class ComputeStep(Step):
    """Call a registered operation with named inputs and bind what it returns."""

    op: str = ""
    inputs: tuple[tuple[str, Input], ...] = ()
    bind_one: str | None = None  # single-value ops
    bind_map: tuple[tuple[str, str], ...] = ()  # dict ops: (key, name)
    show: tuple[ViewSpec, ...] = ()
    text: str | None = None
    operation: Any = field(default=None, compare=False, repr=False)  # the registered Operation `op` names
    KEYS = ("op", "inputs", "bind", "show", "text")

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> ComputeStep:
        ops = scope.vocab.operations
        cond = common.condition
        name = r.str("op", required=True)
        if name not in ops:
            raise r.error("op", f"unknown operation {name!r}{did_you_mean(name, ops)} (`tutor ops` lists them)")
        op = ops[name]
        accepted = op.inputs + op.optional
        given: dict[str, Input] = {}
        inputs_reader = r.sub("inputs", allowed=accepted)
        if inputs_reader is not None:
            for arg, node in inputs_reader.map.items():
                where = inputs_reader.where(arg)
                if arg not in accepted:
                    hint = did_you_mean(arg, accepted) or f" (it takes: {', '.join(accepted) or 'nothing'})"
                    raise where.error(f"operation {name!r} has no input {arg!r}{hint}")
                given[arg] = _parse_input(node, where, op, arg, scope, cond)
        for arg in accepted:
            if arg in given:
                continue
            same = PARAM_ALIASES.get(arg, arg)
            if scope.has(same, cond):
                given[arg] = Input(ref=same)
            elif arg in op.inputs and not scope.lenient:
                raise r.where("inputs" if inputs_reader else "op").error(
                    f"operation {name!r} needs the input {arg!r}, and no bound name {same!r} exists to use for it"
                )
        bind_node = r.node_of("bind")
        bind_one, bind_map = None, []
        if op.outputs:
            if bind_node is None:
                bind_map = [(k, k) for k in op.outputs]
            elif isinstance(bind_node.value, dict):
                br = r.sub("bind", allowed=op.outputs)
                for key in br.map:
                    if key not in op.outputs:
                        raise br.where(key).error(
                            f"operation {name!r} gives no {key!r}{did_you_mean(key, op.outputs)} (it gives: {', '.join(op.outputs)})"
                        )
                    bind_map.append((key, br.name(key, required=True)))
            else:
                raise r.error("bind", f"operation {name!r} gives several values ({', '.join(op.outputs)}); "
                              f"bind them with a mapping such as {{{op.outputs[0]}: name}}, or leave bind out")
        else:
            bind_one = r.name("bind", required=True)
        for _, bound in bind_map:
            scope.bind(bound, cond)
        if bind_one:
            scope.bind(bind_one, cond)
        show = parse_views(r.node_of("show"), r.key_path("show"), r.file, scope, cond)
        text = parse_text(r, "text", scope, cond)  # after binding: the text may quote the results
        return cls(common, name, tuple(given.items()), bind_one, tuple(bind_map), show, text, op)

    def run(self, ctx) -> list[Any]:
        self.apply(ctx)
        out: list[Any] = []
        if self.text:
            out.append(ctx.markdown(self.text))
        out.extend(ctx.view(spec) for spec in self.show)
        return out

    def plan(self):
        """For an operation registered with ahead=True: its bound inputs, and the call."""
        if not self.operation.ahead:
            return None
        from tutor.lessons.lookahead import Plan

        return Plan(self._reads(), self._call)

    def _reads(self) -> tuple[str, ...]:
        return tuple(sorted({inp.ref for _, inp in self.inputs if inp.ref is not None}))

    def _call(self, values) -> Any:
        return self.operation.func(**{arg: inp.picked(values) for arg, inp in self.inputs})

    def apply(self, ctx) -> None:
        """Call the operation and bind what it returns (no output: a repeat step re-runs this)."""
        op = self.operation
        if op.ahead:  # what the look-ahead computed from these same values, if it did
            values = {name: ctx.get(name) for name in self._reads()}
        else:
            kwargs = {arg: inp.value(ctx) for arg, inp in self.inputs}
        try:
            result = ctx.computed(self.id, values, self._call) if op.ahead else op.func(**kwargs)
        except (ValueError, IndexError, TypeError, np.linalg.LinAlgError) as err:
            raise StepFailed(f"operation {self.op!r} failed: {err}") from None
        if self.bind_one:
            ctx.bind(self.bind_one, result)
        else:
            if not isinstance(result, dict):
                raise StepFailed(f"operation {self.op!r} returned one value, not the named values it declares")
            for key, name in self.bind_map:
                if key not in result:
                    raise StepFailed(f"operation {self.op!r} did not give {key!r} here")
                ctx.bind(name, result[key])


@step_kind("show")
@dataclass(frozen=True)
class ShowStep(Step):
    """A view of one bound value."""

    spec: ViewSpec = None  # type: ignore[assignment]
    text: str | None = None
    KEYS = ("value", "view", "label", "text")

    @classmethod
    def allowed_keys(cls, r: Reader, scope: Scope | None = None) -> tuple[str, ...]:
        from tutor.lessons.views import view_options

        node = r.map.get("view")
        name = node.value if node is not None and isinstance(node.value, str) else "auto"
        return cls.KEYS + view_options(name, scope.vocab.views)

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> ShowStep:
        text = parse_text(r, "text", scope, common.condition)
        sub = {k: v for k, v in r.map.items() if k not in ("id", "kind", "title", "notes", "when", "text")}
        r.node_of("value", required=True)
        spec = parse_views(Node(sub, r.node.line, r.node.column), r.path, r.file, scope, common.condition)[0]
        return cls(common, spec, text)

    def run(self, ctx) -> list[Any]:
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        out.append(ctx.view(self.spec))
        return out


@step_kind("shapes")
@dataclass(frozen=True)
class ShapesStep(Step):
    """The shape algebra of a product, computed from the real arrays."""

    operands: tuple[tuple[str, bool], ...] = ()
    result: str | None = None
    text: str | None = None
    KEYS = ("operands", "result", "text")

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> ShapesStep:
        text = parse_text(r, "text", scope, common.condition)
        names = r.str_list("operands", required=True, single_ok=False)
        if not names:
            raise r.error("operands", "expected at least one operand")
        operands = []
        for i, text_ref in enumerate(names):
            item = r.map["operands"].value[i]
            where = Where(r.file, item.line, item.column, f"{r.key_path('operands')}[{i}]")
            name, t = parse_ref(text_ref, where)
            scope.require(name, where, common.condition)
            operands.append((name, t))
        result = r.name("result")
        if result:
            scope.require(result, r.where("result"), common.condition)
        return cls(common, tuple(operands), result, text)

    def run(self, ctx) -> list[Any]:
        from tutor.lessons.views import find_renderer

        ops = [(name + ("ᵀ" if False else ""), np.shape(ctx.get(name)), t) for name, t in self.operands]
        result = (self.result, np.shape(ctx.get(self.result))) if self.result else None
        cls = find_renderer("ShapeEquation")
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        if cls is None:
            from rich.text import Text

            out.append(Text(" · ".join(f"{n}{'ᵀ' if t else ''} {s}" for n, s, t in ops)))
            return out
        eq = cls(ops, result)
        out.append(eq)
        if not eq.ok:
            ctx.problem(f"the shapes do not fit: {'; '.join(eq.problems)}")
        return out


def _close(value, target, tol: float, rtol: float) -> tuple[bool, float]:
    """(every entry within tol + rtol |target|, the largest |difference|): absolute and relative together.

    A single expected number stands for every entry (`expect: 1` against a
    vector of row sums); otherwise the sizes must match.
    """
    a = np.asarray(value, dtype=float)
    b = np.asarray(target, dtype=float)
    if b.size == 1 and a.size != 1:
        b = np.full(a.shape, float(b.ravel()[0]))
    if a.shape != b.shape and a.size != b.size:
        return False, float("inf")
    a, b = a.reshape(b.shape) if a.size == b.size else a, b
    with np.errstate(invalid="ignore"):
        gap = np.abs(a - b)
        same_inf = np.isinf(a) & (a == b)  # inf against the same inf: equal, though inf - inf is nan
        gap = np.where(same_inf, 0.0, gap)
    diff = float(np.max(gap)) if a.size else 0.0
    return bool(np.all(gap <= tol + rtol * np.abs(b))), diff


@step_kind("check")
@dataclass(frozen=True)
class CheckStep(Step):
    """A bound value against a figure (expect) or another bound value (against)."""

    value: str = ""
    expect: Any = None
    against: str | None = None
    tol: float = 1e-9
    rtol: float = 1e-12
    label: str | None = None
    source: str | None = None
    text: str | None = None
    at_least: float | None = None
    at_most: float | None = None
    KEYS = ("value", "expect", "against", "at_least", "at_most", "tol", "rtol", "label", "source", "text")

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> CheckStep:
        cond = common.condition
        text = parse_text(r, "text", scope, cond)
        label = parse_text(r, "label", scope, cond)
        value = r.name("value", required=True)
        scope.require(value, r.where("value"), cond)
        kinds = [r.has("expect"), r.has("against"), r.has("at_least") or r.has("at_most")]
        if sum(kinds) != 1:
            raise r.error(None, "a check needs exactly one of `expect` (a number), `against` (a bound name), "
                                "or the bounds `at_least` / `at_most`")
        expect, against = None, None
        at_least = r.number("at_least", None) if r.has("at_least") else None
        at_most = r.number("at_most", None) if r.has("at_most") else None
        if kinds[2]:
            pass
        elif r.has("expect"):
            node = r.map["expect"]
            if isinstance(node.value, list):
                expect = []
                for i, item in enumerate(node.value):
                    x = as_number(item)
                    if x is None:
                        raise Where(r.file, item.line, item.column, f"{r.key_path('expect')}[{i}]").error("expected a number")
                    expect.append(x)
                expect = tuple(expect)
            else:
                expect = as_number(node)
                if expect is None:
                    raise r.error("expect", "expected a number or a list of numbers (use `against` to compare with a bound name)")
        else:
            against = r.name("against")
            scope.require(against, r.where("against"), cond)
        return cls(common, value, expect, against, r.number("tol", 1e-9, min=0), r.number("rtol", 1e-12, min=0),
                   label, parse_text(r, "source", scope, cond), text, at_least, at_most)

    def run(self, ctx) -> list[Any]:
        from tutor.lessons.views import find_renderer

        value = ctx.get(self.value)
        bounded = self.at_least is not None or self.at_most is not None
        if bounded:
            return self._run_bounds(ctx, value)
        target = ctx.get(self.against) if self.against else self.expect
        passed, diff = _close(value, target, self.tol, self.rtol)
        label = ctx.fill(self.label) if self.label else (
            f"{self.value} = {self.against}" if self.against else f"{self.value} = {self.expect}")
        detail_parts = []
        if self.source:
            detail_parts.append(ctx.fill(self.source))
        detail = "; ".join(detail_parts) or None
        if not passed:
            ctx.problem(f"check {label!r} failed: {self.value} differs from the expected value by up to {diff:.3g}, "
                        f"more than {self.tol:g} (+ {self.rtol:g} of its size)")
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        shown_value = float(np.asarray(value).ravel()[0]) if np.size(value) == 1 else value
        shown_target = float(np.asarray(target).ravel()[0]) if np.size(target) == 1 else target
        cls = find_renderer("CheckBadge")
        if cls is None:
            from rich.text import Text

            out.append(Text(f"{'PASS' if passed else 'FAIL'} {label}"))
        else:
            out.append(cls(label, passed, shown_value, shown_target, self.tol, detail=detail))
        return out

    def _run_bounds(self, ctx, value) -> list[Any]:
        """value >= at_least and/or value <= at_most (a number)."""
        from tutor.lessons.views import find_renderer

        if np.size(value) != 1:
            raise StepFailed(f"{self.value} has shape {np.shape(value)}; a bound check needs one number")
        v = float(np.asarray(value, dtype=float).ravel()[0])
        passed = (self.at_least is None or v >= self.at_least) and (self.at_most is None or v <= self.at_most)
        parts = ([f"at least {self.at_least:g}"] if self.at_least is not None else []) + (
            [f"at most {self.at_most:g}"] if self.at_most is not None else [])
        label = ctx.fill(self.label) if self.label else f"{self.value} is {' and '.join(parts)}"
        if not passed:
            ctx.problem(f"check {label!r} failed: {self.value} = {v:g} is not {' and '.join(parts)}")
        detail = ctx.fill(self.source) if self.source else None
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        cls = find_renderer("CheckBadge")
        if cls is None:
            from rich.text import Text

            out.append(Text(f"{'PASS' if passed else 'FAIL'} {label}"))
        else:
            out.append(cls(label, passed, v, None, None, detail=detail, at_least=self.at_least, at_most=self.at_most))
        return out
