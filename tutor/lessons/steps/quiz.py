"""The quiz step: a question the learner answers by typing.

Four answer types: `choice` (by number or the choice's words; a letter is
never an answer, letters are keys),
`number` (within `tol`), `shape` (`5000x25`, `5000 x 25`, `(5000, 25)` all
count), `text` (case and spacing do not matter; a list gives several accepted
answers). The runner owns the conversation (hints, retries, skip); this class
only knows the question, how to read an answer, and whether it is right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.base.schema import Reader, Scope, Where, as_number
from tutor.lessons.placeholders import names_in
from tutor.lessons.steps.base import Common, Step, StepFailed, step_kind
from tutor.lessons.steps.basic import parse_text, require_text_names

ANSWER_TYPES = ("choice", "number", "shape", "text")
_SHAPE_RE = re.compile(r"^[\s(\[]*(\d+)((?:\s*(?:x|X|×|,|\*|by)\s*\d+)*)[\s)\],]*$")


def parse_shape(text: str) -> tuple[int, ...] | None:
    """'5000x25', '5000 x 25', '(5000, 25)', '5000 by 25' -> (5000, 25); None if not a shape."""
    m = _SHAPE_RE.match(text.strip())
    if not m:
        return None
    return tuple(int(d) for d in re.findall(r"\d+", text))


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """'0.25', '1e-4', '10285' and '10,285' (thousands grouped by commas) -> a float; None if not a number."""
    raw = text.strip()
    if _GROUPED.fullmatch(raw):
        raw = raw.replace(",", "")
    try:
        return float(raw)
    except ValueError:
        return None


def _norm(text: str) -> str:
    return " ".join(str(text).lower().split()).strip(" .")


@dataclass(frozen=True)
class Verdict:
    """How one typed answer went. right: True/False, or None when it could not be read."""

    right: bool | None
    message: str
    show: tuple = ()  # renderables shown with the message (an expression's result)


@step_kind("quiz")
@dataclass(frozen=True)
class QuizStep(Step):
    question: str = ""
    answer_type: str = "choice"
    answer: Any = None  # choice: int; number: float or bound name or template; shape/text: template(s)
    choices: tuple[str, ...] = ()
    tol: float = 1e-6
    hints: tuple[str, ...] = ()
    explain: str | None = None
    retries: int = 3
    skippable: bool = True
    feedback: tuple[tuple[Any, str], ...] = ()  # (a wrong answer, what to tell the learner who gives it)
    KEYS = ("question", "answer_type", "answer", "choices", "tol", "hints", "explain", "retries", "skippable",
            "feedback")
    interactive = True

    @property
    def takes_letters(self) -> bool:
        """A text answer can be a letter, so the answer prompt's commands are words (see runner.answer_tip)."""
        return self.answer_type == "text"

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> QuizStep:
        cond = common.condition
        question = parse_text(r, "question", scope, cond, required=True)
        kind = r.str("answer_type", default="choice", choices=ANSWER_TYPES)
        node = r.node_of("answer", required=True)
        where = r.where("answer")
        choices = r.str_list("choices", single_ok=False) or ()
        for c in choices:
            require_text_names(c, r.where("choices"), scope, cond)
        if kind == "choice":
            if len(choices) < 2:
                raise r.error("choices", "a choice quiz needs a list of at least two choices")
            if isinstance(node.value, bool) or not isinstance(node.value, int):
                raise where.error("for a choice quiz, answer is the 0-based index of the right choice")
            if not 0 <= node.value < len(choices):
                raise where.error(f"answer {node.value} is not an index of the {len(choices)} choices (0 to {len(choices) - 1})")
            answer: Any = node.value
        elif choices:
            raise r.error("choices", f"choices are only for answer_type: choice (this quiz is {kind})")
        if kind == "number":
            answer = as_number(node)
            if answer is None:
                if not isinstance(node.value, str):
                    raise where.error("for a number quiz, answer is a number or a bound name")
                answer = node.value.strip()
                _require_answer_names(answer, where, scope, cond)
        elif kind == "shape":
            answer = str(node.value)
            _require_answer_names(answer, where, scope, cond)
            if not names_in(answer) and parse_shape(answer) is None:
                raise where.error(f"{answer!r} is not a shape; write it like 5000x25")
        elif kind == "text":
            if isinstance(node.value, list):
                answer = tuple(str(x.value) for x in node.value)
            elif isinstance(node.value, (str, int, float)) and not isinstance(node.value, bool):
                answer = (str(node.value),)
            else:
                raise where.error("for a text quiz, answer is a text or a list of accepted texts")
            for a in answer:
                require_text_names(a, where, scope, cond)
        hints = r.str_list("hints") or ()
        for h in hints:
            require_text_names(h, r.where("hints"), scope, cond)
        feedback = _parse_feedback(r, kind, choices, scope, cond)
        return cls(
            common, question, kind, answer, choices,
            r.number("tol", 1e-6, min=0), hints, parse_text(r, "explain", scope, cond),
            r.int("retries", 3, min=1), bool(r.bool("skippable", True)), feedback,
        )

    # -- run time ------------------------------------------------------------
    def run(self, ctx) -> list[Any]:
        from tutor.lessons.context import SafeText

        out: list[Any] = [ctx.markdown(self.question)]
        if self.choices:
            for i, choice in enumerate(self.choices, start=1):
                out.append(SafeText(f"  {i}) {ctx.fill(choice)}"))  # spelt in ASCII on an ASCII stream
        self.expected(ctx)  # fail early (and in `tutor validate`) if the answer cannot be worked out
        typed = self.typed_answer(ctx)
        for wrong, _ in self.feedback:
            if self._matches(typed, wrong, ctx):
                ctx.problem(f"feedback answer {wrong!r} is the right answer, so its message could never be shown")
        return out

    def expected(self, ctx) -> Any:
        """The right answer, with placeholders filled: int, float, shape tuple or texts."""
        a = self.answer
        if self.answer_type == "choice":
            return int(a)
        if self.answer_type == "number":
            if isinstance(a, (int, float)):
                return float(a)
            raw = ctx.get(a) if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", a) else ctx.fill(a)
            try:
                return float(np.asarray(raw, dtype=float).item())
            except (TypeError, ValueError):
                raise StepFailed(f"the answer {a!r} is not a single number here") from None
        if self.answer_type == "shape":
            shape = parse_shape(ctx.fill(a))
            if shape is None:
                raise StepFailed(f"the answer {a!r} gives {ctx.fill(a)!r}, which is not a shape")
            return shape
        return tuple(_norm(ctx.fill(x)) for x in a)

    def answer_text(self, ctx) -> str:
        """The right answer as the learner should read it."""
        e = self.expected(ctx)
        if self.answer_type == "choice":
            return f"{e + 1}) {ctx.fill(self.choices[e])}"
        if self.answer_type == "number":
            return f"{e:.6g}"
        if self.answer_type == "shape":
            return " x ".join(map(str, e))
        return ctx.fill(self.answer[0])

    def typed_answer(self, ctx) -> str:
        """What a demo types for the right answer."""
        e = self.expected(ctx)
        if self.answer_type == "choice":
            return str(e + 1)
        if self.answer_type == "number":
            return repr(e)
        if self.answer_type == "shape":
            return "x".join(map(str, e))
        return ctx.fill(self.answer[0])

    def grade(self, raw: str, ctx) -> Verdict:
        """Is `raw` right? A wrong answer the lesson foresaw gets its own message."""
        verdict = self._grade(raw, ctx)
        if verdict.right is False:
            for wrong, message in self.feedback:
                if self._matches(raw.strip(), wrong, ctx):
                    return Verdict(False, ctx.fill(message))
        return verdict

    def _matches(self, raw: str, wrong: Any, ctx) -> bool:
        if self.answer_type == "choice":
            if raw.isdigit():
                return int(raw) - 1 == wrong
            texts = [_norm(ctx.fill(c)) for c in self.choices]
            return _norm(raw) in texts and texts.index(_norm(raw)) == wrong
        if self.answer_type == "number":
            x = parse_number(raw)
            return x is not None and abs(x - float(wrong)) <= max(self.tol, 1e-9)
        if self.answer_type == "shape":
            return parse_shape(raw) == parse_shape(ctx.fill(str(wrong)))
        return _norm(raw) == _norm(ctx.fill(str(wrong)))

    def _grade(self, raw: str, ctx) -> Verdict:
        """Is `raw` right? Unreadable answers say how to write one and do not cost a try."""
        raw = raw.strip()
        e = self.expected(ctx)
        if self.answer_type == "choice":
            n = len(self.choices)
            pick = None
            if raw.isdigit():
                pick = int(raw) - 1
            elif len(raw) == 1 and raw.isalpha():
                # letters are keys (b back, h hint...), never the answer to a numbered choice
                return Verdict(None, f"Type the number of a choice, 1 to {n}.")
            else:
                texts = [_norm(ctx.fill(c)) for c in self.choices]
                if _norm(raw) in texts:
                    pick = texts.index(_norm(raw))
            if pick is None or not 0 <= pick < n:
                return Verdict(None, f"Type the number of a choice, 1 to {n}.")
            return Verdict(pick == e, "Right." if pick == e else "Not that one.")
        if self.answer_type == "number":
            x = parse_number(raw)
            if x is None:
                return Verdict(None, "Type a number, such as 0.25 or 10285.")
            ok = abs(x - e) <= self.tol
            return Verdict(ok, "Right." if ok else ("Too high." if x > e else "Too low."))
        if self.answer_type == "shape":
            shape = parse_shape(raw)
            if shape is None:
                return Verdict(None, "Type a shape as rows x columns, such as 5000x25.")
            if shape == e:
                return Verdict(True, "Right.")
            if shape[::-1] == e:
                return Verdict(False, "Those are the right sizes, the other way round: rows first.")
            return Verdict(False, "Not that shape.")
        ok = _norm(raw) in e
        return Verdict(ok, "Right." if ok else "Not what we were looking for.")


def _require_answer_names(answer: str, where: Where, scope: Scope, cond) -> None:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", answer):
        scope.require(answer, where, cond)
    else:
        require_text_names(answer, where, scope, cond)


def _parse_feedback(r: Reader, kind: str, choices, scope: Scope, cond) -> tuple[tuple[Any, str], ...]:
    """`feedback: [{answer: 10x25, message: ...}]`: named messages for foreseen wrong answers."""
    node = r.node_of("feedback")
    if node is None:
        return ()
    if not isinstance(node.value, list):
        raise r.error("feedback", "feedback is a list of {answer: a wrong answer, message: what to say}")
    out = []
    for i, item in enumerate(node.value):
        fr = Reader(item, f"{r.key_path('feedback')}[{i}]", r.file, ("answer", "message"), what="a feedback entry")
        a = fr.node_of("answer", required=True)
        message = fr.str("message", required=True)
        require_text_names(message, fr.where("message"), scope, cond)
        fr.finish()
        if kind == "choice":
            if isinstance(a.value, bool) or not isinstance(a.value, int) or not 0 <= a.value < len(choices):
                raise fr.error("answer", f"for a choice quiz, a feedback answer is a 0-based choice index (0 to {len(choices) - 1})")
            wrong: Any = a.value
        elif kind == "number":
            wrong = as_number(a)
            if wrong is None:
                raise fr.error("answer", "for a number quiz, a feedback answer is a number")
        elif kind == "shape":
            wrong = str(a.value)
            require_text_names(wrong, fr.where("answer"), scope, cond)
            if not names_in(wrong) and parse_shape(wrong) is None:
                raise fr.error("answer", f"{wrong!r} is not a shape; write it like 10x25")
        else:
            wrong = str(a.value)
        out.append((wrong, message))
    return tuple(out)
