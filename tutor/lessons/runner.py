"""Playing a lesson: the session (steps computed once, output kept) and the loop.

The runner talks only to a UI (see ui.py): `show_step`, `show_more`,
`read_command`, `ask`, `message`, `training`. It keeps every step's
renderables, so going back re-shows exactly what was there without running
anything again, and it saves progress after every step it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console, Group
from rich.text import Text

from tutor.lessons.context import RunContext
from tutor.lessons.context import rule as _rule
from tutor.lessons.environment import Environment, build_environment
from tutor.lessons.model import Lesson
from tutor.lessons.steps.base import Step, StepFailed

MODES = ("learn", "demo", "render")


def active_steps(lesson: Lesson, env: Environment) -> list[Step]:
    """The steps whose `when` holds for the setup's facts, in order."""
    return [s for s in lesson.steps if s.when is None or s.when.holds(env.facts)]


class Session:
    """One run of one lesson: its environment, active steps and what each showed.

    mode "learn": quizzes are asked; "demo": quizzes answer themselves;
    "render": headless, quiz answers shown only when `answers`.
    lookahead: compute later slow, pure steps on a background thread while
    the learner reads (tutor.lessons.lookahead). None: on in learn and demo
    on an interactive UI, where a learner reads between steps; off for
    exports and pipes, which run every step at once (nothing to overlap
    with), and when the environment variable TUTOR_LOOKAHEAD is 0.
    """

    def __init__(self, lesson: Lesson, env: Environment, ui: Any = None, *, mode: str = "learn",
                 answers: bool = False, notes: bool = False, store=None, lookahead: bool | None = None) -> None:
        self.lesson = lesson
        self.env = env
        self.ui = ui
        self.mode = mode
        self.answers = answers or mode == "demo"
        self.notes = notes
        self.store = store
        self.steps = active_steps(lesson, env)
        self.ctx = RunContext(env, ui)
        self.ctx.course = lesson.course  # who the commands a step prints are for (--course)
        self.outputs: list[list[Any]] = []
        self.problems: dict[int, list[str]] = {}
        self.warned: dict[int, list[str]] = {}  # warnings a step raised (numpy's overflow...): kept, never printed
        self.quizzes: dict[str, dict] = {}
        self.hints_shown: dict[int, int] = {}
        self.completed = False
        # Demo on a terminal poses a question on one key and reveals its answer on the next.
        self.poses_then_reveals = mode == "demo" and bool(getattr(ui, "interactive", False))
        self.revealed: set[int] = set()
        # Quizzes answered in an earlier sitting: not asked again when resuming.
        self.previous: dict[str, dict] = {}
        self.course_id = lesson.course.id if lesson.course is not None else None
        if store is not None:
            self.previous = dict(store.lesson(lesson.id, course=self.course_id).get("quizzes") or {})
        if lookahead is None:
            import os

            lookahead = (mode in ("learn", "demo") and bool(getattr(ui, "interactive", False))
                         and os.environ.get("TUTOR_LOOKAHEAD", "1") != "0")
        self.lookahead = None
        self._plans: dict[int, Any] = {}
        if lookahead:
            from tutor.lessons.lookahead import LookAhead

            self.lookahead = self.ctx.lookahead = LookAhead()

    @property
    def N(self) -> int:
        return len(self.steps)

    # -- computing -------------------------------------------------------------
    def ensure(self, i: int) -> list[Any]:
        """Run every step up to i (once each) and return step i's renderables."""
        while len(self.outputs) <= i:
            self.outputs.append(self._run(len(self.outputs)))
            self.look_ahead()
        return self.outputs[i]

    def look_ahead(self) -> None:
        """Queue every later step with a plan whose inputs all have values now.

        Only a copy of those values goes to the job; the step's results are
        bound when the learner reaches it, as without look-ahead.
        """
        la = self.lookahead
        if la is None or la.closed:
            return
        values = self.ctx.values
        for k in range(len(self.outputs), self.N):
            if k not in self._plans:
                self._plans[k] = self.steps[k].plan()
            plan = self._plans[k]
            if plan is None or self.steps[k].id in la.scheduled:
                continue
            if all(name in values for name in plan.reads):
                la.schedule(self.steps[k].id, plan, {name: values[name] for name in plan.reads})

    def close(self) -> None:
        """The lesson is over (finished, quit, interrupted): drop the jobs not started."""
        if self.lookahead is not None:
            self.lookahead.close()

    def _run(self, j: int) -> list[Any]:
        """Step j's renderables. A warning it raises (numpy's "overflow encountered in exp") is kept in
        `warned` for `tutor validate` to report, not printed over the learner's screen."""
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = self._run_step(j)
        said = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
        if said:
            self.warned[j] = said
        return out

    def _run_step(self, j: int) -> list[Any]:
        from tutor.base.errors import TutorError

        step = self.steps[j]
        before = len(self.ctx.problems)
        try:
            out = list(step.run(self.ctx))
            # A prediction (judged False) is followed by what really happens even in a handout without answers.
            shows = self.answers or not getattr(step, "judged", True)
            if step.interactive and self.mode != "learn" and shows and not self.poses_then_reveals:
                out.extend(reveal(step, self.ctx, prefix="Answer"))
                self.revealed.add(j)
        except StepFailed as err:
            self.ctx.problem(str(err))
            out = [failure(str(err))]
        except TutorError:
            raise  # a setup or course problem: the command says it in one line
        except Exception as err:  # noqa: BLE001 - whatever an operation raises, one line under the step, no traceback
            message = f"{type(err).__name__}: {err}"
            self.ctx.problem(message)
            out = [failure(message)]
        if len(self.ctx.problems) > before:
            self.problems[j] = self.ctx.problems[before:]
        if self.notes and step.notes:
            out.append(notes_panel(self.ctx.fill(step.notes) if "{" in step.notes else step.notes))
        return out

    def add(self, i: int, renderables: list[Any]) -> None:
        """Append to step i's kept output (quiz feedback, hints)."""
        self.ensure(i)
        self.outputs[i].extend(renderables)

    # -- progress --------------------------------------------------------------
    def save(self, i: int, *, completed: bool | None = None) -> None:
        if self.store is None:
            return
        fields: dict[str, Any] = {"step": i, "step_id": self.steps[i].id, "steps": self.N}
        if completed is not None:
            fields["completed"] = completed
        quizzes = dict(self.quizzes)

        def change(record: dict) -> dict:
            merged = dict(record.get("quizzes") or {})
            merged.update(quizzes)
            done = bool(record.get("completed")) or bool(completed)
            return {**record, **fields, "quizzes": merged, "completed": done}

        self.store.update("lessons", self.lesson.id, change, course=self.course_id)

    def describe_warnings(self) -> list[str]:
        return [f"step {j + 1} ({self.steps[j].id}): {w}" for j, ws in sorted(self.warned.items()) for w in ws]

    def describe_problems(self) -> list[str]:
        return [f"step {j + 1} ({self.steps[j].id}): {p}" for j, ps in sorted(self.problems.items()) for p in ps]


# -- small renderables the runner adds ----------------------------------------------


def failure(message: str) -> Text:
    t = Text()
    t.append("This step could not run: ", style="bold red")
    t.append(message)
    return t


def notes_panel(notes: str):
    from rich.panel import Panel

    from tutor.lessons.context import LessonText

    return Panel(LessonText(notes), title="presenter notes", title_align="left", border_style="magenta", expand=True)


def reveal(step, ctx, prefix: str = "The answer is") -> list[Any]:
    from tutor.lessons.context import LessonText, SafeText

    out: list[Any] = [SafeText((f"{prefix}: ", "bold"), (step.answer_text(ctx), "bold cyan"))]
    more = getattr(step, "reveal_more", None)
    if more is not None:
        out.extend(more(ctx))
    if step.explain:
        out.append(LessonText(ctx.fill(step.explain)))
    return out


def step_header(session: Session, i: int, *, bar: bool = True, lesson_title: bool = True) -> Group:
    """`Lesson title`, `Step k of N` with a progress bar, the values in force, the step title.

    lesson_title=False leaves the lesson's title out (a handout already heads
    the whole lesson with it).
    """
    from rich.progress_bar import ProgressBar
    from rich.table import Table

    step = session.steps[i]
    line = Table.grid(padding=(0, 1))
    line.add_column(no_wrap=True)
    line.add_column()
    counter = Text(f"Step {i + 1} of {session.N}", style="bold")
    if bar:
        line.add_row(counter, ProgressBar(total=session.N, completed=i + 1, width=20))
    else:
        line.add_row(counter, Text(""))
    from tutor.lessons.context import SafeText

    parts: list[Any] = [SafeText((session.lesson.title, "bold magenta"))] if lesson_title else []
    parts.append(line)
    if session.env.in_force:
        shown = ", ".join(f"{k} = {_value_text(v)}" for k, v in session.env.in_force.items())
        parts.append(Text(f"with {shown}", style="yellow"))
    if step.title:
        parts.append(SafeText((step_title(session, step), "bold underline")))
    return Group(*parts)


def step_title(session: Session, step) -> str:
    """The step's title with its {placeholders} filled from the values bound so far (as written when one has none)."""
    title = step.title or ""
    if "{" not in title:
        return title
    try:
        return session.ctx.fill(title)
    except StepFailed:
        return title


def _value_text(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


# -- the headless renderer, for exports -----------------------------------------------


def render_lesson(lesson: Lesson | str, console: Console, *, answers: bool = False, notes: bool = False,
                  settings: dict | None = None, data=None, weights=None,
                  on_step: Callable[[int], None] | None = None) -> Session:
    """Run a whole lesson headless into `console`, every step headed `Step k of N`.

    lesson: a Lesson, or an id / path. settings: {name: value} for declared
    parameters (strings are converted by the parameter's type). Quiz answers
    are printed only with answers=True, presenter notes with notes=True.
    on_step(i) is called just before step i (0-based) is printed, so a caller
    (the handout exporter) can cut the recording into steps; the divider
    line between steps is then left to the caller.
    Returns the Session (its `problems` say what did not work).
    """
    from tutor.lessons.loader import find_lesson

    if isinstance(lesson, str):
        lesson = find_lesson(lesson)
    if settings is not None and not isinstance(settings, dict):
        from tutor.lessons.params import parse_set_options

        settings = parse_set_options(list(settings), lesson.setup.params, lesson_id=lesson.id)
    env = build_environment(lesson, settings, data=data, weights=weights)
    session = Session(lesson, env, None, mode="render", answers=answers, notes=notes)
    from tutor.lessons.context import SafeText

    console.print(SafeText((lesson.title, "bold magenta")))
    console.print(SafeText((lesson.summary, "italic")))
    for note in env.notes:
        console.print(Text(note, style="dim"))
    import warnings

    for i in range(session.N):
        out = session.ensure(i)  # what the step warned is kept in session.warned, for validate
        if on_step is not None:
            on_step(i)  # the caller marks the boundary its own way
        else:
            console.print()
            console.print(_rule(console))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a view drawing inf or nan says nothing in the handout
            console.print(step_header(session, i, bar=False, lesson_title=False))
            for r in out:
                console.print(r)
    return session


# -- the interactive loop ----------------------------------------------------------------


HELP = [
    ("Enter or n", "next step"),
    ("b", "back one step (shows it exactly as it was)"),
    ("h", "a hint (on a question)"),
    ("r", "show this step again"),
    ("+ / -", "on a step with values to turn: change the selected one, as the up and down arrows do "
              "(Tab picks another, s types one)"),
    ("?", "this help"),
    ("q", "quit (your place is saved)"),
]


def play(session: Session, start: int = 0) -> str:
    """Play from step `start`. Returns 'completed' or 'quit'.

    KeyboardInterrupt is left to the caller (which saves and says so); the
    step the learner is on is saved before every wait. However it ends, the
    steps queued to be computed ahead are dropped (one running is not waited for).
    """
    import warnings

    try:
        with warnings.catch_warnings():  # nothing numpy says while drawing reaches the learner's screen
            warnings.simplefilter("ignore")
            return _play(session, start)
    finally:
        session.close()


def _play(session: Session, start: int = 0) -> str:
    ui = session.ui
    if session.N == 0:
        return "completed"
    if not ui.interactive:
        for i in range(start, session.N):
            ui.show_step(session, i, session.ensure(i))
            step = session.steps[i]
            if step.interactive and session.mode == "learn" and i not in session.problems:
                # A pipe: answers are read one per line; at the end of input the answer is shown.
                if getattr(ui, "reads_answers", False):
                    outcome = ask_quiz(session, i, can_go_back=False)
                    if outcome == "quit":  # the learner typed q: stop here, as on a terminal
                        ui.message(f"Stopped at step {i + 1} of {session.N}.")
                        return "quit"
                    if outcome != "ended":
                        continue
                    ui.reads_answers = False  # input ended: show the remaining answers without asking
                more = reveal(step, session.ctx)
                session.add(i, more)
                ui.show_more(more)
        session.completed = True
        ui.finish(session)
        return "completed"
    i = min(max(start, 0), session.N - 1)
    while True:
        out = session.ensure(i)
        step = session.steps[i]
        if step.interactive and step.id in session.previous and step.id not in session.quizzes:
            session.quizzes[step.id] = session.previous[step.id]
            how = "right" if session.previous[step.id].get("right") else "the answer was shown"
            said = (f"You answered this question in an earlier session ({how})." if getattr(step, "judged", True)
                    else "You made this prediction in an earlier session.")
            session.add(i, [Text(said, style="dim")]
                        + reveal(step, session.ctx))
        session.current = i  # set before drawing: a Ctrl-C mid-draw saves this step
        ui.show_step(session, i, out)
        session.save(i)
        if step.interactive and session.mode == "learn" and step.id not in session.quizzes:
            outcome = ask_quiz(session, i) if i not in session.problems else "done"
            if outcome == "quit":
                session.save(i)
                return "quit"
            session.save(i)
            if outcome == "back":
                if i > 0:
                    i -= 1
                    continue
                ui.message("This is the first step.")
        offer = getattr(step, "offer", None) if session.mode == "learn" else None
        if offer is not None:
            ui.message(offer)
        while True:
            cmd = ui.read_command(session, i)
            if cmd == "next" and session.poses_then_reveals and step.interactive and i not in session.revealed:
                demo_reveal(session, i)
                continue
            if cmd not in ("next", "back", "again", "hint", "help", "quit"):
                # an explore step (redraws) can be turned in a demo too: an instructor's live change
                redraws = getattr(step, "redraws", False)
                act = getattr(step, "act", None) if session.mode == "learn" or redraws else None
                if act is None:
                    ui.message("That key does nothing here; ? shows the keys.")
                    continue
                try:
                    more = act(cmd, session.ctx)
                except StepFailed as err:
                    more = [failure(str(err))]
                if redraws:  # the step recomputed: it is drawn anew, in place of what it showed
                    # kept without its passing remark (a refused value): b and back again shows the dials only
                    session.outputs[i] = [r for r in more if not getattr(r, "passing", False)]
                    ui.show_step(session, i, more)
                else:
                    session.add(i, more)
                    ui.show_more(more)
                continue
            if cmd == "next":
                if i == session.N - 1:
                    session.completed = True
                    session.save(i, completed=True)
                    ui.finish(session)
                    return "completed"
                i += 1
                break
            if cmd == "back":
                if i == 0:
                    ui.message("This is the first step.")
                    continue
                i -= 1
                break
            if cmd == "again":
                break
            if cmd == "hint":
                show_hint(session, i)
                continue
            if cmd == "help":
                ui.show_help(HELP)
                continue
            if cmd == "quit":
                session.save(i)
                return "quit"


def show_hint(session: Session, i: int) -> None:
    step = session.steps[i]
    hints = getattr(step, "hints", ())
    k = session.hints_shown.get(i, 0)
    if not hints:
        session.ui.message("This step has no hints.")
        return
    if k >= len(hints):
        session.ui.message("No more hints for this question.")
        return
    session.hints_shown[i] = k + 1
    from tutor.lessons.context import LessonText

    hint = [LessonText(f"**Hint {k + 1} of {len(hints)}:** {session.ctx.fill(hints[k])}")]
    session.add(i, hint)
    session.ui.show_more(hint)


def demo_reveal(session: Session, i: int) -> None:
    """Demo on a terminal: the answer, typed as a learner would, then what it gives."""
    ui, step = session.ui, session.steps[i]
    typed = step.typed_answer(session.ctx)
    typer_hook = getattr(ui, "type_line", None)
    from tutor.lessons.context import SafeText

    line = SafeText(("Your answer: ", "bold"), (typed, "bold cyan"))
    if typer_hook is not None:
        typer_hook("Your answer: ", typed)
    else:
        ui.show_more([line])
    more = reveal(step, session.ctx, prefix="Answer")
    session.add(i, [line] + more)
    session.revealed.add(i)
    ui.show_more(more)


ANSWER_WORDS = {"hint": "hint", "skip": "skip", "back": "back", "quit": "quit"}
ANSWER_LETTERS = {"h": "hint", "s": "skip", "b": "back", "q": "quit"}


def answer_tip(step, can_go_back: bool = True) -> str:
    """What the answer prompt says besides the answer: the commands, as this step reads them.

    A step whose answers can be letters (an expression: `h` is a name; a
    text answer) takes every letter as an answer, so its commands are
    words; elsewhere (numbers, shapes, numbered choices) the single letters
    work as well.
    """
    names = ["hint"] + (["skip"] if step.skippable else []) + (["back"] if can_go_back else []) + ["quit"]
    if getattr(step, "takes_letters", False):
        return "or type " + ", ".join(names[:-1]) + " or " + names[-1]
    return ", ".join(f"{n[0]} {n}" for n in names)


def answer_command(step, raw: str, ctx=None) -> str | None:
    """'hint' / 'skip' / 'back' / 'quit' when the typed line is one of the prompt's commands, else None.

    The words always are. A single letter is too, unless this step could
    take it as an answer: `h` at a step whose names include h is the answer
    h (step.letter_is_answer decides; a step that takes letters without
    saying which takes them all).
    """
    word = raw.strip().lower()
    if word in ANSWER_WORDS:
        return ANSWER_WORDS[word]
    if word not in ANSWER_LETTERS:
        return None
    if getattr(step, "takes_letters", False):
        decide = getattr(step, "letter_is_answer", None)
        if decide is None or decide(raw.strip(), ctx):
            return None
    return ANSWER_LETTERS[word]


def ask_allowing_empty(ui, prompt: str) -> str | None:
    """ui.ask where an empty Enter is a reply (''), for UIs that support it (`empty_ok`), else ui.ask."""
    import inspect

    try:
        takes = "empty_ok" in inspect.signature(ui.ask).parameters
    except (TypeError, ValueError):
        takes = False
    return ui.ask(prompt, empty_ok=True) if takes else ui.ask(prompt)


def ask_quiz(session: Session, i: int, *, can_go_back: bool = True) -> str:
    """The question's conversation: answers, hints, retries, skip. 'done', 'back', 'quit' or 'ended'.

    'ended': the input ended (a pipe ran out of lines; on a terminal that is
    'quit'). The commands are those `answer_tip` shows: `back` goes back (it
    is never an answer); an empty line asks again without a message after
    the first; a step that `offers_answer` (an expression) offers to show
    the answer after its tries instead of showing it at once.
    """
    ui, ctx = session.ui, session.ctx
    step = session.steps[i]
    tries = 0
    record = {"right": False, "tries": 0, "revealed": False, "skipped": False}
    tip = answer_tip(step, can_go_back)
    said_empty = False
    while True:
        raw = ui.ask(f"{getattr(step, 'ask_label', 'Your answer')} ({tip})")
        if raw is None:
            return "quit" if ui.interactive else "ended"
        word = raw.strip().lower()
        command = answer_command(step, raw, ctx)
        if command == "hint":
            show_hint(session, i)
            continue
        if command == "quit":
            return "quit"
        if command == "back":
            if can_go_back:
                return "back"
            continue
        if command == "skip":
            if not step.skippable:
                ui.message("This question cannot be skipped; type hint for a hint.")
                continue
            record.update(skipped=True, revealed=True)
            out = [Text("Skipped.", style="yellow")] + reveal(step, ctx)
            break
        if not word:
            if not said_empty:
                ui.message(f"Type your answer ({tip}).")
                said_empty = True
            continue
        verdict = step.grade(raw, ctx)
        if verdict.right is None:
            ui.message(verdict.message)
            continue
        tries += 1
        record["tries"] = tries
        shown = list(verdict.show)
        if verdict.right:
            from tutor.lessons.context import LessonText

            record["right"] = True
            said = "" if verdict.message.strip().lower() in ("", "right", "right.") else verdict.message
            out = shown + [mark(True, raw.strip(), said)]
            if not getattr(step, "judged", True):  # a prediction: kept, set beside the actual value, not marked
                record["predicted"] = raw.strip()
                out = shown
            if step.explain:
                out.append(LessonText(ctx.fill(step.explain)))
            break
        left = step.retries - tries
        if left <= 0 and not getattr(step, "offers_answer", False):
            record["revealed"] = True
            out = shown + [mark(False, raw.strip(), verdict.message)] + reveal(step, ctx)
            break
        if left > 0:
            hint_key = "hint" if getattr(step, "takes_letters", False) else "h"
            again = f" Try again ({left} {'tries' if left > 1 else 'try'} left; {hint_key} for a hint)."
        else:
            again = ""
        feedback = shown + [mark(False, raw.strip(), verdict.message + again)]
        session.add(i, feedback)
        ui.show_more(feedback)
        if left <= 0:
            if not ui.interactive:
                record["revealed"] = True
                out = reveal(step, ctx)
                break
            choice = ask_allowing_empty(ui, "Show the answer? (y: show it; Enter: try again)")
            if choice is None:
                return "quit" if ui.interactive else "ended"
            if choice.strip().lower() in ("y", "yes", "s", "show"):
                record["revealed"] = True
                out = reveal(step, ctx)
                break
    session.quizzes[step.id] = record
    session.add(i, out)
    ui.show_more(out)
    return "done"


def mark(right: bool, answer: str, message: str = ""):
    """`✓ RIGHT A @ B.T` or `✗ NOT YET X: message`: the answer as typed (literal), the message as
    lesson Markdown (`*other*` in italics), wrapped at word boundaries."""
    from tutor.lessons.feedback import Feedback

    return Feedback("✓ RIGHT" if right else "✗ NOT YET", "bold green" if right else "bold red", answer, message)
