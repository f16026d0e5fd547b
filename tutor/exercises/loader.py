"""Strict YAML for exercise files: plain data, with the line of every key.

Read as lessons are: the shared strict reader and its parsed-file cache
(tutor.base.trees: plain types only; anchors, aliases and tags refused), the
top level checked by the shared schema reader (tutor.base.schema: unknown keys
with a suggestion), and every error located the same way, `file:line: key:
what`, so an instructor can fix it without guessing.
"""

from __future__ import annotations

from pathlib import Path

from tutor.base.errors import LessonError, TutorError
from tutor.base.schema import Reader, Where
from tutor.base.yamlsafe import Node


class ExerciseFormatError(TutorError):
    """An exercise file that cannot be used, with file, line and key."""


def fail(path, line, key, problem: str):
    """Raise the exercise error at `line` and `key` of `path`, located as a lesson's errors are."""
    raise ExerciseFormatError(Where(str(path), line or None, None, key or "").error(problem).locate())


EXERCISE_SHAPE = "an exercise is a mapping with id, title, function, signature, docstring, hints, tests and reference"


def plain(root: Node) -> tuple[dict, dict[str, int]]:
    """A node tree as plain Python, and the line of every dotted key (`tests[1].points`)."""
    lines: dict[str, int] = {}
    return _plain(root, "", lines), lines


def _plain(node: Node, key: str, lines: dict[str, int]):
    """Node tree -> plain Python, recording the line of each dotted key."""
    lines[key] = node.line
    if node.kind == "mapping":
        return {k: _plain(v, f"{key}.{k}" if key else k, lines) for k, v in node.value.items()}
    if node.kind == "list":
        return [_plain(v, f"{key}[{i}]", lines) for i, v in enumerate(node.value)]
    return node.value


def load_node(path: Path | str) -> Node:
    """The file's node tree (cached while unchanged), its top level a mapping of the exercise's keys."""
    from tutor.base.trees import read_node

    path = Path(path)
    try:
        root = read_node(path)
    except LessonError as err:
        raise ExerciseFormatError(err.message) from None
    if root.value is None:
        fail(path, root.line, None, f"the file is empty; {EXERCISE_SHAPE}")
    if root.kind != "mapping":
        fail(path, root.line, None, "the file must be a mapping (key: value) at the top level")
    return root


def check_keys(root: Node, path: Path | str, allowed) -> None:
    """Refuse a top-level key the format does not have (the shared schema reader, with a suggestion)."""
    try:
        Reader(root, "", str(path), sorted(allowed), what="an exercise").finish()
    except LessonError as err:
        raise ExerciseFormatError(err.message) from None


def load_yaml(path: Path | str) -> tuple[dict, dict[str, int]]:
    """Read one exercise file: (data, {dotted key: line})."""
    return plain(load_node(path))
