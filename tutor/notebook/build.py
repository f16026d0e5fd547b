"""A lesson as a Jupyter notebook, built with nbformat.

The lesson runs once here, headless, as for a handout; each step then
becomes cells by its kind, through `CELLS` (kind -> builder). A builder
gets the step, what it bound and the builder state, and returns cells:

    text      Markdown (placeholders filled)
    compute   Markdown with the formula in LaTeX, and one line of numpy that
              computes it (see formulas.py), then `lesson.show(...)` of the
              learner's value; an operation with no formula is called by name:
              `a, b = lesson.run("step", ...)`
    show, shapes, check, figure
              Markdown, then `lesson.show("step", name=name, ...)`: the
              terminal's view, as HTML, of the notebook's own values
    quiz      the question in Markdown, then `answer = ...` and
              `lesson.quiz("step", answer)`
    predict   the question, then `prediction = ...` and
              `lesson.predict("step", prediction)`, which sets it beside the real value
    exercise  Markdown, the stub cell, then `check("id", function)`
    (other)   `generic`: a question-like step (it has `grade`) is answered
              like a quiz (`lesson.answer`); anything else is run by name.

A new step kind gets its cells by adding one entry to `CELLS`.
"""

from __future__ import annotations

import keyword
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from tutor.base.errors import TutorError

INSTALL = "pip install -e '.[notebook]'"


def require_nbformat():
    try:
        import nbformat
    except ImportError:
        raise TutorError(f"writing notebooks needs Jupyter's nbformat, which is not installed: {INSTALL}") from None
    return nbformat


def py(name: str) -> str:
    """A bound name as a Python variable: `lambda` is a keyword, so it becomes `lam`."""
    if name == "lambda":
        return "lam"
    return name + "_" if keyword.iskeyword(name) else name


@dataclass
class Built:
    """The builder's state across one lesson's steps."""

    lesson: Any  # the NotebookLesson of the export run
    answers: bool
    notes: bool
    course_ref: str | None = None  # what `course=` says in the notebook's calls (None: the default course)
    defined: set[str] = field(default_factory=set)  # Python names the notebook has assigned
    from_start: list[str] = field(default_factory=list)  # bound names the setup cell pulls in
    exercises: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)  # the course's functions the lesson names (`sigmoid`)

    @property
    def ctx(self):
        return self.lesson.ctx

    def use(self, name: str, pre: list[str]) -> str:
        """The notebook variable for a bound name; pulled from the lesson where no cell assigned it."""
        var = py(name)
        if var not in self.defined:
            self.defined.add(var)
            if name in self.lesson.session.env.values and name not in self.from_start:
                self.from_start.append(name)
            else:
                pre.append(f"{var} = lesson[{name!r}]")
        return var

    def kwargs(self, names: list[str], pre: list[str]) -> str:
        """`a1=a1, lam=lam`-style arguments (the lesson reads `lam` as its `lambda`)."""
        return ", ".join(f"{py(n)}={self.use(n, pre)}" for n in dict.fromkeys(names))


# -- helpers ------------------------------------------------------------------------------


def _md(*parts: str | None) -> Any | None:
    """A Markdown cell of the parts given, or None when there is nothing to say."""
    import nbformat

    text = "\n\n".join(p.strip("\n") for p in parts if p and p.strip())
    return nbformat.v4.new_markdown_cell(text) if text else None


def _code(*lines: str) -> Any:
    import nbformat

    return nbformat.v4.new_code_cell("\n".join(lines).strip("\n"))


def _text(b: Built, text: str | None) -> str | None:
    """Lesson Markdown with its placeholders filled; `$` kept literal (Jupyter reads it as maths)."""
    if not text:
        return None
    return b.ctx.fill(text).replace("$", r"\$")


def _call(head: str, args: str, width: int = 100) -> str:
    """`head(args)`, wrapped under its opening parenthesis when the line would pass `width`."""
    line = f"{head}({args})"
    if len(line) <= width or not args:
        return line
    indent = " " * (len(head) + 1)
    return textwrap.fill(args, width=width, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False).replace(indent, "", 1).join(
        [f"{head}(", ")"])


def _heading(step) -> str | None:
    return f"### {step.title}" if step.title else None


def _notes(b: Built, step) -> str | None:
    if not (b.notes and step.notes):
        return None
    body = b.ctx.fill(step.notes) if "{" in step.notes else step.notes
    return "\n".join("> " + line for line in (f"**Presenter notes.** {body.strip()}").splitlines())


_SKIP_FIELDS = {"common", "text", "title", "notes", "question", "explain", "label", "hints", "choices", "source"}


def names_in_step(step, known: set[str]) -> list[str]:
    """Bound names a step refers to (view values, operands, inputs), found by walking its fields."""
    found: list[str] = []

    def walk(v: Any, key: str = "") -> None:
        if key in _SKIP_FIELDS:
            return
        if isinstance(v, str):
            if v in known:
                found.append(v)
        elif isinstance(v, (tuple, list)):
            for x in v:
                walk(x)
        elif is_dataclass(v) and not isinstance(v, type):
            for f in fields(v):
                walk(getattr(v, f.name), f.name)

    walk(step)
    return list(dict.fromkeys(found))


def _known(b: Built) -> set[str]:
    return set(b.ctx.values)


def _assign(names: list[str]) -> str:
    targets = ", ".join(py(n) for n in names)
    if len(targets) <= 70:
        return targets
    return "(" + "\n ".join(textwrap.wrap(targets, 70)) + ")"


# -- builders -------------------------------------------------------------------------------

Builder = Callable[[Built, Any, list[str]], list[Any]]


def text_cells(b: Built, step, bound: list[str]) -> list[Any]:
    return [_md(_heading(step), _text(b, step.text), _notes(b, step))]


def _outputs(step) -> dict[str, str]:
    """The names a compute step binds, by template key: `out` for one value, else the op's output keys."""
    if getattr(step, "bind_one", None):
        return {"out": step.bind_one}
    return {key: name for key, name in getattr(step, "bind_map", ())}


def _formula_for(b: Built, step) -> tuple[str | None, str | None, list[str]] | None:
    """(code or None, latex or None, lines before the code) for a compute step whose operation has a formula."""
    import inspect
    import string

    from tutor.notebook.formulas import tex_name

    f = b.lesson.lesson.vocab.formulas.get(step.op)
    outputs = _outputs(step)
    if f is None or not outputs:
        return None
    op = step.operation
    defaults = {k: p.default for k, p in inspect.signature(op.func).parameters.items()}
    mentioned = set()
    for t in (f.code, f.latex):
        if isinstance(t, str):
            mentioned |= {name for _, name, _, _ in string.Formatter().parse(t) if name}
    values = {arg: inp.value(b.ctx) for arg, inp in step.inputs}
    code_ok = f.code is not None
    for arg, _inp in step.inputs:  # an input the code ignores must be at its default
        if callable(f.code) or arg in mentioned:
            continue
        if arg not in defaults or _differs(values[arg], defaults[arg]):
            code_ok = False
    pre: list[str] = []
    exprs: dict[str, str] = {}
    tex: dict[str, str] = {}
    for arg, inp in step.inputs:
        if inp.ref is None:
            exprs[arg] = repr(inp.literal)
            tex[arg] = str(inp.literal)
        else:
            tex[arg] = tex_name(inp.ref, inp.transpose)
            if code_ok:
                exprs[arg] = b.use(inp.ref, pre) + (".T" if inp.transpose else "")
    for key, name in outputs.items():
        exprs[key], tex[key] = py(name), tex_name(name)
    code = latex = None
    try:
        latex = f.spell(f.latex, tex, values)
    except (KeyError, IndexError):
        latex = None
    if code_ok:
        try:
            code = f.spell(f.code, exprs, values)
        except (KeyError, IndexError):  # an input or output the template needs is not here
            code = None
    return code, latex, pre


def _differs(value, default) -> bool:
    try:
        return bool(value != default)
    except (TypeError, ValueError):  # arrays: any value given is not the default
        return True


def compute_cells(b: Built, step, bound: list[str]) -> list[Any]:
    spelled = _formula_for(b, step)
    code, latex, pre = spelled if spelled else (None, None, [])
    maths = f"$${latex}$$" if latex else None
    if code is None:
        return run_cells(b, step, bound, maths=maths)
    names = list(_outputs(step).values())
    for n in names:
        b.defined.add(py(n))
    md = _md(_heading(step), _text(b, step.text), maths, _notes(b, step))
    return [md, _code(*pre, code, _call("lesson.show", f"{step.id!r}, {b.kwargs(names, pre)}"))]


def run_cells(b: Built, step, bound: list[str], maths: str | None = None) -> list[Any]:
    """The lesson's own operation, called by name, its results assigned to notebook variables."""
    pre: list[str] = []
    inputs = [inp.ref for _, inp in getattr(step, "inputs", ()) if getattr(inp, "ref", None)]
    if not inputs:
        inputs = [n for n in names_in_step(step, _known(b)) if n not in bound]
    args = b.kwargs(inputs, pre)
    call = _call("lesson.run", f"{step.id!r}" + (f", {args}" if args else ""))
    names = [n for n in bound if py(n).isidentifier()]
    for n in names:
        b.defined.add(py(n))
    line = f"{_assign(names)} = {call}" if names else call
    op = getattr(step, "op", None)
    comment = f"# the lesson's operation `{op}`" if op else None
    md = _md(_heading(step), _text(b, getattr(step, "text", None)), maths, _notes(b, step))
    return [md, _code(*pre, *([comment] if comment else []), line)]


def view_cells(b: Built, step, bound: list[str]) -> list[Any]:
    pre: list[str] = []
    names = names_in_step(step, _known(b))
    args = b.kwargs(names, pre)
    call = _call("lesson.show", f"{step.id!r}" + (f", {args}" if args else ""))
    return [_md(_heading(step), _text(b, getattr(step, "text", None)), _notes(b, step)), _code(*pre, call)]


_HOW = {
    "choice": "the number of a choice",
    "number": "a number",
    "shape": 'a shape, such as "5000x25"',
    "text": 'a word or a few, in quotes',
}


def _filled(step, ctx) -> str:
    """The right answer as Python source, for a notebook exported with answers."""
    typed = step.typed_answer(ctx)
    kind = getattr(step, "answer_type", None)
    if kind == "choice":
        return str(int(typed))
    if kind == "number":
        return repr(float(typed))
    return repr(str(typed))


def quiz_cells(b: Built, step, bound: list[str]) -> list[Any]:
    question = _text(b, step.question)
    choices = "\n".join(f"{i}. {_text(b, c)}" for i, c in enumerate(step.choices, start=1)) if step.choices else None
    how = _HOW.get(step.answer_type, "your answer")
    md = _md(_heading(step) or "### Question", question, choices, _notes(b, step))
    answer = _filled(step, b.ctx) if b.answers else "..."
    return [md, _code(f"answer = {answer}  # your answer: {how}", f"lesson.quiz({step.id!r}, answer)")]


def predict_cells(b: Built, step, bound: list[str]) -> list[Any]:
    """The question, a cell for the learner's prediction, and the call that sets it beside the real value."""
    question = _text(b, step.question)
    choices = "\n".join(f"{i}. {_text(b, c)}" for i, c in enumerate(step.choices, start=1)) if step.choices else None
    how = "the number of a choice" if step.choices else "a number"
    md = _md(_heading(step) or "### Predict first", question, choices,
             "*Write your prediction before running the cell: the real value comes only after it.*", _notes(b, step))
    guess = step.typed_answer(b.ctx) if b.answers else "..."
    return [md, _code(f"prediction = {guess}  # your prediction: {how}", f"lesson.predict({step.id!r}, prediction)")]


def explore_cells(b: Built, step, bound: list[str]) -> list[Any]:
    """The lab's prose, and a call that draws sliders (with ipywidgets) or the lesson's fixed settings."""
    dials = ", ".join(f"`{c.name}` ({c.label}, {c.text(c.low)} to {c.text(c.high)})" for c in step.controls)
    example = ", ".join(f"{c.name}={c.text(c.default)}" for c in step.controls)
    how = (f"**Turn the values:** {dials}. With ipywidgets installed the cell below draws a slider for each and "
           f"recomputes as you move them; without it, it shows the lesson's fixed settings. "
           f"`lesson.explore({step.id!r}, {example})` draws one setting of your choice.")
    return [_md(_heading(step), how, _notes(b, step)), _code(f"lesson.explore({step.id!r})")]


def exercise_cells(b: Built, step, bound: list[str]) -> list[Any]:
    from tutor.notebook import adapters
    from tutor.notebook.checks import stub_cell

    try:
        ex = adapters.get_exercise(step.exercise, b.lesson.lesson.course)
    except TutorError:
        return [_md(_heading(step), _text(b, step.text), f"*(The exercise `{step.exercise}` is not available.)*")]
    b.exercises.append(ex.id)
    how = (f"**Exercise: {ex.title}.** Write `{ex.signature}` in the cell below, run it, then run the "
           f"check cell after it: the same tests as `tutor check {ex.id}`, and a pass counts in your "
           f"progress. `hint({ex.id!r}{_course_arg(b)})` gives one hint at a time.")
    md = _md(_heading(step), _text(b, step.text), how, _notes(b, step))
    return [md, _code(stub_cell(ex)), _code(f"check({ex.id!r}, {ex.function}{_course_arg(b)})")]


def _course_arg(b: Built) -> str:
    """`, course='...'` in a notebook call when the lesson is not the default course's."""
    return f", course={b.course_ref!r}" if b.course_ref else ""


def expression_cells(b: Built, step, bound: list[str]) -> list[Any]:
    """A type-along step: the question, then the learner's numpy as code, its value graded.

    The names the step lets the learner use are notebook variables (pulled
    from the lesson where no cell made them); its functions come from the
    setup cell. `lesson.answer` grades the value with the step's named
    mistakes; an expression in quotes still goes through the safe evaluator.
    """
    pre: list[str] = []
    usable = [n for n in step.names if n in b.ctx.values]
    for n in usable:
        b.use(n, pre)
    shown = ", ".join(f"`{py(n)}`" for n in usable)
    funcs = [f for f in b.functions if f in _words(step.expected, step.question)]
    if funcs:
        shown += (", " if shown else "") + ", ".join(f"`{f}`" for f in funcs)
    how = (f"*Write it as numpy code after `answer =` and run the cell: the value it computes is graded. "
           f"You can use {shown or 'the values above'} and `np`. If numpy stops on shapes that do not fit, put "
           f"the expression in quotes: the tutor then reads it as typed text and says what went wrong.*")
    md = _md(_heading(step) or "### Your turn", _text(b, step.question), how, _notes(b, step))
    answer = step.expected if b.answers else "..."
    return [md, _code(*pre, f"answer = {answer}  # your numpy expression, as code (or in quotes, as typed text)",
                      f"lesson.answer({step.id!r}, answer)")]


def gradient_check_cells(b: Built, step, bound: list[str]) -> list[Any]:
    """Central differences: the formula typeset, then the lesson's check of the notebook's gradient.

    The cost is recomputed by the lesson's own steps (the ones the step
    replays), so the cell passes only what a learner may have computed:
    the weights and the gradient to test.
    """
    from tutor.notebook.formulas import tex_name

    J, w, g = tex_name(step.of), tex_name(step.wrt), tex_name(step.against)
    eps = step.epsilon if isinstance(step.epsilon, str) else None
    maths = (rf"$$\frac{{\partial {J}}}{{\partial {w}_i}} \approx \frac{{{J}({w} + \epsilon\, e_i) - "
             rf"{J}({w} - \epsilon\, e_i)}}{{2\epsilon}} \quad\text{{against}}\quad {g}_i$$")
    pre: list[str] = []
    args = b.kwargs([step.wrt, step.against] + ([eps] if eps else []), pre)
    names = [n for n in bound if py(n).isidentifier()]
    for n in names:
        b.defined.add(py(n))
    replayed = ", ".join(f"`{i}`" for i in step.run_ids)
    comment = (f"# each entry of {py(step.wrt)} nudged by +-epsilon, {step.of} recomputed"
               + (f" by the steps {replayed.replace('`', '')}" if replayed else "")
               + f", compared with {py(step.against)}")
    call = _call("lesson.run", f"{step.id!r}, {args}")
    md = _md(_heading(step), _text(b, step.text), maths, _notes(b, step))
    return [md, _code(*pre, comment, f"{_assign(names)} = {call}" if names else call)]


def _words(*texts: str | None) -> set[str]:
    """The identifiers in some text or code."""
    import re

    return {w for t in texts if t for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", t)}


def _lesson_words(steps) -> set[str]:
    """Every identifier in the lesson's steps: prose, questions, hints, expressions, mistakes."""
    found: set[str] = set()

    def walk(v: Any) -> None:
        if isinstance(v, str):
            found.update(_words(v))
        elif isinstance(v, (tuple, list)):
            for x in v:
                walk(x)
        elif is_dataclass(v) and not isinstance(v, type):
            for f in fields(v):
                walk(getattr(v, f.name))

    for step in steps:
        walk(step)
    return found


def lesson_functions(lesson, steps) -> list[str]:
    """The course's functions for typed expressions (`sigmoid`) that the lesson names anywhere."""
    registry = getattr(getattr(lesson, "vocab", None), "functions", None) or {}
    words = _lesson_words(steps)
    return [name for name in registry if name in words and name.isidentifier()]


def generic_cells(b: Built, step, bound: list[str]) -> list[Any]:
    """A kind this module does not know: answered like a quiz if it grades answers, else run by name."""
    if callable(getattr(step, "grade", None)) and getattr(step, "interactive", False):
        prompt = getattr(step, "question", None) or getattr(step, "prompt", None) or getattr(step, "text", None)
        md = _md(_heading(step) or "### Your turn", _text(b, prompt), _notes(b, step))
        try:
            answer = repr(step.typed_answer(b.ctx)) if b.answers else "..."
        except Exception:  # noqa: BLE001 - a kind without a demo answer still exports
            answer = "..."
        return [md, _code("# Your turn: try it here first, then put your answer below."),
                _code(f"answer = {answer}  # your answer", f"lesson.answer({step.id!r}, answer)")]
    if bound:
        return run_cells(b, step, bound)
    return [_md(_heading(step)), _code(f"lesson.step({step.id!r})")]


CELLS: dict[str, Builder] = {
    "text": text_cells,
    "compute": compute_cells,
    "show": view_cells,
    "shapes": view_cells,
    "check": view_cells,
    "figure": view_cells,
    "train": run_cells,
    "quiz": quiz_cells,
    "predict": predict_cells,
    "explore": explore_cells,
    "expression": expression_cells,
    "gradient-check": gradient_check_cells,
    "exercise": exercise_cells,
}


# -- the notebook ---------------------------------------------------------------------------

HOW_TO = ("Run the cells in order (Shift-Enter runs one). Every code cell can be changed and run again: "
          "the views below it then show your values. For a question, put your answer in place of the `...` "
          "and run the cell.")


def _setup_cell(b: Built, lesson, settings: dict) -> Any:
    args = repr(lesson.id)
    if settings:
        args += f", settings={settings!r}"
    if b.course_ref:
        args += f", course={b.course_ref!r}"
    imports = ["import numpy as np", "import tutor.core as core"]
    names = ["open_lesson"] + (["check", "hint", "provide_helpers"] if b.exercises else [])
    lines = [*imports, f"from tutor.notebook import {', '.join(names)}", "",
             f"lesson = open_lesson({args})  # its data, weights and starting values, as `tutor learn` builds them"]
    if b.exercises:
        ids = ", ".join(repr(e) for e in b.exercises)
        lines.append(f"provide_helpers({ids}{_course_arg(b)})  # what the exercise's stub imports from tutor_helpers")
    if b.functions:  # the prose and the type-along steps call them by these names
        lines.append(f"{', '.join(b.functions)} = lesson.functions({', '.join(repr(f) for f in b.functions)})"
                     f"  # the lesson's own functions, as its text names them")
    for k in range(0, len(b.from_start), 4):  # four names a line keeps each line readable
        group = b.from_start[k:k + 4]
        if len(group) == 1:
            lines.append(f"{py(group[0])} = lesson[{group[0]!r}]")
        else:
            lines.append(f"{', '.join(py(n) for n in group)} = lesson.values({', '.join(repr(n) for n in group)})")
    return _code(*lines)


def lesson_notebook(lesson, settings: dict | None = None, *, answers: bool = False, notes: bool = False,
                    notebook_dir: Path | None = None):
    """The notebook for one lesson (an nbformat NotebookNode) and the problems met building it.

    notebook_dir: the folder the notebook will be written to; a course found by
    its folder is named relative to it, so the notebook works wherever both go.
    """
    from tutor.notebook import adapters

    adapters.load_formulas(lesson)
    nbformat = require_nbformat()
    from tutor.lessons.steps.base import StepFailed
    from tutor.notebook.session import NotebookLesson

    settings = dict(settings or {})
    nl = NotebookLesson(lesson, settings, record=False)
    b = Built(nl, answers, notes, adapters.course_ref(lesson, notebook_dir))
    b.functions = lesson_functions(lesson, lesson.steps)
    body: list[Any] = []
    s = nl.session
    for i, step in enumerate(s.steps):
        before = dict(nl.ctx.values)
        s.ensure(i)
        bound = [k for k, v in nl.ctx.values.items() if k not in before or before[k] is not v]
        build = CELLS.get(step.kind, generic_cells)
        try:
            cells = build(b, step, bound)
        except StepFailed as err:  # the step failed in this run too (it is among the problems): show it as is
            cells = [_md(_heading(step), f"*(This step could not be prepared here: {err})*"),
                     _code(f"lesson.step({step.id!r})")]
        body.extend(c for c in cells if c is not None)
    intro = [f"# {lesson.title}", f"*{lesson.summary}*"]
    if s.env.notes:
        intro.append("\n".join(f"- {n}" for n in s.env.notes))
    intro.append(HOW_TO)
    cells = [_md(*intro), _setup_cell(b, lesson, settings), *body]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "tutor": {"lesson": lesson.id, "course": getattr(lesson.course, "id", None),
                  "settings": {k: v for k, v in settings.items()}},
    })
    nbformat.validate(nb)
    return nb, s.describe_problems()


def export_notebooks(lessons: list, typed: list[dict], output: Path, *, all_lessons: bool, answers: bool,
                     notes: bool) -> tuple[list[Path], list[str]]:
    """Write one notebook per lesson: to `output` (one lesson) or into the folder `output` (--all)."""
    nbformat = require_nbformat()
    from tutor.handouts.write import file_per_lesson

    targets = file_per_lesson(output, lessons, "ipynb", all_lessons)
    written, problems = [], []
    for lesson, settings, target in zip(lessons, typed, targets):
        nb, found = lesson_notebook(lesson, settings, answers=answers, notes=notes, notebook_dir=target.parent)
        problems += [f"{lesson.id}: {p}" for p in found]
        try:
            nbformat.write(nb, str(target))
        except OSError as err:
            raise TutorError(f"cannot write {str(target)!r}: {err.strerror or err}") from None
        written.append(target)
    return written, problems


def export(lesson_id: str | None, *, all_lessons: bool = False, output: Path, answers: bool = False,
           notes: bool = False, settings: list[str] | None = None, course):
    """`tutor export --format ipynb`: one lesson of `course` (or all of them) as notebooks; an ExportResult."""
    from tutor.handouts.write import ExportResult, choose

    chosen = choose(lesson_id, all_lessons=all_lessons, settings=settings, course=course)
    return ExportResult(*export_notebooks(chosen.lessons, chosen.settings, output, all_lessons=all_lessons,
                                          answers=answers, notes=notes))
