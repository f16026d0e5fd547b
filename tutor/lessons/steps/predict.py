"""The predict step: the learner commits to an answer, then sees what really happens beside it.

```yaml
- id: slope-guess
  kind: predict
  question: How steep is the sigmoid at z = 0? Guess before you see it.
  answer_type: number            # number (the default) or choice
  actual: slope0                 # a bound name (bound by an earlier step that does not show it),
                                 # or a number; for choice, the 0-based index of what happens
  choices: [...]                 # for choice: the options
  label: "g'(0)"                 # optional: what the actual value is called on screen
  compute:                       # optional: an operation (or a list of them) run for this step, as
    op: sigmoid_gradient_values  # a compute step's op / inputs / bind, whose results `actual` and
    inputs: {z: [0]}             # `explain` may use (nothing it computes is shown)
  explain: "g'(0) = {slope0:.4f}, because ..."   # shown beside the two, placeholders filled
```

Nothing is marked right or wrong: any readable prediction ends the question,
and the screen then sets the prediction and the actual value side by side,
with how close the two are (for a number: the difference and the ratio), and
the explanation. Skipping shows the actual value alone. In an export, a demo
or a pipe whose input has ended, the question is followed by the actual value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from tutor.base.schema import Reader, Scope, as_number
from tutor.lessons.steps.base import Common, Step, StepFailed, step_kind
from tutor.lessons.steps.basic import parse_text, require_text_names
from tutor.lessons.steps.quiz import Verdict

PREDICT_TYPES = ("number", "choice")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FRACTION = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?)\s*/\s*(\d+(?:\.\d*)?)\s*$")


def _norm(text: str) -> str:
    return " ".join(str(text).lower().split()).strip(" .")


def read_number(raw: str) -> float | None:
    """'0.25', '-3', '1e-4', '1/4' -> a float; None when it is not a number."""
    text = raw.strip().replace("−", "-")
    m = _FRACTION.match(text)
    if m:
        den = float(m.group(2))
        return float(m.group(1)) / den if den else None
    try:
        x = float(text)
    except ValueError:
        return None
    return x if np.isfinite(x) else None


def closeness(predicted: float, actual: float) -> str:
    """How far a prediction landed from the actual value, in words (no verdict, no tolerance)."""
    diff = predicted - actual
    scale = max(abs(actual), abs(predicted), 1e-300)
    if abs(diff) <= 5e-6 * scale:  # equal to the 6 significant figures the actual value is shown with
        return "spot on."
    if predicted != 0 and actual != 0 and np.sign(predicted) != np.sign(actual):
        return f"the opposite sign: {abs(diff):.4g} {'above' if diff > 0 else 'below'} it."
    words = f"{abs(diff):.4g} too {'high' if diff > 0 else 'low'}"
    if actual != 0 and predicted != 0:
        ratio = predicted / actual
        if ratio >= 1.1 or ratio <= 0.9:
            words += f" ({ratio:.3g} times the actual value)"
        else:
            words += f" (within {abs(ratio - 1) * 100:.2g}% of it)"
    elif actual == 0:
        words += " (the actual value is 0)"
    return words + "."


class SideBySide:
    """Two labelled values in two columns, with a line under them; ASCII on an ASCII stream."""

    def __init__(self, left: tuple[str, str], right: tuple[str, str], note: str | None = None,
                 style: str = "cyan") -> None:
        self.left, self.right, self.note, self.style = left, right, note, style

    def __rich_console__(self, console, options):
        from rich.table import Table
        from rich.text import Text

        from tutor.render.symbols import text_for

        def t(s: str, style: str | None = None) -> Text:
            return Text(text_for(console, options, s), style=style)

        grid = Table.grid(padding=(0, 4))
        grid.add_column(overflow="fold")
        grid.add_column(overflow="fold")
        grid.add_row(t(self.left[0], "bold"), t(self.right[0], "bold"))
        grid.add_row(t(self.left[1], "yellow"), t(self.right[1], f"bold {self.style}"))
        yield grid
        if self.note:
            yield t(self.note)


@step_kind("predict")
@dataclass(frozen=True)
class PredictStep(Step):
    question: str = ""
    answer_type: str = "number"
    actual: Any = None  # number: float or bound name; choice: int index or bound name
    choices: tuple[str, ...] = ()
    label: str | None = None
    explain: str | None = None
    skippable: bool = True
    compute: tuple = ()  # ComputeSteps run before the actual value is read (their results are not shown)
    KEYS = ("question", "answer_type", "actual", "choices", "label", "explain", "skippable", "compute")
    interactive = True
    judged: ClassVar[bool] = False  # no right or wrong: any readable prediction ends the question
    ask_label: ClassVar[str] = "Your prediction"
    hints: ClassVar[tuple[str, ...]] = ()
    retries: ClassVar[int] = 1

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> PredictStep:
        cond = common.condition
        compute = _parse_compute(r, common, scope)  # first: what it binds, actual and explain may use
        question = parse_text(r, "question", scope, cond, required=True)
        kind = r.str("answer_type", default="number", choices=PREDICT_TYPES)
        node = r.node_of("actual", required=True)
        where = r.where("actual")
        choices = tuple(r.str_list("choices", single_ok=False) or ())
        for c in choices:
            require_text_names(c, r.where("choices"), scope, cond)
        if kind == "choice" and len(choices) < 2:
            raise r.error("choices", "a choice prediction needs a list of at least two choices")
        if kind == "number" and choices:
            raise r.error("choices", "choices are only for answer_type: choice (this prediction is a number)")
        actual: Any
        if isinstance(node.value, str) and _NAME.fullmatch(node.value.strip()):
            actual = node.value.strip()
            scope.require(actual, where, cond)
        elif kind == "choice":
            if isinstance(node.value, bool) or not isinstance(node.value, int) or not 0 <= node.value < len(choices):
                raise where.error(f"for a choice prediction, actual is the 0-based index of what happens "
                                  f"(0 to {len(choices) - 1}) or a bound name holding it")
            actual = int(node.value)
        else:
            actual = as_number(node)
            if actual is None:
                raise where.error("for a number prediction, actual is a bound name or a number")
        label = parse_text(r, "label", scope, cond)
        explain = parse_text(r, "explain", scope, cond)
        return cls(common, question, kind, actual, choices, label, explain, bool(r.bool("skippable", True)), compute)

    # -- values ------------------------------------------------------------------
    def actual_value(self, ctx) -> float | int:
        """The number that really comes out (number), or the index of the choice that happens (choice)."""
        raw = ctx.get(self.actual) if isinstance(self.actual, str) else self.actual
        try:
            x = np.asarray(raw, dtype=float)
        except (TypeError, ValueError):
            raise StepFailed(f"{self.actual!r} is not a number here") from None
        if x.size != 1:
            raise StepFailed(f"{self.actual!r} has shape {x.shape}; a prediction compares one number")
        v = float(x.ravel()[0])
        if self.answer_type == "choice":
            if v != int(v) or not 0 <= int(v) < len(self.choices):
                raise StepFailed(f"{self.actual!r} is {v:g}, not the index of one of the {len(self.choices)} choices")
            return int(v)
        return v

    def _what(self, ctx) -> str:
        if self.label:
            return ctx.fill(self.label)
        return self.actual if isinstance(self.actual, str) else "the value"

    # -- run time ------------------------------------------------------------------
    def run(self, ctx) -> list[Any]:
        from tutor.lessons.context import SafeText

        for c in self.compute:
            c.apply(ctx)  # computed now, shown only after the learner has committed
        out: list[Any] = [ctx.markdown(self.question)]
        for i, choice in enumerate(self.choices, start=1):
            out.append(SafeText(f"  {i}) {ctx.fill(choice)}"))
        self.actual_value(ctx)  # fail early (and in `tutor validate`) if it cannot be worked out
        how = "the number of a choice" if self.choices else "a number (1/4 is fine too)"
        out.append(SafeText((f"Guess before you see it: type {how}. Nothing is marked; the real value comes next.",
                             "dim")))
        return out

    def answer_text(self, ctx) -> str:
        v = self.actual_value(ctx)
        if self.answer_type == "choice":
            return f"{v + 1}) {ctx.fill(self.choices[v])}"
        return f"{self._what(ctx)} = {v:.6g}"

    def typed_answer(self, ctx) -> str:
        v = self.actual_value(ctx)
        return str(v + 1) if self.answer_type == "choice" else f"{v:.6g}"

    def _pick(self, raw: str, ctx) -> int | None:
        text = raw.strip()
        if text.isdigit():
            k = int(text) - 1
            return k if 0 <= k < len(self.choices) else None
        texts = [_norm(ctx.fill(c)) for c in self.choices]
        return texts.index(_norm(text)) if _norm(text) in texts else None

    def grade(self, raw: str, ctx) -> Verdict:
        """Any readable prediction: right=True (it ends the question) with the comparison to show.

        An unreadable one: right=None and how to write one.
        """
        actual = self.actual_value(ctx)
        if self.answer_type == "choice":
            k = self._pick(raw, ctx)
            if k is None:
                return Verdict(None, f"Type the number of a choice, 1 to {len(self.choices)}.")
            same = k == actual
            view = SideBySide(("You predicted", f"{k + 1}) {ctx.fill(self.choices[k])}"),
                              ("What happens", f"{actual + 1}) {ctx.fill(self.choices[actual])}"),
                              "Your intuition was right." if same else "Not what happens: see why below.",
                              style="green" if same else "cyan")
            return Verdict(True, "", (view,))
        x = read_number(raw)
        if x is None:
            return Verdict(None, "Type a number, such as 0.25 or 1/4.")
        view = SideBySide(("You predicted", f"{x:.6g}"), (f"Actual {self._what(ctx)}", f"{actual:.6g}"),
                          f"Your prediction is {closeness(x, actual)}")
        return Verdict(True, "", (view,))

    def reveal_more(self, ctx) -> list[Any]:
        return []


def _parse_compute(r: Reader, common: Common, scope: Scope) -> tuple:
    """`compute:` as one {op, inputs, bind} mapping or a list of them, each read like a compute step."""
    from tutor.base.schema import Reader as R
    from tutor.lessons.steps.basic import ComputeStep

    node = r.node_of("compute")
    if node is None:
        return ()
    items = node.value if isinstance(node.value, list) else [node]
    out = []
    for i, item in enumerate(items):
        path = r.key_path("compute") + (f"[{i}]" if isinstance(node.value, list) else "")
        if not isinstance(item.value, dict):
            raise r.error("compute", "compute is {op: ..., inputs: {...}, bind: ...} or a list of those")
        cr = R(item, path, r.file, ("op", "inputs", "bind"), what="a computation")
        cr.finish()
        out.append(ComputeStep.parse(cr, common, scope))
    return tuple(out)
