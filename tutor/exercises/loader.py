"""Strict YAML for exercise files: plain data, with the line of every key.

Read with the lessons' strict reader (plain types only; anchors, aliases and
tags refused). Every error names the file, the line and the key, so an
instructor can fix it without guessing.
"""

from __future__ import annotations

from pathlib import Path

from tutor.base.errors import TutorError
from tutor.base.yamlsafe import Node, YamlProblem, parse, read_text


class ExerciseFormatError(TutorError):
    """An exercise file that cannot be used, with file, line and key."""


def where(path: Path | str, line: int | None, key: str | None) -> str:
    parts = [str(path)]
    if line:
        parts.append(f"line {line}")
    if key:
        # A key with a newline or control character is shown quoted, so the
        # message stays on one line.
        parts.append(f"key {key if key.isprintable() else repr(key)}")
    return ", ".join(parts)


def fail(path, line, key, problem: str):
    raise ExerciseFormatError(f"{where(path, line, key)}: {problem}")


EXERCISE_SHAPE = "an exercise is a mapping with id, title, function, signature, docstring, hints, tests and reference"


def _plain(node: Node, key: str, lines: dict[str, int]):
    """Node tree -> plain Python, recording the line of each dotted key."""
    lines[key] = node.line
    if node.kind == "mapping":
        return {k: _plain(v, f"{key}.{k}" if key else k, lines) for k, v in node.value.items()}
    if node.kind == "list":
        return [_plain(v, f"{key}[{i}]", lines) for i, v in enumerate(node.value)]
    return node.value


def load_yaml(path: Path | str) -> tuple[dict, dict[str, int]]:
    """Read one exercise file: (data, {dotted key: line}).

    The same strict reading as lessons (tutor.base.yamlsafe): no anchors,
    aliases, tags or merge keys, bounded size and depth, every refusal with
    its line.
    """
    path = Path(path)
    try:
        root = parse(read_text(path), empty=EXERCISE_SHAPE)
    except YamlProblem as err:
        fail(path, err.line, None, err.what)
    if root.kind != "mapping":
        fail(path, root.line, None, "the file must be a mapping (key: value) at the top level")
    lines: dict[str, int] = {}
    return _plain(root, "", lines), lines
