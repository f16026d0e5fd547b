"""Reading lesson and exercise YAML without trusting it.

PyYAML's safe loader already refuses Python objects; this goes further. We
compose the node graph (which keeps line and column marks) and refuse, before
anything is built from it:

- files over MAX_BYTES, files that are not UTF-8 text, empty documents;
- anchors and aliases (so alias bombs and cycles cannot even be written);
- any tag that is not a plain core tag (str, int, float, bool, null, map, seq);
- merge keys, duplicate keys, non-string keys, nesting deeper than MAX_DEPTH.

What comes out is a tree of `Node`s: the plain Python value plus where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_BYTES = 512 * 1024
MAX_DEPTH = 40

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null")}


# Why anchors and aliases are refused, in the words a file's author reads.
_NO_ANCHORS = "YAML anchors and aliases can multiply a small file into a huge one; write the value out"
_NO_TAGS = "YAML tags can build Python objects; use plain mappings, lists and scalars"
LESSON_SHAPE = "a lesson is a mapping with id, title, summary, setup and steps"


class YamlProblem(Exception):
    """A refused document: what is wrong and where (1-based line/column)."""

    def __init__(self, what: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Node:
    """A YAML value with its position. value: str | int | float | bool | None |
    dict[str, Node] | list[Node]. key_line/key_col: where its key was (mappings)."""

    value: Any
    line: int
    column: int
    keys: Any = None  # mappings: {key: (line, column)} of each key itself

    @property
    def kind(self) -> str:
        if isinstance(self.value, dict):
            return "mapping"
        if isinstance(self.value, list):
            return "list"
        return "scalar"

    def plain(self) -> Any:
        """The value with every Node unwrapped (for literals)."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


# PyYAML, imported by the first parse: a lesson read again is usually a kept
# tree (tutor.base.trees), and importing yaml costs about 11 ms.
yaml: Any = None
_StrictLoader: Any = None
_CLoader: Any = None


def _load_yaml() -> None:
    global yaml, _StrictLoader, _CLoader
    if yaml is not None:
        return
    import yaml as pyyaml

    class StrictLoader(pyyaml.SafeLoader):
        """A safe loader whose composer refuses anchors and aliases on sight."""

        def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
            event = self.peek_event()
            if isinstance(event, pyyaml.AliasEvent):
                raise YamlProblem(f"aliases (*{event.anchor}) are not allowed: {_NO_ANCHORS}",
                                  *_mark(event.start_mark))
            if getattr(event, "anchor", None):
                raise YamlProblem(f"anchors (&{event.anchor}) are not allowed: {_NO_ANCHORS}",
                                  *_mark(event.start_mark))
            return super().compose_node(parent, index)

    yaml, _StrictLoader, _CLoader = pyyaml, StrictLoader, getattr(pyyaml, "CSafeLoader", None)


def _mark(mark) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def read_text(path) -> str:
    """The file's text, or YamlProblem for a missing, huge or binary file."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise YamlProblem("no such file") from None
    except IsADirectoryError:
        raise YamlProblem("is a folder, not a file") from None
    except OSError as err:
        raise YamlProblem(f"cannot be read ({err.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise YamlProblem(f"is larger than {MAX_BYTES // 1024} KiB; lessons and exercises are small text files",
                          _line_at(raw, MAX_BYTES))
    if b"\x00" in raw:
        raise YamlProblem("is not a text file (it contains NUL bytes)", _line_at(raw, raw.index(b"\x00")))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise YamlProblem(f"is not UTF-8 text (bad byte at offset {err.start})", _line_at(raw, err.start)) from None


def _line_at(raw: bytes | str, offset: int) -> int:
    """1-based line of a byte (or character) offset, so every refusal can point somewhere."""
    return raw[:offset].count(b"\n" if isinstance(raw, bytes) else "\n") + 1


def _depth_exceeded(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def _too_deep_line(text: str) -> int:
    """The line where bracket nesting first passes MAX_DEPTH (1 when it cannot be told)."""
    depth = 0
    for n, line in enumerate(text.splitlines(), 1):
        for ch in line:
            depth += 1 if ch in "[{" else -1 if ch in "]}" else 0
            if depth > MAX_DEPTH:
                return n
    return 1


def parse(text: str, empty: str = LESSON_SHAPE) -> Node:
    """Compose `text` strictly and convert it to a Node tree.

    empty: what to say after "is empty" (what such a file should hold).

    With libyaml, the events and nodes are made in C (about ten times faster:
    `tutor lessons` reads every lesson); any document the fast path does not
    accept as it stands is read again by the pure-Python path, whose messages
    are the ones a learner sees, so both give the same answers.
    """
    _load_yaml()
    fast = _parse_fast(text) if _CLoader is not None else None
    if fast is not None:
        root, loader = fast
    else:
        root, loader = _parse_pure(text)
    if root is None:
        raise YamlProblem(f"is empty; {empty}", 1)
    return _convert(loader, root, 0)


def _parse_fast(text: str):
    """(root node, constructor) from libyaml, or None to let the pure path decide."""
    # Deep flow nesting goes to the pure path, which refuses it with its line
    # (and C recursion is never asked to go deep).
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth_exceeded(text):
        return None
    try:
        for event in yaml.parse(text, Loader=_CLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None  # refused, with its mark, by the pure path
        root = yaml.compose(text, Loader=_CLoader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    return root, yaml.SafeLoader("")


def _parse_pure(text: str):
    """(root node, loader) from PyYAML's Python composer, refusing anchors on sight."""
    try:
        loader = _StrictLoader(text)  # the reader checks every character here
    except yaml.reader.ReaderError as err:
        raise YamlProblem(f"is not valid YAML: a character is not allowed ({err.reason})",
                          _line_at(text, err.position)) from None
    try:
        root = loader.get_single_node()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as err:
        line, col = _mark(err.problem_mark or err.context_mark)
        raise YamlProblem(f"is not valid YAML: {err.problem or err.context}", line, col) from None
    except yaml.reader.ReaderError as err:  # a character YAML refuses; it has an offset, not a mark
        what = f"character {err.character!r}" if isinstance(err.character, str) else "byte"
        raise YamlProblem(f"is not valid YAML: the {what} is not allowed ({err.reason})",
                          _line_at(text, err.position)) from None
    except yaml.YAMLError as err:
        raise YamlProblem(f"is not valid YAML: {' '.join(str(err).split())}", 1) from None
    except RecursionError:
        raise YamlProblem("is nested too deeply", _too_deep_line(text)) from None
    finally:
        loader.dispose()
    return root, loader


def _convert(loader: yaml.SafeLoader, node, depth: int) -> Node:
    line, col = _mark(node.start_mark)
    if depth > MAX_DEPTH:
        raise YamlProblem(f"is nested more than {MAX_DEPTH} levels deep", line, col)
    tag = node.tag or ""
    if isinstance(node, yaml.MappingNode):
        if tag != _CORE + "map":
            raise YamlProblem(f"the tag {tag!r} is not allowed: {_NO_TAGS}", line, col)
        out: dict[str, Node] = {}
        marks: dict[str, tuple] = {}
        for key_node, value_node in node.value:
            kl, kc = _mark(key_node.start_mark)
            if key_node.tag == _CORE + "merge":
                raise YamlProblem("merge keys (<<) are not allowed: write the keys out", kl, kc)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _CORE + "str":
                raise YamlProblem("keys must be plain words", kl, kc)
            key = key_node.value
            if key in out:
                raise YamlProblem(f"the key {key!r} appears twice", kl, kc)
            out[key] = _convert(loader, value_node, depth + 1)
            marks[key] = (kl, kc)
        return Node(out, line, col, marks)
    if isinstance(node, yaml.SequenceNode):
        if tag != _CORE + "seq":
            raise YamlProblem(f"the tag {tag!r} is not allowed: {_NO_TAGS}", line, col)
        return Node([_convert(loader, item, depth + 1) for item in node.value], line, col)
    if tag == _CORE + "timestamp":
        return Node(node.value, line, col)  # a date-like word stays a string
    if tag not in _SCALAR_TAGS:
        raise YamlProblem(f"the tag {tag!r} is not allowed: {_NO_TAGS}", line, col)
    try:
        value = loader.construct_object(node, deep=False)
    except (yaml.YAMLError, ValueError) as err:
        raise YamlProblem(f"cannot read this value ({err})", line, col) from None
    return Node(value, line, col)
