"""The explore step: the learner turns a value and the view is recomputed at once.

```yaml
- id: rate-lab
  kind: explore
  title: Choose the learning rate
  op: descent_path                 # a registered operation, called again on every change
  inputs: {J0: J_start}            # fixed inputs, as in a compute step
  controls:                        # the values the learner turns; each is passed to `op` under its name
    - name: alpha
      label: learning rate
      min: 0.1
      max: 10
      step: 0.1                    # what + and - add and take away
      default: 1.0
  text: "With alpha = {alpha} the cost ends at {J_end:.3f}."   # may quote the controls and the op's results
  show: [{value: path, view: cost}]
  settings: [{alpha: 0.5}, {alpha: 2.5}]   # what an export shows, one setting after another
```

The interaction lives here, not in a UI: the step offers `controls` (a name,
a range, a step), and any front end turns keys into the commands below and
calls `act(cmd, ctx)` (or `change(ctx, name, value)` directly), then draws
the renderables it returns in place of the step's (`redraws` is True):

    more / less    the selected control up or down by its step (keys + and -, arrow up and down)
    switch         select the next control (Tab)
    set            type a value for the selected control (key s; asked through ctx.ui.ask)

The operation's results and the controls' values are bound only while the
step draws itself: later steps cannot depend on where a learner left the
dials. Where nobody can turn them (an export, a pipe, a notebook without
ipywidgets) the step shows each of `settings` in turn (the defaults when
there are none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tutor.base.errors import did_you_mean
from tutor.base.schema import Reader, Scope, Where, as_number
from tutor.lessons.steps.base import Common, Step, StepFailed, step_kind
from tutor.lessons.texts import parse_text
from tutor.lessons.views import ViewSpec, parse_views

COMMANDS = ("more", "less", "switch", "set")
# Op parameters that cannot be spelt as the bound name they usually take (as in a compute step).
ALIASES = {"lam": "lambda"}


@dataclass(frozen=True)
class Control:
    """One value the learner turns: a number in [low, high], moved by `step` (whole numbers when `integer`)."""

    name: str
    label: str
    low: float
    high: float
    step: float
    default: float
    integer: bool = False

    def clamp(self, value: float) -> float:
        value = min(max(float(value), self.low), self.high)
        if self.integer:
            return round(value)
        return value

    def moved(self, value: float, direction: int) -> float:
        """value plus or minus one step, landed on the grid low + k*step and kept in range."""
        k = round((float(value) - self.low) / self.step) + direction
        return self.clamp(round(self.low + k * self.step, 12))

    def text(self, value: float) -> str:
        return str(int(value)) if self.integer else f"{value:g}"

    def read(self, typed: str) -> tuple[float | None, str | None]:
        """A typed value -> (value, None), or (None, why it is refused)."""
        try:
            v = float(typed.strip().replace(",", "."))
        except ValueError:
            return None, f"{typed.strip()!r} is not a number"
        if not math.isfinite(v):
            return None, f"{typed.strip()!r} is not a finite number"
        if v < self.low or v > self.high:
            return None, f"{self.label} goes from {self.text(self.low)} to {self.text(self.high)}"
        if self.integer and v != int(v):
            return None, f"{self.label} is a whole number"
        return self.clamp(v), None


@dataclass(frozen=True)
class Input:
    """An op argument: a bound name, or a literal."""

    ref: str | None = None
    literal: Any = None


def _parse_control(node, path: str, file: str, used: set[str]) -> Control:
    r = Reader(node, path, file, ("name", "label", "min", "max", "step", "default", "integer"), what="a control")
    name = r.name("name", required=True)
    if name in used:
        raise r.error("name", f"two controls are named {name!r}")
    low = r.number("min", required=True)
    high = r.number("max", required=True)
    if not low < high:
        raise r.error("max", f"max ({high:g}) must be greater than min ({low:g})")
    integer = bool(r.bool("integer", False))
    step = r.number("step", 1.0 if integer else (high - low) / 10)
    if step <= 0 or step > high - low:
        raise r.error("step", f"step must be above 0 and at most max - min ({high - low:g})")
    default = r.number("default", low)
    if not low <= default <= high:
        raise r.error("default", f"the default {default:g} is outside {low:g} to {high:g}")
    if integer and not all(float(v).is_integer() for v in (low, high, step, default)):
        raise r.error("integer", "an integer control needs whole numbers for min, max, step and default")
    r.finish()
    return Control(name, r.str("label") or name, float(low), float(high), float(step), float(default), integer)


@step_kind("explore")
@dataclass(frozen=True)
class ExploreStep(Step):
    op: str = ""
    inputs: tuple[tuple[str, Input], ...] = ()
    controls: tuple[Control, ...] = ()
    outputs: tuple[str, ...] = ()  # the names the op's results are bound under while the step draws
    text: str | None = None
    show: tuple[ViewSpec, ...] = ()
    settings: tuple[tuple[tuple[str, float], ...], ...] = ()
    operation: Any = field(default=None, compare=False, repr=False)  # the registered Operation `op` names
    KEYS = ("op", "inputs", "controls", "text", "show", "settings", "bind")
    redraws = True  # a front end draws act()'s renderables in place of the step's
    # The up and down arrows turn the selected value here (as + and -): a full-screen player
    # scrolls this step with PgUp/PgDn and the wheel only.
    takes_arrows = True

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> ExploreStep:
        operations = scope.vocab.operations
        cond = common.condition
        name = r.str("op", required=True)
        if name not in operations:
            raise r.error("op", f"unknown operation {name!r}{did_you_mean(name, operations)} (`tutor ops` lists them)")
        op = operations[name]
        accepted = op.inputs + op.optional
        node = r.node_of("controls", required=True)
        if not isinstance(node.value, list) or not node.value:
            raise r.error("controls", "controls is a list of {name, min, max, step, default}")
        controls: list[Control] = []
        for i, item in enumerate(node.value):
            c = _parse_control(item, f"{r.key_path('controls')}[{i}]", r.file, {c.name for c in controls})
            if c.name not in accepted:
                raise Where(r.file, item.line, item.column, f"{r.key_path('controls')}[{i}]").error(
                    f"operation {name!r} has no input {c.name!r} for this control to set "
                    f"(it takes: {', '.join(accepted) or 'nothing'})")
            controls.append(c)
        turned = {c.name for c in controls}
        given: dict[str, Input] = {}
        ir = r.sub("inputs", allowed=accepted)
        if ir is not None:
            for arg, item in ir.map.items():
                where = ir.where(arg)
                if arg not in accepted:
                    raise where.error(f"operation {name!r} has no input {arg!r}{did_you_mean(arg, accepted)}")
                if arg in turned:
                    raise where.error(f"{arg!r} is set by a control; leave it out of inputs")
                v = item.value
                if isinstance(v, str) and as_number(item) is None and (arg not in op.literals or scope.has(v, cond)):
                    scope.require(v, where, cond)
                    given[arg] = Input(ref=v)
                else:
                    given[arg] = Input(literal=item.plain())
        for arg in accepted:
            if arg in given or arg in turned:
                continue
            same = ALIASES.get(arg, arg)
            if scope.has(same, cond):
                given[arg] = Input(ref=same)
            elif arg in op.inputs and not scope.lenient:
                raise r.where("op").error(f"operation {name!r} needs the input {arg!r}, and no bound name "
                                          f"{same!r} exists to use for it")
        # The op's results and the controls are visible to this step's text and views only.
        local = Scope(scope.visible(cond))
        local.lenient, local.vocab = scope.lenient, scope.vocab
        outputs = tuple(op.outputs)
        if not outputs:  # an operation that returns one value: the step names it
            outputs = (r.name("bind", required=True),)
        elif r.has("bind"):
            raise r.error("bind", f"operation {name!r} gives named values ({', '.join(op.outputs)}); they are "
                                  "used under those names, so leave bind out")
        for n in (*outputs, *turned):
            local.bind(n)
        text = parse_text(r, "text", local, None)
        show = parse_views(r.node_of("show"), r.key_path("show"), r.file, local, None)
        settings = []
        snode = r.node_of("settings")
        if snode is not None:
            if not isinstance(snode.value, list):
                raise r.error("settings", "settings is a list of {control: value} mappings")
            for i, item in enumerate(snode.value):
                sr = Reader(item, f"{r.key_path('settings')}[{i}]", r.file, tuple(turned), what="a setting")
                sr.finish()
                one = []
                for c in controls:
                    v = sr.number(c.name, c.default)
                    if not c.low <= v <= c.high:
                        raise sr.error(c.name, f"{v:g} is outside {c.label}'s range {c.low:g} to {c.high:g}")
                    one.append((c.name, c.clamp(v)))
                settings.append(tuple(one))
        return cls(common, name, tuple(given.items()), tuple(controls), outputs, text, show, tuple(settings), op)

    # -- the values a front end turns ---------------------------------------------------
    def defaults(self) -> dict[str, float]:
        return {c.name: c.clamp(c.default) for c in self.controls}

    def state(self, ctx) -> dict:
        """This step's dials in this session: {'values': {name: value}, 'selected': index}."""
        states = getattr(ctx, "explored", None)
        if states is None:
            states = ctx.explored = {}
        return states.setdefault(self.id, {"values": self.defaults(), "selected": 0})

    def current(self, ctx) -> dict[str, float]:
        return dict(self.state(ctx)["values"])

    def selected(self, ctx) -> Control:
        return self.controls[self.state(ctx)["selected"] % len(self.controls)]

    # -- drawing --------------------------------------------------------------------------
    def compute(self, ctx, values: dict[str, float]) -> dict[str, Any]:
        """The operation's results for these control values: {output name: value}."""
        op = self.operation
        kwargs = {arg: (ctx.get(inp.ref) if inp.ref is not None else inp.literal) for arg, inp in self.inputs}
        kwargs.update(values)
        try:
            result = op.func(**kwargs)
        except (ValueError, IndexError, TypeError, ArithmeticError) as err:
            raise StepFailed(f"operation {self.op!r} failed: {err}") from None
        if len(self.outputs) == 1 and not op.outputs:
            return {self.outputs[0]: result}
        if not isinstance(result, dict) or any(k not in result for k in self.outputs):
            raise StepFailed(f"operation {self.op!r} did not give all of {', '.join(self.outputs)}")
        return {k: result[k] for k in self.outputs}

    def draw(self, ctx, values: dict[str, float], *, heading: bool = False) -> list[Any]:
        """The text and views for one setting; the bound values are restored afterwards."""
        results = self.compute(ctx, values)
        saved = ctx.values
        ctx.values = {**saved, **results, **values}
        try:
            out: list[Any] = []
            if heading:
                from tutor.lessons.context import SafeText

                out.append(SafeText(("With " + self.describe(values), "bold yellow")))
            if self.text:
                out.append(ctx.markdown(self.text))
            out.extend(ctx.view(spec) for spec in self.show)
            return out
        finally:
            ctx.values = saved

    def describe(self, values: dict[str, float]) -> str:
        return ", ".join(f"{c.label} = {c.text(values[c.name])}" for c in self.controls)

    def dials(self, ctx) -> Any:
        """The controls and their values (the selected one in brackets when there are several)."""
        from tutor.lessons.context import SafeText

        values, chosen = self.current(ctx), self.selected(ctx)
        pieces: list[Any] = []
        for c in self.controls:
            shown = f"{c.label} = {c.text(values[c.name])}"
            if c is chosen and len(self.controls) > 1:
                pieces.append((f"[{shown}]", "bold reverse"))
            else:
                pieces.append((shown, "bold"))
            pieces.append((f" ({c.text(c.low)} to {c.text(c.high)})   ", "dim"))
        return SafeText(*pieces)

    def keys_line(self, ctx) -> Any:
        """The last line of the step: the selected value again and the keys, in view however long the step is."""
        c = self.selected(ctx)
        keys = f": + and - change it by {c.text(c.step)} · s types a value"
        if len(self.controls) > 1:
            keys += " · Tab picks the next one"
        return _KeysLine((f"{c.label} = {c.text(self.current(ctx)[c.name])}", "bold"), (keys, "dim"))

    def turnable(self, ctx) -> bool:
        ui = getattr(ctx, "ui", None)
        return bool(getattr(ui, "interactive", False))

    def run(self, ctx) -> list[Any]:
        if self.turnable(ctx):
            return [self.dials(ctx), *self.draw(ctx, self.current(ctx)), self.keys_line(ctx)]
        settings = [dict(s) for s in self.settings] or [self.defaults()]
        out: list[Any] = []
        for values in settings:
            out.extend(self.draw(ctx, values, heading=True))
        return out

    # -- turning ----------------------------------------------------------------------------
    def change(self, ctx, name: str, value: float) -> list[Any]:
        """Set control `name` (clamped to its range) and return the step drawn anew."""
        state = self.state(ctx)
        for i, c in enumerate(self.controls):
            if c.name == name:
                state["values"][name] = c.clamp(value)
                state["selected"] = i
                return self.run(ctx)
        raise StepFailed(f"this step has no control {name!r}")

    def act(self, cmd: str, ctx) -> list[Any]:
        """A command from a front end (COMMANDS); returns the renderables to draw in place of the step's."""
        state = self.state(ctx)
        c = self.selected(ctx)
        note = None
        if cmd in ("more", "less"):
            before = state["values"][c.name]
            after = c.moved(before, 1 if cmd == "more" else -1)
            if after == before:
                note = f"{c.label} is already at its {'highest' if cmd == 'more' else 'lowest'}, {c.text(after)}."
            state["values"][c.name] = after
        elif cmd == "switch":
            state["selected"] = (state["selected"] + 1) % len(self.controls)
        elif cmd == "set":
            typed = _ask(ctx, f"New value for {c.label} ({c.text(c.low)} to {c.text(c.high)}), "
                              f"or Enter to keep {c.text(state['values'][c.name])}")
            if typed is not None and typed.strip():
                value, why = c.read(typed)
                if value is None:
                    note = f"{why}; {c.label} stays {c.text(state['values'][c.name])}."
                else:
                    state["values"][c.name] = value
        else:
            note = "That key does nothing here; ? shows the keys."
        out = self.run(ctx)
        if note:
            out.append(Note(note))
        return out


def _ask(ctx, prompt: str) -> str | None:
    """The typed value; an empty Enter is a reply ('': nothing changes) where the UI can take it, so a
    learner who pressed s by mistake gets out of the question without typing a value."""
    import inspect

    ask = getattr(getattr(ctx, "ui", None), "ask", None)
    if ask is None:
        return None
    try:
        takes = "empty_ok" in inspect.signature(ask).parameters
    except (TypeError, ValueError):
        takes = False
    return ask(prompt, empty_ok=True) if takes else ask(prompt)


class Note:
    """A remark about the last key ("already at its highest", a refused value), in yellow under the step.

    `passing`: drawn once, not kept with the step; the runner keeps what the
    step shows without it, so b and back again show the dials, not an old remark.
    """

    passing = True

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console, options):
        from tutor.lessons.context import SafeText

        yield SafeText((self.text, "yellow"))


class _KeysLine:
    """The keys line; on an ASCII stream its dots become commas (spelt out, a dot would read as `@`)."""

    def __init__(self, *pieces: tuple[str, str]) -> None:
        self.pieces = pieces

    def __rich_console__(self, console, options):
        from tutor.lessons.context import SafeText
        from tutor.render.symbols import wants_ascii

        if wants_ascii(console, options):
            yield SafeText(*((text.replace(" · ", ", "), style) for text, style in self.pieces))
        else:
            yield SafeText(*self.pieces)
