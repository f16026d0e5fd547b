"""Strict YAML for exercise files: plain data, with the line of every key.

PyYAML's safe loader builds only plain types; on top of that, anchors and
aliases (alias bombs) and explicit tags are refused. Every error names the
file, the line and the key, so an instructor can fix it without guessing.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tutor.errors import TutorError


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


def _refuse_aliases_and_tags(text: str, path) -> None:
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                fail(path, line, None, "YAML anchors and aliases are not allowed in exercise files")
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            explicit = tag is not None and not (implicit is True or (isinstance(implicit, tuple) and any(implicit)))
            if explicit and tag not in ("tag:yaml.org,2002:str",):
                fail(path, line, None, f"YAML tags such as {tag!r} are not allowed in exercise files")
    except yaml.reader.ReaderError as err:  # a refused character: it has an offset, not a mark
        fail(path, text[:err.position].count("\n") + 1, None, f"not valid YAML ({err.reason} {err.character!r})")
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = " ".join(str(getattr(err, "problem", None) or err).split())  # one line
        fail(path, line, None, f"not valid YAML ({problem})")
    except RecursionError:
        fail(path, 1, None, "not valid YAML (nested too deeply)")


MAX_DEPTH = 40


def _refuse_too_deep(text: str, path) -> None:
    """Bracket nesting past MAX_DEPTH, refused before PyYAML spends seconds (or its stack) on it."""
    depth = 0
    for n, line in enumerate(text.splitlines(), 1):
        for ch in line:
            depth += 1 if ch in "[{" else -1 if ch in "]}" else 0
            if depth > MAX_DEPTH:
                fail(path, n, None, f"is nested more than {MAX_DEPTH} levels deep")


def _build(node, key: str, lines: dict[str, int]):
    """Node tree -> plain Python, recording the line of each dotted key."""
    lines[key] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for k_node, v_node in node.value:
            k = yaml.SafeLoader.construct_scalar(yaml.SafeLoader(""), k_node) if isinstance(k_node, yaml.ScalarNode) else None
            if not isinstance(k, str):
                raise ExerciseFormatError(f"line {k_node.start_mark.line + 1}, key {key or '(top)'}: keys must be plain strings")
            child = f"{key}.{k}" if key else k
            if k in out:
                raise ExerciseFormatError(f"line {k_node.start_mark.line + 1}, key {child}: appears twice")
            out[k] = _build(v_node, child, lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, f"{key}[{i}]", lines) for i, v in enumerate(node.value)]
    loader = yaml.SafeLoader("")
    return loader.construct_object(node, deep=True)


def load_yaml(path: Path | str) -> tuple[dict, dict[str, int]]:
    """Read one exercise file: (data, {dotted key: line})."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ExerciseFormatError(f"{path}: cannot be read ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        fail(path, raw[:err.start].count(b"\n") + 1, None, f"is not UTF-8 text (bad byte at offset {err.start})")
    _refuse_too_deep(text, path)
    _refuse_aliases_and_tags(text, path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:  # pragma: no cover - parse() above catches these
        fail(path, 1, None, f"not valid YAML ({' '.join(str(err).split())})")
    except RecursionError:
        fail(path, 1, None, "is nested too deeply")
    if node is None or not isinstance(node, yaml.MappingNode):
        fail(path, 1, None, "the file must be a mapping (key: value) at the top level")
    lines: dict[str, int] = {}
    try:
        data = _build(node, "", lines)
    except ExerciseFormatError as err:
        raise ExerciseFormatError(f"{path}, {err.message}") from None
    except RecursionError:
        fail(path, 1, None, "is nested too deeply")
    return data, lines
