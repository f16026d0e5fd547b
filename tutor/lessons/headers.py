"""What a list needs from a lesson, without building its steps.

`tutor`, `tutor lessons` and `tutor --help` need each lesson's id, title,
summary and step count. Loading a lesson properly checks every step against
the course's vocabulary (numpy and the plugin come with it); a header only
reads the YAML's top level, and is kept in the header cache
(tutor.base.cache) while the file is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tutor.base.cache import cache

# -- lesson headers ----------------------------------------------------------------------


@dataclass(frozen=True)
class LessonHeader:
    """A lesson's top level: enough to list it. `problem` is set when even that cannot be read."""

    id: str
    title: str
    summary: str
    steps: int
    problem: str | None = None
    questions: int = 0  # steps that ask the learner something (quiz, typed expression)
    exercises: tuple[str, ...] = ()  # the exercises its exercise steps send the learner to


# Step kinds that ask the learner for an answer (counted for the scores in the lists).
ASKING_KINDS = ("quiz", "expression")


def _step_facts(steps) -> tuple[int, list[str]]:
    """(questions, exercise ids) from a lesson's step nodes, without building the steps."""
    questions, exercises = 0, []
    for node in steps:
        fields = node.value if isinstance(node.value, dict) else {}
        fields = {getattr(k, "value", k): v for k, v in fields.items()}
        kind = getattr(fields.get("kind"), "value", None)
        if kind in ASKING_KINDS:
            questions += 1
        elif kind == "exercise":
            name = getattr(fields.get("exercise"), "value", None)
            if isinstance(name, str) and name not in exercises:
                exercises.append(name)
    return questions, exercises


def _with_includes(nodes, path: Path) -> list:
    """The step nodes with each `kind: include` replaced by the steps it brings (kept as one when it cannot)."""
    from tutor.base.errors import LessonError
    from tutor.lessons.includes import expand, is_include

    out = []
    for k, node in enumerate(nodes):
        if not is_include(node):
            out.append(node)
            continue
        try:
            out.extend(inc.node for inc in expand(node, f"steps[{k}]", str(path)))
        except LessonError:
            out.append(node)  # the loader reports it; the list still counts the step
    return out


def read_header(path: Path) -> dict:
    """The top level of one lesson file (yaml parsed, steps counted, not built)."""
    from tutor.base.errors import LessonError
    from tutor.base.schema import Reader
    from tutor.lessons.loader import read_node

    try:
        root = read_node(path)
        r = Reader(root, "", str(path), (), what="a lesson")
        steps = r.map.get("steps")
        if steps is None or not isinstance(steps.value, list):
            raise r.error("steps", "a lesson needs a list of steps")
        nodes = _with_includes(steps.value, path)
        questions, exercises = _step_facts(nodes)
        return {"id": r.str("id", required=True), "title": r.str("title", required=True),
                "summary": r.str("summary", required=True), "steps": len(nodes), "problem": None,
                "questions": questions, "exercises": exercises}
    except LessonError as err:
        return {"id": Path(path).stem, "title": "", "summary": "", "steps": 0, "problem": err.message}


def lesson_header(path: str | Path) -> LessonHeader:
    """The header of the lesson file at `path`, from the cache when the file is unchanged."""
    data = cache().get(Path(path), "lesson", read_header)
    try:
        return LessonHeader(**{**data, "exercises": tuple(data.get("exercises", ()))})
    except TypeError:  # an entry edited by hand: read the file again and remember that
        c = cache()
        c.entries.pop(str(Path(path).absolute()), None)
        return LessonHeader(**c.get(Path(path), "lesson", read_header))
