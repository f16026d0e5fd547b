"""Steps that re-run earlier compute steps: `repeat` (an update N times, with a trace)
and `gradient-check` (central differences through the steps that compute a number).

Both name earlier `compute` steps by id (`run: [gradient, update]`): the maths
stays written once, as ordinary compute steps, and these steps replay it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.base.schema import Reader, Scope, as_number
from tutor.lessons.steps.base import Common, Step, StepFailed, read_value, step_kind
from tutor.lessons.texts import parse_text

MAX_ROUNDS = 100_000
MAX_CHECKED = 500  # entries a gradient check nudges (two runs of the steps each)


def _replayed(r: Reader, scope: Scope, cond) -> tuple[str, ...]:
    """The ids under `run`, each an earlier compute step under a compatible condition."""
    ids = r.str_list("run", required=True, single_ok=True) or ()
    if not ids:
        raise r.error("run", "name at least one earlier compute step to run")
    for _i, step_id in enumerate(ids):
        step = scope.steps.get(step_id)
        where = r.where("run")
        if step is None:
            from tutor.base.errors import did_you_mean

            if scope.lenient:
                continue
            raise where.error(f"there is no earlier step {step_id!r}{did_you_mean(step_id, scope.steps)} "
                              "(a step can only re-run steps above it)")
        if not hasattr(step, "apply"):
            raise where.error(f"the step {step_id!r} is a {step.kind} step; only compute steps can be re-run")
        if step.common.condition not in (None, cond):
            raise where.error(f"the step {step_id!r} only runs when {step.common.condition}; give this step the same `when`")
    return tuple(ids)


def _replay(ctx, lesson_steps: tuple[str, ...], steps: dict) -> None:
    for step_id in lesson_steps:
        steps[step_id].apply(ctx)


class _Scratch:
    """The values a repeat step's rounds read and bind, apart from the lesson's context
    (so rounds computed ahead bind nothing there until the step is reached)."""

    lookahead = None

    def __init__(self, values) -> None:
        self.values = dict(values)
        self.bound: dict[str, Any] = {}

    def get(self, name: str, transpose: bool = False) -> Any:
        return read_value(self.values, name, transpose)

    def bind(self, name: str, value: Any) -> None:
        self.values[name] = value
        self.bound[name] = value

    def computed(self, step_id: str, values, compute) -> Any:
        return compute(values)


def _number(value: Any, name: str) -> float:
    if np.size(value) != 1:
        raise StepFailed(f"{name} has shape {np.shape(value)}; it must be one number")
    return float(np.asarray(value, dtype=float).ravel()[0])


class _Record:
    """What a live display is fed: the number after each round (read as `.cost`)."""

    def __init__(self, iteration: int, cost: float) -> None:
        self.iteration = iteration
        self.cost = cost


@step_kind("repeat")
@dataclass(frozen=True)
class RepeatStep(Step):
    """Re-run earlier compute steps `times` times, carrying values forward and tracing a number.

    Each round runs the `run` steps in order, records `trace` (a number they
    compute), then binds every `carry` target to its source (`w: w_next`).
    After the last round the steps run once more, so every name matches the
    final values and the trace holds times + 1 numbers: before each update
    and after the last. The trace is bound as `bind` (default: trace + `_trace`).
    `ahead: true`: the rounds are computed while the learner reads the steps
    before (tutor.lessons.lookahead); the step then appears finished, without
    the live progress, so leave it off where watching the rounds is the point.
    """

    run_ids: tuple[str, ...] = ()
    times: Any = 1
    carry: tuple[tuple[str, str], ...] = ()
    trace: str | None = None
    bind: str | None = None
    text: str | None = None
    replay: Any = None  # {id: step}, the steps to re-run (kept out of comparisons)
    ahead: bool = False
    KEYS = ("run", "times", "carry", "trace", "bind", "text", "ahead")

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> RepeatStep:
        cond = common.condition
        ids = _replayed(r, scope, cond)
        node = r.node_of("times", required=True)
        times: Any = as_number(node)
        if times is None:
            times = r.name("times")
            scope.require(times, r.where("times"), cond)
        elif times != int(times) or not 0 <= times <= MAX_ROUNDS:
            raise r.error("times", f"must be a whole number from 0 to {MAX_ROUNDS}")
        else:
            times = int(times)
        carry = []
        cr = r.sub("carry", ())
        if cr is not None:
            for target in cr.map:
                source = cr.name(target, required=True)
                scope.require(target, cr.where(target), cond)
                scope.require(source, cr.where(target), cond)
                carry.append((target, source))
        trace = r.name("trace")
        if trace:
            scope.require(trace, r.where("trace"), cond)
        bind = r.name("bind") or (f"{trace}_trace" if trace else None)
        if bind:
            scope.bind(bind, cond)
        text = parse_text(r, "text", scope, cond)  # after binding: it may quote the trace
        replay = {i: scope.steps[i] for i in ids if i in scope.steps}
        ahead = bool(r.bool("ahead", False))
        return cls(common, ids, times, tuple(carry), trace, bind, text, replay, ahead)

    def plan(self):
        """With `ahead: true`: every name the rounds read, and the rounds on a copy of them."""
        reads = self._reads() if self.ahead else None
        if reads is None:
            return None
        from tutor.lessons.lookahead import Plan

        return Plan(reads, self._rounds)

    def _reads(self) -> tuple[str, ...] | None:
        """The names the rounds read; None when a re-run step cannot say (then: all of them)."""
        if not all(hasattr(st, "_reads") for st in self.replay.values()):
            return None
        names = {name for st in self.replay.values() for name in st._reads()}
        names.update(n for pair in self.carry for n in pair)
        names.update(n for n in (self.trace, self.times) if isinstance(n, str) and n)
        return tuple(sorted(names))

    def _rounds(self, values, ctx=None) -> tuple[list[float], dict[str, Any], int]:
        """(the trace, every name the rounds bound, the rounds run), computed on a copy of `values`.

        ctx: the lesson's context, for the live progress when it runs in the
        foreground (None on the look-ahead's thread: nothing to show there).
        """
        work = _Scratch(values)
        times = self.times if isinstance(self.times, int) else int(_number(work.get(self.times), self.times))
        if not 0 <= times <= MAX_ROUNDS:
            raise StepFailed(f"{self.times} = {times}: the number of rounds must be from 0 to {MAX_ROUNDS}")
        trace: list[float] = []
        title = f"{times} rounds of {', '.join(self.run_ids)}"
        import contextlib

        with (ctx.training(times, title) if ctx is not None else contextlib.nullcontext(None)) as live:
            for k in range(times + 1):
                _replay(work, self.run_ids, self.replay)
                if self.trace:
                    trace.append(_number(work.get(self.trace), self.trace))
                    if live is not None:
                        live.update(_Record(k, trace[-1]))
                if k == times:
                    break
                for target, source in self.carry:
                    work.bind(target, work.get(source))
        return trace, work.bound, times

    def run(self, ctx) -> list[Any]:
        reads = self._reads()
        values = {name: ctx.get(name) for name in reads} if reads is not None else ctx.values
        trace, bound, times = ctx.computed(self.id, values, lambda v: self._rounds(v, ctx))
        for name, value in bound.items():
            ctx.bind(name, value)
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        if self.bind:
            ctx.bind(self.bind, np.array(trace))
        if self.trace and trace:
            from rich.text import Text

            from tutor.render import CostCurve

            if len(trace) > 1:
                out.append(CostCurve(np.array(trace), title=f"{self.trace} in each round"))
            out.append(Text(f"{self.trace}: {trace[0]:.6g} at the start, {trace[-1]:.6g} after {times} rounds"))
        return out


@step_kind("gradient-check")
@dataclass(frozen=True)
class GradientCheckStep(Step):
    """Central differences: nudge each entry of `wrt` by ±epsilon, re-run the `run` steps,
    and compare (J(w + e) - J(w - e)) / 2e with the gradient `against`.

    Binds `bind` (default numerical_gradient, shaped like wrt) and
    `<bind>_difference`, the relative difference |num - ana| / |num + ana|.
    """

    of: str = ""
    wrt: str = ""
    against: str = ""
    run_ids: tuple[str, ...] = ()
    epsilon: Any = 1e-4  # a number, or a bound name
    bind: str = "numerical_gradient"
    text: str | None = None
    replay: Any = None
    KEYS = ("of", "wrt", "against", "run", "epsilon", "bind", "text")

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> GradientCheckStep:
        cond = common.condition
        text = parse_text(r, "text", scope, cond)
        names = {}
        for key in ("of", "wrt", "against"):
            names[key] = r.name(key, required=True)
            scope.require(names[key], r.where(key), cond)
        ids = _replayed(r, scope, cond)
        node = r.node_of("epsilon")
        eps: Any = 1e-4 if node is None else as_number(node)
        if eps is None:  # a bound name, e.g. a declared parameter
            eps = r.name("epsilon")
            scope.require(eps, r.where("epsilon"), cond)
        elif eps <= 0:
            raise r.error("epsilon", "must be more than 0 (1e-4 is usual)")
        bind = r.name("bind") or "numerical_gradient"
        scope.bind(bind, cond)
        scope.bind(f"{bind}_difference", cond)
        replay = {i: scope.steps[i] for i in ids if i in scope.steps}
        return cls(common, names["of"], names["wrt"], names["against"], ids, eps, bind, text, replay)

    def run(self, ctx) -> list[Any]:
        from tutor.core.gradcheck import relative_difference
        from tutor.render import GradientComparison

        eps = self.epsilon if not isinstance(self.epsilon, str) else _number(ctx.get(self.epsilon), self.epsilon)
        if not eps > 0:
            raise StepFailed(f"epsilon must be more than 0, not {eps}")
        w0 = np.array(ctx.get(self.wrt), dtype=float)
        analytical = np.asarray(ctx.get(self.against), dtype=float)
        if analytical.size != w0.size:
            raise StepFailed(f"{self.against} has {analytical.size} entries but {self.wrt} has {w0.size}")
        if w0.size > MAX_CHECKED:
            raise StepFailed(f"{self.wrt} has {w0.size} entries; a gradient check here nudges at most {MAX_CHECKED}")
        saved = dict(ctx.values)
        numerical = np.zeros(w0.size)
        try:
            for i in range(w0.size):
                costs = []
                for sign in (1.0, -1.0):
                    w = w0.copy().ravel()
                    w[i] += sign * eps
                    ctx.bind(self.wrt, w.reshape(w0.shape))
                    _replay(ctx, self.run_ids, self.replay)
                    costs.append(_number(ctx.get(self.of), self.of))
                numerical[i] = (costs[0] - costs[1]) / (2.0 * eps)
        finally:
            ctx.values.clear()
            ctx.values.update(saved)  # the nudged values never leak into later steps
        rel = relative_difference(numerical, analytical.ravel())
        ctx.bind(self.bind, numerical.reshape(w0.shape))
        ctx.bind(f"{self.bind}_difference", rel)
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        out.append(GradientComparison(numerical, analytical.ravel(), rel,
                                      title=f"d{self.of}/d{self.wrt}: central differences against {self.against}"))
        return out
