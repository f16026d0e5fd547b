"""A lesson inside a notebook: its world, replayed step by step, named by step id.

`open_lesson("forward-pass")` builds the lesson's environment (data, weights,
bound names) exactly as `tutor learn` does, then lets the notebook's cells
drive it:

    X, w = lesson.values("X", "w")                 the starting values
    lesson.show("add-bias", a1=a1)                  a step's views, of your a1
    z2 = lesson.run("z2")                           the lesson's own operation
    lesson.quiz("bias-quiz", answer=1)              ask and check
    lesson.step("intro")                            the step as the terminal shows it

Values the notebook passes in are bound into the lesson, so later steps use
yours: change a cell, re-run, and the views that follow show the change.
Steps run in order; asking for step 7 first runs the steps before it.
A step that cannot run says why in one red line, never with a traceback.
"""

from __future__ import annotations

import keyword
from typing import Any

from tutor.base.errors import TutorError
from tutor.notebook import adapters
from tutor.notebook.display import Rich, show


class NotebookError(TutorError):
    """A mistake in a notebook call (an unknown step id, a name with no value), said in one sentence."""


def _is_text(r: Any) -> bool:
    """Lesson prose: in an exported notebook it sits in the Markdown cell above."""
    from tutor.lessons.context import LessonText

    return isinstance(r, LessonText)


class Quiet:
    """A return value the notebook does not echo (the call already showed its output)."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def _ipython_display_(self) -> None:
        pass

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.__dict__.items() if isinstance(v, (bool, int, float, str, type(None)))}
        return "<" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ">"


class NotebookLesson:
    """One lesson's session, stepped from notebook cells by step id."""

    def __init__(self, lesson, settings: dict | None = None, *, data=None, weights=None, record: bool = True,
                 store=None) -> None:
        self.lesson = lesson
        from tutor.notebook.display import NotebookUI

        self.session = adapters.new_session(lesson, settings, data=data, weights=weights, store=store, ui=NotebookUI())
        self.record = record
        self.tries: dict[str, int] = {}
        self.hints: dict[str, int] = {}
        self.done: dict[str, dict] = {}

    # -- names ----------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.lesson.id

    @property
    def ctx(self):
        return self.session.ctx

    @property
    def step_ids(self) -> list[str]:
        """The ids of the steps that run here (those whose `when` holds), in order."""
        return [s.id for s in self.session.steps]

    def index(self, step_id: str) -> int:
        ids = self.step_ids
        if step_id in ids:
            return ids.index(step_id)
        import difflib

        close = difflib.get_close_matches(str(step_id), ids, n=1)
        tip = f" Did you mean {close[0]!r}?" if close else ""
        raise NotebookError(f"the lesson {self.id!r} has no step {step_id!r}.{tip}")

    def __getitem__(self, name: str) -> Any:
        from tutor.lessons.steps.base import StepFailed

        try:
            return self.ctx.get(self._lesson_name(name))
        except StepFailed:
            import difflib

            close = difflib.get_close_matches(name, list(self.ctx.values), n=1)
            tip = f" Did you mean {close[0]!r}?" if close else ""
            raise NotebookError(f"the lesson {self.id!r} has no value {name!r} (yet: a later step may make it).{tip}") from None

    def values(self, *names: str) -> Any:
        """Bound values by name: one name gives the value, several a tuple."""
        got = tuple(self[n] for n in names)
        return got[0] if len(got) == 1 else got

    def functions(self, *names: str) -> Any:
        """The course's functions that typed expressions call by name (`sigmoid`): one name gives the
        function, several a tuple. They are the very functions the lesson's type-along steps use."""
        import difflib

        registry = getattr(self.lesson.vocab, "functions", None) or {}
        got = []
        for name in names:
            if name not in registry:
                close = difflib.get_close_matches(name, list(registry), n=1)
                tip = f" Did you mean {close[0]!r}?" if close else ""
                raise NotebookError(f"the course of {self.id!r} has no function {name!r}.{tip}")
            got.append(registry[name])
        return got[0] if len(got) == 1 else tuple(got)

    def bind(self, **values: Any) -> None:
        """Bind notebook values; `lam` (and `if_`-style names) stand for the keywords `lambda` (`if`)."""
        for name, value in values.items():
            self.ctx.bind(self._lesson_name(name), value)

    def _lesson_name(self, name: str) -> str:
        if name in self.ctx.values:
            return name
        if name == "lam":
            return "lambda"
        if name.endswith("_") and keyword.iskeyword(name[:-1]):
            return name[:-1]
        return name

    # -- running --------------------------------------------------------------------
    def _before(self, i: int) -> None:
        """Run (once) every step before step i."""
        if i > 0:
            self.session.ensure(i - 1)

    def _execute(self, i: int) -> list[Any]:
        """Run step i now (again, if it ran before) and keep its output as the session's."""
        self._before(i)
        s = self.session
        if len(s.outputs) > i:
            out = s._run(i)
            s.outputs[i] = out
        else:
            out = s.ensure(i)
        return out

    def _bound_by(self, i: int) -> tuple[list[Any], list[str]]:
        """Run step i; (its output, the names it bound or rebound, in binding order)."""
        before = dict(self.ctx.values)
        out = self._execute(i)
        names = [k for k, v in self.ctx.values.items() if k not in before or before[k] is not v]
        return out, names

    def run(self, step_id: str, **inputs: Any):
        """Run a step with the lesson's own operation; show its views; return what it bound.

        inputs: notebook values to use in place of the lesson's (bound first).
        Returns the one value the step binds, or a tuple of them in order.
        """
        i = self._safe_index(step_id)
        if i is None:
            return None
        self._before(i)
        self.bind(**inputs)
        out, names = self._bound_by(i)
        show(*[r for r in out if not _is_text(r)])
        got = tuple(self.ctx.values[n] for n in names)
        return got[0] if len(got) == 1 else got

    def show(self, step_id: str, **values: Any) -> None:
        """Show a step's views (not its prose) of the values given, bound over the lesson's.

        For a step that computes, give what it computes (e.g. a1=a1): the
        lesson computes its own first, then yours replaces it. If yours
        differs from the lesson's, a line says so (later steps use yours).
        """
        i = self._safe_index(step_id)
        if i is None:
            return
        step = self.session.steps[i]
        self.session.ensure(i)
        notes = self._compare(values)
        self.bind(**values)
        out = self._views(step)
        show(*out, *notes)

    def _views(self, step) -> list[Any]:
        """A step's renderables for the values bound now, without running its operation again."""
        from tutor.lessons.steps.base import StepFailed

        ctx = self.ctx
        specs = getattr(step, "show", None)
        try:
            if isinstance(specs, tuple):  # a compute step: its views only
                return [ctx.view(spec) for spec in specs] or _value_views(step, ctx)
            return [r for r in step.run(ctx) if not _is_text(r)]
        except StepFailed as err:
            from tutor.lessons.runner import failure

            return [failure(str(err))]

    def _compare(self, values: dict) -> list[Any]:
        import numpy as np
        from rich.text import Text

        notes = []
        for name, value in values.items():
            name = self._lesson_name(name)
            if name not in self.ctx.values:
                continue
            mine = self.ctx.values[name]
            try:
                a, b = np.asarray(value, dtype=float), np.asarray(mine, dtype=float)
            except (TypeError, ValueError):
                continue
            if a.shape != b.shape:
                notes.append(Text(f"Your {name} is {a.shape}, the lesson's is {b.shape}; the steps below use yours.",
                                  style="yellow"))
            elif a.size and not np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True):
                diff = float(np.nanmax(np.abs(a - b)))
                notes.append(Text(f"Your {name} differs from the lesson's (largest difference {diff:.3g}); "
                                  "the steps below use yours.", style="yellow"))
        return notes

    def step(self, step_id: str) -> None:
        """Show a whole step as the terminal does: header, prose, views."""
        i = self._safe_index(step_id)
        if i is None:
            return
        out = self.session.ensure(i)
        show(adapters.step_header(self.session, i), *out)

    def explore(self, step_id: str, **values: Any) -> Quiet:
        """An explore step: sliders that recompute it (with ipywidgets), else its fixed settings.

        values: control values to draw once (e.g. alpha=3); the others keep their defaults.
        """
        i = self._safe_index(step_id)
        if i is None:
            return Quiet()
        step = self.session.steps[i]
        if not hasattr(step, "controls"):
            raise NotebookError(f"{step_id!r} is not an explore step (it is a {step.kind} step)")
        self._before(i)
        ctx = self.ctx

        def draw(**chosen: Any) -> list[Any]:
            setting = {**step.defaults(), **{k: v for k, v in chosen.items() if k in step.defaults()}}
            return step.draw(ctx, {c.name: c.clamp(setting[c.name]) for c in step.controls}, heading=True)

        if values:
            unknown = sorted(set(values) - set(step.defaults()))
            if unknown:
                raise NotebookError(f"{step_id!r} has no control {unknown[0]!r} "
                                    f"(it has: {', '.join(step.defaults())})")
            show(*draw(**values))
            return Quiet(values=values)
        try:
            import ipywidgets as w
            from IPython.display import display
        except ImportError:
            saved, ctx.ui = ctx.ui, None  # nobody can turn the dials: the step shows its fixed settings
            try:
                show(*step.run(ctx))
            finally:
                ctx.ui = saved
            return Quiet(widgets=False)
        sliders = control_sliders(step)
        out = w.Output()

        def redraw(change=None) -> None:
            out.clear_output(wait=True)
            with out:
                show(*draw(**{name: s.value for name, s in sliders.items()}))

        for s in sliders.values():
            s.observe(redraw, names="value")
        box = w.VBox([*sliders.values(), out])
        # Where no widget can be drawn (a saved notebook on a page, a front end without ipywidgets),
        # the output falls back to the default setting's drawing rather than "VBox(children=...)".
        bundle = dict(box._repr_mimebundle_() or {})
        still = Rich(*draw())
        bundle.update({"text/plain": still.text(), "text/html": still.html()})
        display(bundle, raw=True)
        redraw()
        return Quiet(widgets=True, box=box)  # the sliders and their output, for code that drives them

    # -- questions ------------------------------------------------------------------
    def quiz(self, step_id: str, answer: Any = ...) -> Quiet:
        """Check an answer to a question step; without one, ask for it (where the notebook can).

        answer: a choice's number (1, 2...) or words, a number, a shape
        (`"5000x25"` or `(5000, 25)`), or a text. A wrong answer shows the
        next hint; after the step's tries, the right answer is shown.
        """
        if answer is ... or answer is None:
            try:
                i = self.index(step_id)
            except NotebookError:
                i = None
            if i is not None and callable(getattr(self.session.steps[i], "grade", None)):
                answer = _ask()
                if answer is None:
                    show(note_line("Write your answer in place of the ... in this cell, then run it again."))
                    return Quiet(right=None)
        right, out = self.grade(step_id, answer)
        show(*out)
        return Quiet(right=right)

    answer = quiz  # any step that asks and grades (a quiz, a type-along) is answered the same way
    predict = quiz  # a predict step: the prediction, then the real value beside it

    def grade(self, step_id: str, answer: Any) -> tuple[bool | None, list[Any]]:
        """(right, what to show) for one answer; right is None when the answer could not be read."""
        try:
            i = self.index(step_id)
        except NotebookError as err:
            return None, [error_line(str(err))]
        step = self.session.steps[i]
        if not callable(getattr(step, "grade", None)):
            return None, [error_line(f"step {step_id!r} of {self.id!r} is not a question (it is a {step.kind} step)")]
        self.session.ensure(i)
        from tutor.lessons.steps.base import StepFailed

        by_value = callable(getattr(step, "grade_value", None)) and not isinstance(answer, str)
        raw = _value_label(answer) if by_value else _as_text(answer)
        try:  # a type-along step grades the value a cell computed; text goes through the safe evaluator
            verdict = step.grade_value(answer, self.ctx) if by_value else step.grade(raw, self.ctx)
        except StepFailed as err:
            return None, [error_line(str(err))]
        if verdict.right is None:
            return None, [note_line(verdict.message)]
        tries = self.tries.get(step_id, 0) + 1
        self.tries[step_id] = tries
        explain = getattr(step, "explain", None)
        out: list[Any] = []
        if not getattr(step, "judged", True):  # a prediction: set beside the real value, never marked
            from tutor.lessons.context import LessonText

            out.extend(verdict.show)
            if explain:
                out.append(LessonText(self.ctx.fill(explain)))
            self._record(step_id, right=True, tries=tries, revealed=False, predicted=raw)
            return True, out
        out.extend(verdict.show)  # what the answer computes (a type-along step's result), as the terminal shows it
        if verdict.right:
            from tutor.lessons.context import LessonText

            out.append(adapters.mark(True, raw))
            if explain:
                out.append(LessonText(self.ctx.fill(explain)))
            self._record(step_id, right=True, tries=tries, revealed=False)
        else:
            left = int(getattr(step, "retries", 3)) - tries
            if left > 0:
                out.append(adapters.mark(False, raw, f"{verdict.message} Try again ({left} "
                                                     f"{'tries' if left > 1 else 'try'} left)."))
                out.extend(self._next_hint(step, step_id))
            else:
                out.append(adapters.mark(False, raw, verdict.message))
                out.extend(adapters.reveal(step, self.ctx))
                self._record(step_id, right=False, tries=tries, revealed=True)
        return bool(verdict.right), out

    def hint(self, step_id: str) -> None:
        """The step's next hint."""
        i = self._safe_index(step_id)
        if i is None:
            return
        out = self._next_hint(self.session.steps[i], step_id)
        show(*(out or [note_line("This step has no more hints.")]))

    def _next_hint(self, step, step_id: str) -> list[Any]:
        from tutor.lessons.context import LessonText

        hints = getattr(step, "hints", ()) or ()
        k = self.hints.get(step_id, 0)
        if k >= len(hints):
            return []
        self.hints[step_id] = k + 1
        return [LessonText(f"**Hint {k + 1} of {len(hints)}:** {self.ctx.fill(hints[k])}")]

    def _record(self, step_id: str, **record: Any) -> None:
        record = {"right": False, "tries": 0, "revealed": False, "skipped": False, **record}
        self.done[step_id] = record
        if not self.record:
            return
        try:
            adapters.record_quiz(adapters.progress_store(), self.lesson, step_id, record)
        except OSError as err:  # a read-only home: the answer still counts here
            show(note_line(f"Your answer could not be saved to your progress: {err}"))

    # -- errors ---------------------------------------------------------------------
    def _safe_index(self, step_id: str) -> int | None:
        try:
            return self.index(step_id)
        except NotebookError as err:
            show(error_line(str(err)))
            return None

    def __repr__(self) -> str:
        return f"<lesson {self.id!r}: {self.lesson.title}, {len(self.step_ids)} steps>"


def control_sliders(step) -> dict[str, Any]:
    """One ipywidgets slider per control of an explore step, at its default: {control name: slider}."""
    import ipywidgets as w

    sliders = {}
    for c in step.controls:
        cls = w.IntSlider if c.integer else w.FloatSlider
        sliders[c.name] = cls(value=c.clamp(c.default), min=c.low, max=c.high, step=c.step, description=c.label,
                              continuous_update=False, style={"description_width": "initial"})
    return sliders


def _value_views(step, ctx) -> list[Any]:
    """The values a compute step without views binds, each in the view the terminal draws for a value
    (`show: {value: g2}`): a matrix with its shape, a vector, a number. The terminal shows this step's
    prose only; in a notebook the cell that computes a value also shows it."""
    from tutor.lessons.steps.base import StepFailed
    from tutor.lessons.views import ViewSpec

    names = [step.bind_one] if getattr(step, "bind_one", None) else [n for _, n in getattr(step, "bind_map", ())]
    out = []
    for name in names:
        if name not in ctx.values:
            continue
        try:
            out.append(ctx.view(ViewSpec(value=name)))
        except (StepFailed, TypeError, ValueError):  # a value no view draws (a record, a callable): left out
            continue
    return out


def _value_label(value: Any) -> str:
    """How a value answer is named in its verdict: `your value (1797 x 25)`, `your value 0.25`."""
    import numpy as np

    try:
        a = np.asarray(value)
    except (TypeError, ValueError):
        return "your value"
    if a.ndim == 0 and a.dtype.kind in "biuf":
        return f"{a.item():.6g}"
    if a.ndim:
        return f"your value ({' x '.join(map(str, a.shape))})"
    return "your value"


def _ask() -> str | None:
    """The learner's typed answer, or None where the notebook cannot ask (no stdin)."""
    try:
        return input("Your answer: ")
    except (EOFError, OSError, RuntimeError, NotImplementedError):  # IPython's StdinNotImplementedError is one
        return None


def _as_text(answer: Any) -> str:
    """An answer as the question step reads typed text: (5000, 25) -> '5000x25'."""
    if isinstance(answer, (tuple, list)) and all(isinstance(a, int) for a in answer):
        return "x".join(str(a) for a in answer)
    try:
        import numpy as np

        if isinstance(answer, np.generic):
            answer = answer.item()
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    if isinstance(answer, float):
        return repr(answer)
    return str(answer).strip()


def error_line(message: str):
    from tutor.lessons.context import SafeText

    return SafeText(("error: ", "bold red"), (message, None))


def note_line(message: str):
    from tutor.lessons.context import SafeText

    return SafeText((message, "yellow"))


_OPEN: dict[tuple, NotebookLesson] = {}


def open_lesson(lesson_id: str, *, settings: dict | list[str] | None = None, data=None, weights=None,
                record: bool = True, course: str | None = None) -> NotebookLesson:
    """The lesson, ready to step through from notebook cells.

    settings: the lesson's declared parameters, as {name: value} or
    ["name=value"] (like `--set`). data / weights: files, like `--data` /
    `--weights`. course: the course's folder or id, like `--course` (None:
    the default course). Opening the same lesson with the same settings
    again starts it afresh.
    """
    from tutor.notebook.display import one_line_errors

    one_line_errors()
    lesson = adapters.find_lesson(lesson_id, adapters.resolve(course))
    typed = adapters.typed_settings(lesson, settings)
    nl = NotebookLesson(lesson, typed, data=data, weights=weights, record=record)
    _OPEN[(lesson.id,)] = nl
    return nl


def opened(lesson_id: str) -> NotebookLesson:
    """The lesson opened last under this id, or a fresh one with its defaults."""
    return _OPEN.get((lesson_id,)) or open_lesson(lesson_id)


def quiz(lesson_id: str, step_id: str, answer: Any = ...) -> Quiet:
    """`quiz("a-lesson", "a-question", answer="10x26")`: check an answer to a lesson's question."""
    from tutor.base.errors import TutorError

    try:
        nl = opened(lesson_id)
    except TutorError as err:
        show(error_line(err.message))
        return Quiet(right=None)
    return nl.quiz(step_id, answer)


answer = quiz


__all__ = ["NotebookError", "NotebookLesson", "Rich", "answer", "open_lesson", "quiz"]
