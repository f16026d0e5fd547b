"""The expression step: the learner types a formula, the tutor evaluates it safely and compares.

```yaml
- id: product-typed
  kind: expression
  question: Type the product of every row of A with every row of B.
  expected: A @ B.T
  names: [A, B, C]                # optional: what the learner may use (default: the names the
                                  # expected expression and the mistakes use)
  mistakes:
    - expression: B @ A
      message: That multiplies in the other order ...
  hints: [...]
  explain: Shown after the answer.
  bind: products                   # optional: binds the expected value for later steps
  tol: 1e-6                        # relative and absolute
  factors: [m, K]                  # bound sizes for the "off by a factor" feedback (default: m and K when bound)
```

Any expression with the right value and shape is right. A wrong one is
compared with the declared mistakes first, then with the generic ones
(transposed, off by a factor, a missing or extra leading column, the other
axis); a shape error names both shapes. Evaluation goes through
`tutor.lessons.expression`, never Python's eval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tutor.base.schema import Reader, Scope, Where
from tutor.lessons.expression.evaluator import check_syntax, evaluate, names_used, parse
from tutor.lessons.expression.limits import ExpressionError, ShapeError
from tutor.lessons.expression.mistakes import (
    Mistake,
    diagnose,
    same,
    swapped_axis_variants,
)
from tutor.lessons.steps.base import Common, Step, StepFailed, step_kind
from tutor.lessons.steps.basic import parse_text, require_text_names
from tutor.lessons.steps.quiz import Verdict

DEFAULT_FACTORS = ("m", "K")


def _usable(value) -> bool:
    """Values a learner can compute with: numbers, arrays of numbers, lists of arrays."""
    if isinstance(value, bool):
        return True
    if isinstance(value, (int, float, np.number)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biuf"
    if isinstance(value, (list, tuple)) and value:
        return all(isinstance(v, np.ndarray) and v.dtype.kind in "biuf" for v in value)
    return False


def course_functions(scope: Scope):
    """The functions this lesson's course lets learners call by name (its vocabulary's), {} without one."""
    vocab = getattr(scope, "vocab", None)
    return vocab.functions if vocab is not None else {}


def _parse_expression(text: str, where: Where, scope: Scope, cond) -> set[str]:
    functions = course_functions(scope)
    try:
        check_syntax(text)
        used = names_used(text, functions)
    except ExpressionError as err:
        raise where.error(f"{text!r}: {err.message}") from None
    for name in sorted(used):
        if name in functions:
            continue
        scope.require(name, where, cond)
    return used


@step_kind("expression")
@dataclass(frozen=True)
class ExpressionStep(Step):
    question: str = ""
    expected: str = ""
    names: tuple[str, ...] = ()
    mistakes: tuple[tuple[Mistake, Where], ...] = ()
    hints: tuple[str, ...] = ()
    explain: str | None = None
    retries: int = 3
    skippable: bool = True
    tol: float = 1e-6
    bind: str | None = None
    factors: tuple[str, ...] = DEFAULT_FACTORS
    where: Where | None = None
    functions: Any = field(default=None, compare=False, repr=False)  # the course's, {name: function}
    KEYS = ("question", "expected", "names", "mistakes", "hints", "explain", "retries", "skippable", "tol", "bind",
            "factors")
    interactive = True
    offers_answer = True  # after `retries` wrong tries the runner offers to show the answer
    takes_letters = True  # `h` is an answer here (a name), so the prompt's commands are words

    def letter_is_answer(self, letter: str, ctx) -> bool:
        """A single letter typed at the prompt is an answer ("Type h." means the value h), except `q` when it
        names nothing here: that quits, as everywhere. The prompt shows the words for the other commands."""
        return letter.lower() != "q" or letter in self.names or letter in (self.functions or {})

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> ExpressionStep:
        cond = common.condition
        question = parse_text(r, "question", scope, cond, required=True)
        expected = r.str("expected", required=True).strip()
        used = _parse_expression(expected, r.where("expected"), scope, cond)
        mistakes: list[tuple[Mistake, Where]] = []
        node = r.node_of("mistakes")
        if node is not None:
            if not isinstance(node.value, list):
                raise r.error("mistakes", "mistakes is a list of {expression: ..., message: ...}")
            for i, item in enumerate(node.value):
                mr = Reader(item, f"{r.key_path('mistakes')}[{i}]", r.file, ("expression", "message"),
                            what="a mistake")
                text = mr.str("expression", required=True).strip()
                used |= _parse_expression(text, mr.where("expression"), scope, cond)
                message = " ".join(mr.str("message", required=True).split())
                require_text_names(message, mr.where("message"), scope, cond)
                mr.finish()
                mistakes.append((Mistake(text, message), mr.where("expression")))
        names = r.str_list("names") or ()
        for name in names:
            scope.require(name, r.where("names"), cond)
        functions = course_functions(scope)
        allowed = tuple(dict.fromkeys(list(names) + sorted(n for n in used if n not in functions)))
        factors = tuple(r.str_list("factors") or ())
        for name in factors:
            scope.require(name, r.where("factors"), cond)
        hints = tuple(r.str_list("hints") or ())
        for h in hints:
            require_text_names(h, r.where("hints"), scope, cond)
        bind = r.name("bind")
        if bind:
            scope.bind(bind, cond)
        return cls(
            common, question, expected, allowed, tuple(mistakes), hints, parse_text(r, "explain", scope, cond),
            r.int("retries", 3, min=1), bool(r.bool("skippable", True)), r.number("tol", 1e-6, min=0), bind,
            factors or DEFAULT_FACTORS, r.where("expected"), functions,
        )

    # -- values ----------------------------------------------------------------
    def values(self, ctx) -> dict[str, Any]:
        """The names the learner may use, with their values in this run."""
        out = {}
        for name in self.names:
            v = ctx.get(name)
            if _usable(v):
                out[name] = list(v) if isinstance(v, tuple) else v
        return out

    def _sizes(self, ctx) -> dict[str, int]:
        sizes = {}
        for name in self.factors:
            v = ctx.values.get(name)
            if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
                sizes[name] = int(v)
        return sizes

    def _evaluate_authored(self, text: str, ctx, key: str):
        try:
            return evaluate(text, self.values(ctx), functions=self.functions)
        except ExpressionError as err:
            raise StepFailed(f"{key} {text!r} cannot be evaluated: {err.message}") from None

    def expected_value(self, ctx):
        return self._evaluate_authored(self.expected, ctx, "the expected expression")

    def mistake_values(self, ctx) -> list[tuple[Mistake, Any]]:
        """Each declared mistake with its value (None when it is a shape error, matched by its form instead)."""
        out = []
        for _i, (mistake, _where) in enumerate(self.mistakes):
            try:
                out.append((mistake, evaluate(mistake.expression, self.values(ctx), functions=self.functions)))
            except ExpressionError:
                out.append((mistake, None))
        return out

    def _same_form(self, text: str) -> Mistake | None:
        """The declared mistake written the same way as `text` (spacing and brackets aside), if any."""
        form = _form(text)
        for mistake, _ in self.mistakes:
            if form is not None and _form(mistake.expression) == form:
                return mistake
        return None

    # -- run time ------------------------------------------------------------
    def run(self, ctx) -> list[Any]:
        from tutor.lessons.context import SafeText

        expected = self.expected_value(ctx)
        self._check_mistakes(ctx, expected)
        if self.bind:
            ctx.bind(self.bind, expected)
        names = ", ".join(_name_with_shape(n, v) for n, v in self.values(ctx).items())
        out: list[Any] = [ctx.markdown(self.question)]
        out.append(SafeText(("Type a numpy expression. You can use: ", "dim"), (names, "cyan"),
                            (", np.<function> and the lesson's functions.", "dim")))
        return out

    def _check_mistakes(self, ctx, expected) -> None:
        """Every declared mistake must evaluate, differ from the answer, and be the one named for its value."""
        sizes = self._sizes(ctx)
        for _i, (mistake, where) in enumerate(self.mistakes):
            at = f"line {where.line}, {where.path}" if where.line else where.path
            try:
                wrong = evaluate(mistake.expression, self.values(ctx), functions=self.functions)
            except ShapeError:
                continue  # a mistake whose shapes do not fit: told apart by its error, named by its form
            except ExpressionError as err:
                ctx.problem(f"{at}: the mistake {mistake.expression!r} cannot be evaluated: {err.message}")
                continue
            if same(wrong, expected, self.tol):
                ctx.problem(f"{at}: the mistake {mistake.expression!r} gives the same value as the answer "
                            f"{self.expected!r}, so a learner who types it would be marked right")
                continue
            said = diagnose(wrong, expected, mistakes=self.mistake_values(ctx), sizes=sizes, tol=self.tol)
            if said != mistake.message:
                ctx.problem(f"{at}: the mistake {mistake.expression!r} is reported with another message "
                            f"({said!r}); an earlier mistake has the same value")

    def answer_text(self, ctx) -> str:
        return self.expected

    def typed_answer(self, ctx) -> str:
        return self.expected

    def result_view(self, ctx, value, label: str) -> Any:
        """The value with its shape, drawn like any matrix in the lesson."""
        from tutor.lessons.views import ViewSpec, render_view

        spec = ViewSpec(value="result", label=label)
        try:
            return render_view(spec, np.asarray(value) if not np.isscalar(value) else value, ctx)
        except (ValueError, TypeError):
            from rich.text import Text

            return Text(f"{label}: {value!r}")

    def reveal_more(self, ctx) -> list[Any]:
        """Shown with the answer (demo, export, after a reveal): its result."""
        value = self.expected_value(ctx)
        return [self.result_view(ctx, value, self.expected)]

    def grade(self, raw: str, ctx) -> Verdict:
        """Evaluate `raw` and compare. Refused or unreadable: right=None (no try spent).

        The answer and the mistakes are computed before the learner's text
        is evaluated, so whatever that text does, they come from the
        lesson's values as they were.
        """
        text = raw.strip()
        values = self.values(ctx)
        expected = self.expected_value(ctx)
        mistakes = self.mistake_values(ctx)
        try:
            value = evaluate(text, values, functions=self.functions)
        except ShapeError as err:
            known = self._same_form(text)
            detail = f"Shapes that do not fit: {err.message}."
            if known is not None:
                return Verdict(False, f"{_fill(ctx, known.message)} ({detail})")
            axis = self._axis_hint(text, values, expected)
            return Verdict(False, f"{detail} {axis}" if axis else detail)
        except ExpressionError as err:
            said = err.message[:1].upper() + err.message[1:] + ("" if err.message.endswith(".") else ".")
            word = {"h": "hint", "s": "skip", "b": "back"}.get(text.lower())
            if word:  # a key pressed out of habit: say what does it here
                said += f" (To {'ask for a hint' if word == 'hint' else word if word == 'skip' else 'go back'}, " \
                        f"type {word}.)"
            return Verdict(None, said)
        shown = [self.result_view(ctx, value, text)]
        said = diagnose(value, expected, mistakes=mistakes, sizes=self._sizes(ctx), tol=self.tol)
        if said is None:
            return Verdict(True, "Right.", tuple(shown))
        if not any(said == m.message for m, _ in self.mistakes):
            axis = self._axis_hint(text, values, expected)
            if axis:
                said = axis
        return Verdict(False, _fill(ctx, said), tuple(shown))

    def grade_value(self, value, ctx) -> Verdict:
        """Compare a value computed elsewhere (a notebook cell's numpy) with the answer.

        The same diagnosis as `grade`, for every mistake a value can show:
        the declared mistakes by their values, then the generic ones. No text
        is evaluated here. Not a number or an array: right=None (no try spent).
        """
        try:
            as_array = np.asarray(value)
            np.asarray(as_array, dtype=float)
        except (TypeError, ValueError):
            return Verdict(None, f"That is a {type(value).__name__!s}, not a number or an array: put the value your "
                                 "numpy expression computes after `answer =` (or the expression in quotes).")
        if as_array.dtype.kind not in "biuf":
            return Verdict(None, "That is not a number or an array of numbers: put the value your numpy expression "
                                 "computes after `answer =` (or the expression in quotes).")
        expected = self.expected_value(ctx)
        shown = [self.result_view(ctx, value, "your answer")]
        said = diagnose(value, expected, mistakes=self.mistake_values(ctx), sizes=self._sizes(ctx), tol=self.tol)
        if said is None:
            return Verdict(True, "Right.", tuple(shown))
        return Verdict(False, _fill(ctx, said), tuple(shown))

    def _axis_hint(self, text: str, values, expected) -> str | None:
        try:
            variants = swapped_axis_variants(text)
        except ExpressionError:
            return None
        for other, was in variants:
            try:
                if same(evaluate(other, values, functions=self.functions), expected, self.tol):
                    now = "axis=1" if was == "axis=0" else "axis=0"
                    return (f"The wrong axis: axis=0 runs down each column (over the rows), axis=1 along each "
                            f"row (over the columns). With {now} instead of {was} it is right.")
            except ExpressionError:
                continue
        return None


def _form(text: str) -> str | None:
    """The expression's syntax tree as text: equal for `B@A` and `(B @ A)`."""
    import ast

    try:
        return ast.dump(parse(text))
    except ExpressionError:
        return None


def _fill(ctx, text: str) -> str:
    """A message with the lesson's {placeholders} filled (messages in YAML may quote bound values)."""
    return ctx.fill(text) if "{" in text else text


def _name_with_shape(name: str, value) -> str:
    """'X (200 x 3)', 'prior (10)', 'm', 'weights (a list of 2 arrays)' for the line of usable names."""
    if isinstance(value, list):
        return f"{name} (a list of {len(value)} arrays)"
    shape = np.shape(value)
    return f"{name} ({' x '.join(map(str, shape))})" if shape else name
