"""`%load_ext tutor`, then `%tutor learn ID`: a lesson stepped through inside the notebook.

With ipywidgets: one output that changes in place, Back and Next buttons,
and for a question an answer box with a Check button. Without it (or with
`--plain`): each step is printed as the cell's output, and the next cell
moves on with `%tutor next` (or `back`, `answer TEXT`, `hint`).

The place in the lesson and the quiz answers are saved in the same progress
store as `tutor learn`, so either can pick up where the other stopped.
"""

from __future__ import annotations

import shlex
from typing import Any

from tutor.notebook import adapters
from tutor.notebook.display import Rich, show
from tutor.notebook.session import NotebookLesson, error_line, note_line

USAGE = ("%tutor learn ID [--course DIR|ID] [--set name=value] [--restart] [--plain]   step through a lesson\n"
         "%tutor next | back | hint | answer TEXT                                    move on, back, a hint, answer a question")


def widgets_available() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


class Stepper:
    """One lesson being stepped through: the position, and how it is drawn (widget or plain)."""

    def __init__(self, lesson_id: str, settings: list[str] | None = None, *, restart: bool = False,
                 plain: bool = False, course=None) -> None:
        lesson = adapters.find_lesson(lesson_id, adapters.resolve(course))
        typed = adapters.typed_settings(lesson, settings)
        self.store = adapters.progress_store()
        self.nl = NotebookLesson(lesson, typed, store=self.store)
        self.session = self.nl.session
        self.i = 0 if restart else self._saved_place()
        self.feedback: list[Any] = []
        self.plain = plain or not widgets_available()
        self.sliders: dict[str, dict[str, Any]] = {}  # explore step id -> its sliders, kept while stepping
        self.box = None if self.plain else self._build_widgets()

    def _saved_place(self) -> int:
        record = self.store.lesson(self.nl.id, course=adapters.course_key(self.nl.lesson.course))
        if record.get("completed") or not record.get("step_id"):
            return 0
        ids = self.nl.step_ids
        return ids.index(record["step_id"]) if record["step_id"] in ids else 0

    # -- what a step shows ----------------------------------------------------------------
    @property
    def step(self):
        return self.session.steps[self.i]

    def asks(self) -> bool:
        return bool(getattr(self.step, "interactive", False)) and callable(getattr(self.step, "grade", None))

    def explore_sliders(self) -> dict[str, Any] | None:
        """The sliders of an explore step in widget mode (made once per step); None elsewhere."""
        step = self.step
        if self.plain or not hasattr(step, "controls"):
            return None
        if step.id not in self.sliders:
            from tutor.notebook.session import control_sliders

            made = control_sliders(step)
            for slider in made.values():
                slider.observe(lambda _change: self.render(), names="value")
            self.sliders[step.id] = made
        return self.sliders[step.id]

    def renderables(self) -> list[Any]:
        out = list(self.session.ensure(self.i))
        sliders = self.explore_sliders()
        if sliders is not None:  # the setting the sliders hold, recomputed, in place of the fixed settings
            step = self.step
            setting = {c.name: c.clamp(sliders[c.name].value) for c in step.controls}
            out = list(step.draw(self.session.ctx, setting, heading=True))
        parts = [adapters.step_header(self.session, self.i), *out, *self.feedback]
        if self.i == self.session.N - 1:
            parts.append(note_line("The last step of this lesson."))
        return parts

    def render(self) -> None:
        self.session.save(self.i)
        if self.plain:
            show(*self.renderables())
            tips = ["%tutor next", "%tutor back"] + (["%tutor answer TEXT", "%tutor hint"] if self.asks() else [])
            show(note_line("Then: " + " · ".join(tips)))
        else:
            self.html.value = Rich(*self.renderables()).html()
            self.back_button.disabled = self.i == 0
            self.next_button.description = "Finish" if self.i == self.session.N - 1 else "Next"
            self.answer_row.layout.display = "" if self.asks() else "none"
            sliders = self.explore_sliders()
            self.controls_row.children = tuple(sliders.values()) if sliders else ()
            self.controls_row.layout.display = "" if sliders else "none"

    # -- moving -------------------------------------------------------------------------------
    def next(self) -> None:
        if self.i == self.session.N - 1:
            self.session.completed = True
            self.session.save(self.i, completed=True)
            self.feedback = [note_line(f"You reached the end of the lesson {self.nl.id}. Well done.")]
        else:
            self.i += 1
            self.feedback = []
        self.render()

    def back(self) -> None:
        if self.i == 0:
            self.feedback = [note_line("This is the first step.")]
        else:
            self.i -= 1
            self.feedback = []
        self.render()

    def answer(self, text: str) -> bool | None:
        if not self.asks():
            self.feedback = [note_line("This step asks nothing; go on with Next.")]
            self.render()
            return None
        right, out = self.nl.grade(self.step.id, text)
        if self.step.id in self.nl.done:
            self.session.quizzes[self.step.id] = self.nl.done[self.step.id]
        self.feedback = out
        self.render()
        return right

    def hint(self) -> None:
        out = self.nl._next_hint(self.step, self.step.id)
        self.feedback = out or [note_line("This step has no more hints.")]
        self.render()

    # -- the widget -----------------------------------------------------------------------------
    def _build_widgets(self):
        import ipywidgets as w

        self.html = w.HTML()
        self.back_button = w.Button(description="Back", icon="arrow-left")
        self.next_button = w.Button(description="Next", icon="arrow-right", button_style="primary")
        self.answer_box = w.Text(placeholder="your answer", continuous_update=False)
        self.check_button = w.Button(description="Check")
        self.hint_button = w.Button(description="Hint")
        self.back_button.on_click(lambda _b: self.back())
        self.next_button.on_click(lambda _b: self.next())
        self.check_button.on_click(lambda _b: self.answer(self.answer_box.value))
        self.hint_button.on_click(lambda _b: self.hint())
        self.answer_row = w.HBox([self.answer_box, self.check_button, self.hint_button])
        self.controls_row = w.VBox([])  # an explore step's sliders
        return w.VBox([self.controls_row, self.html, self.answer_row, w.HBox([self.back_button, self.next_button])])


_CURRENT: dict[str, Stepper] = {}


def tutor_magic(line: str) -> None:
    """%tutor learn ID | next | back | hint | answer TEXT (see USAGE)."""
    from tutor.base.errors import TutorError

    try:
        words = shlex.split(line)
    except ValueError as err:
        show(error_line(f"cannot read {line!r}: {err}"))
        return
    if not words or words[0] in ("help", "-h", "--help"):
        show(note_line(USAGE))
        return
    command, rest = words[0], words[1:]
    if command == "learn":
        try:
            stepper = _learn(rest)
        except TutorError as err:
            show(error_line(err.message))
            return
        if stepper is None:
            return
        _CURRENT["stepper"] = stepper
        if stepper.plain and "--plain" not in rest:
            from tutor.notebook.build import INSTALL

            show(note_line(f"(Back and Next buttons need ipywidgets: {INSTALL}. Stepping with %tutor next meanwhile.)"))
        stepper.render()
        if not stepper.plain:
            from IPython.display import display

            display(stepper.box)
        return
    stepper = _CURRENT.get("stepper")
    if command in ("next", "back", "hint", "answer") and stepper is None:
        show(error_line("no lesson is open here; start one with %tutor learn ID"))
        return
    if command == "next":
        stepper.next()
    elif command == "back":
        stepper.back()
    elif command == "hint":
        stepper.hint()
    elif command == "answer":
        if not rest:
            show(error_line("give your answer: %tutor answer TEXT"))
            return
        stepper.answer(" ".join(rest))
    else:
        show(error_line(f"unknown %tutor command {command!r}"), note_line(USAGE))


def _learn(args: list[str]) -> Stepper | None:
    lesson_id, settings, restart, plain, course = None, [], False, False, None
    it = iter(args)
    for word in it:
        if word == "--course" or word.startswith("--course="):
            course = word.removeprefix("--course=") if "=" in word else next(it, None)
            if not course:
                show(error_line("--course needs a course folder or id"))
                return None
        elif word == "--set":
            value = next(it, None)
            if value is None:
                show(error_line("--set needs name=value"))
                return None
            settings.append(value)
        elif word.startswith("--set="):
            settings.append(word.removeprefix("--set="))
        elif word == "--restart":
            restart = True
        elif word == "--plain":
            plain = True
        elif word.startswith("-"):
            show(error_line(f"unknown option {word!r}"), note_line(USAGE))
            return None
        elif lesson_id is None:
            lesson_id = word
        else:
            show(error_line(f"one lesson at a time: {lesson_id!r} and {word!r}"))
            return None
    if lesson_id is None:
        show(error_line("which lesson? %tutor learn ID (`tutor lessons` lists them)"))
        return None
    return Stepper(lesson_id, settings, restart=restart, plain=plain, course=course)  # a bad course: one line


def load_ipython_extension(ipython) -> None:
    """Register the %tutor line magic (called by `%load_ext tutor`)."""
    ipython.register_magic_function(tutor_magic, magic_kind="line", magic_name="tutor")
    from tutor.notebook.display import one_line_errors

    one_line_errors()
