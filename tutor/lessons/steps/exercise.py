"""The exercise step: points the learner at a self-check exercise, and offers to start and check it there.

In `tutor learn` on a terminal the step offers two keys: `w` writes the file
to fill in (tutor-exercises/<id>.py, never over the learner's work) and `c`
checks it, showing the checker's report under the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.base.schema import Reader, Scope
from tutor.lessons.steps.base import Common, Step, step_kind
from tutor.lessons.steps.basic import parse_text


def _exercise_info(exercise_id: str, course=None) -> tuple[str | None, str | None, str | None]:
    """(title, signature, status) from the course's exercises catalog, or Nones when unavailable.

    Title and signature are read from the exercise's own file
    (tutor.exercises.headers.exercise_card), cached while it is unchanged: the
    step does not load and check the whole catalog (that was a sixth of an
    export, and on a first run its modules cost about 40 ms more).
    """
    try:
        from tutor.exercises.headers import exercise_card

        card = exercise_card(exercise_id, course) if course is not None else None
    except Exception:  # noqa: BLE001 - a broken exercise file must not break a lesson
        return None, None, None
    if card is None:
        return None, None, None
    try:
        from tutor.progress import exercise_state

        state = exercise_state(exercise_id, course=None if course is None or course.bundled else course.id)
    except Exception:  # noqa: BLE001
        state = None
    return card[0], card[1], state


class _ExerciseCard:
    """What to type, one command per line; boxed when the box leaves the commands whole.

    A command broken across two lines reads as two commands, so on a narrow
    terminal the box (4 columns) is dropped before any command would wrap.
    """

    def __init__(self, exercise_id: str, title: str | None, signature: str | None, state: str | None,
                 flag: str = ""):
        self.flag = flag  # " --course DIR" when the lesson is not the default course's
        self.exercise_id = exercise_id
        self.title = title
        self.signature = signature
        self.state = state

    def _body(self, width: int):
        from rich.text import Text

        eid = self.exercise_id
        body = Text()

        def command(cmd: str) -> None:
            # too long for the line: continue it shell-style with a backslash,
            # so what is on screen can still be typed exactly as shown
            while len(cmd) > width and " " in cmd[: width - 1]:
                cut = cmd.rindex(" ", 0, width - 1)
                body.append(cmd[:cut] + " \\\n", style="bold cyan")
                cmd = "  " + cmd[cut + 1:]
            body.append(cmd + "\n", style="bold cyan")

        body.append(f"Exercise: {self.title or eid}\n", style="bold")
        if self.signature:
            body.append("You write:\n", style="dim")
            body.append(f"{self.signature}\n")
        if self.state:
            body.append(f"Your status: {self.state}\n")
        body.append("1. Get the file to fill in:\n", style="dim")
        command(f"tutor exercise start {eid}{self.flag}")
        body.append("   it writes ", style="dim")
        body.append(f"{eid}.py", style="bold")
        body.append(" in the folder tutor-exercises/\n", style="dim")
        body.append("2. Check it, as often as you like:\n", style="dim")
        command(f"tutor check {eid}{self.flag}")
        body.append("Stuck? For a hint:\n", style="dim")
        command(f"tutor hint {eid}{self.flag}")
        body.rstrip()
        return body

    def __rich_console__(self, console, options):
        from rich.panel import Panel

        longest = len(f"tutor exercise start {self.exercise_id}{self.flag}")
        if options.max_width >= longest + 4:
            yield Panel(self._body(options.max_width - 4), expand=False)
        else:
            yield self._body(options.max_width)


@step_kind("exercise")
@dataclass(frozen=True)
class ExerciseStep(Step):
    exercise: str = ""
    text: str | None = None
    KEYS = ("exercise", "text")

    @classmethod
    def parse(cls, r: Reader, common: Common, scope: Scope) -> ExerciseStep:
        text = parse_text(r, "text", scope, common.condition)
        return cls(common, r.str("exercise", required=True), text)

    def run(self, ctx) -> list[Any]:
        title, signature, state = _exercise_info(self.exercise, getattr(ctx, "course", None))
        out: list[Any] = [ctx.markdown(self.text)] if self.text else []
        from tutor.course import course_flag

        out.append(_ExerciseCard(self.exercise, title, signature, state, course_flag(getattr(ctx, "course", None))))
        return out

    @property
    def offer(self) -> str | None:
        """Said under the step in `tutor learn`: the keys that write and check the exercise here."""
        return offer_text(self.exercise)

    def act(self, cmd: str, ctx) -> list[Any]:
        return act_on(self.exercise, cmd, getattr(ctx, "course", None))


EXERCISE_DIR = Path("tutor-exercises")


def _find(exercise_id: str, course):
    if course is None:
        return None
    try:
        from tutor.exercises.catalog import get_exercise

        return get_exercise(exercise_id, course)
    except Exception:  # noqa: BLE001 - no catalog, no exercise to write or check
        return None


def offer_text(exercise_id: str) -> str:
    """The line a learner reads under the step in `tutor learn` (validate checks that the exercise exists)."""
    return (f"Do it here: w writes {EXERCISE_DIR / (exercise_id + '.py')} for you to fill in, "
            f"c checks it (as often as you like), Enter goes on.")


def act_on(exercise_id: str, cmd: str, course) -> list[Any]:
    """`write`: the stub (kept if the file exists); `check`: the checker's report. Renderables to show.

    course: the lesson's tutor.course.Course: its exercise, and its learner's progress.
    """
    from rich.text import Text

    ex = _find(exercise_id, course)
    if ex is None:
        return [Text(f"The exercise {exercise_id!r} is not available here.", style="yellow")]
    target = EXERCISE_DIR / f"{ex.id}.py"
    if cmd == "write":
        if target.exists():
            return [Text(f"{target} already exists and holds your work; it was left as it is. "
                         f"Press c to check it.", style="yellow")]
        from tutor.exercises.stubs import stub_source

        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(stub_source(ex), encoding="utf-8")
        except OSError as err:
            return [Text(f"Cannot write {target}: {err.strerror or err}", style="red")]
        _store_update(ex.id, lambda rec: {**rec, "started": True, "file": str(target.resolve())}, course)
        return [Text.assemble("Wrote ", (str(target), "bold"), f": write {ex.function} there, save, then press c.")]
    if cmd == "check":
        if not target.exists():
            return [Text(f"There is no {target} yet: press w to write it first.", style="yellow")]
        from tutor.base.errors import TutorError
        from tutor.exercises.check import check_file
        from tutor.exercises.report import render_text

        try:
            result = check_file(ex, target)
        except TutorError as err:
            return [Text(err.message, style="red")]

        def record(rec: dict) -> dict:
            rec = dict(rec)
            rec.update(started=True, checks=int(rec.get("checks", 0)) + 1, score=result.score,
                       max_score=result.max_score, last="passed" if result.passed else "failing",
                       best_score=max(float(rec.get("best_score", 0.0)), result.score),
                       passed=bool(rec.get("passed")) or result.passed)
            return rec

        _store_update(ex.id, record, course)
        return [render_text(result)]
    return [Text("That key does nothing here; ? shows the keys.", style="yellow")]


def _store_update(exercise_id: str, change, course) -> None:
    try:
        from tutor.progress import ProgressStore

        ProgressStore().update("exercises", exercise_id, change, course=course.id)
    except Exception:  # noqa: BLE001 - progress is a convenience; the file is written either way
        pass
