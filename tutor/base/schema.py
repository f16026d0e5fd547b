"""Reading a YAML node tree into typed values, with an error for every slip.

`Reader` wraps one mapping: each accessor checks a key's type and, when it is
wrong, raises a LessonError that names the file, line, column and key path
(`steps[3].tol`) and what was expected. `finish()` rejects keys nobody asked
for, suggesting the nearest allowed one. `Scope` tracks which names are bound
so far, so a step that uses a name nothing has bound is caught at load time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tutor.base.errors import LessonError, did_you_mean
from tutor.base.yamlsafe import Node

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
REF_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\.T)?$")
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # a course, lesson or step id: lowercase words joined by dashes


@dataclass(frozen=True)
class Where:
    """A place in a lesson file, for error messages."""

    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""

    def error(self, what: str) -> LessonError:
        return LessonError(what, file=self.file, line=self.line, column=self.column, path=self.path or None)


def _type_name(node: Node) -> str:
    v = node.value
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if v is None:
        return "nothing"
    if isinstance(v, bool):
        return f"{str(v).lower()} (a yes/no value)"
    if isinstance(v, (int, float)):
        return f"the number {v}"
    return f"the text {str(v)!r}" if len(str(v)) < 40 else "a text"


def as_number(node: Node) -> float | int | None:
    """A number, also from text such as `1e-6` (which YAML 1.1 reads as a string)."""
    v = node.value
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return None
    return None


class Reader:
    """Typed access to one YAML mapping at `path` in `file`."""

    def __init__(self, node: Node, path: str, file: str, allowed: Iterable[str], what: str = "this") -> None:
        self.node = node
        self.path = path
        self.file = file
        self.allowed = tuple(allowed)
        if not isinstance(node.value, dict):
            raise self.where().error(f"{what} must be a mapping of keys to values, not {_type_name(node)}")
        self.map: dict[str, Node] = node.value

    # -- places ------------------------------------------------------------
    def key_path(self, key: str | None) -> str:
        if key is None:
            return self.path
        return f"{self.path}.{key}" if self.path else key

    def where(self, key: str | None = None, node: Node | None = None) -> Where:
        n = node if node is not None else (self.map.get(key) if key is not None and isinstance(self.node.value, dict) else None)
        n = n if n is not None else self.node
        return Where(self.file, n.line, n.column, self.key_path(key))

    def error(self, key: str | None, what: str) -> LessonError:
        return self.where(key).error(what)

    # -- access --------------------------------------------------------------
    def has(self, key: str) -> bool:
        return key in self.map

    def node_of(self, key: str, required: bool = False) -> Node | None:
        if key not in self.map:
            if required:
                raise self.where().error(f"the key {key!r} is missing" + (f" from {self.path}" if self.path else ""))
            return None
        return self.map[key]

    def str(self, key: str, required: bool = False, default: str | None = None, choices: Iterable[str] | None = None) -> str | None:
        node = self.node_of(key, required)
        if node is None:
            return default
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise self.error(key, f"expected a text, got {_type_name(node)}")
        v = str(v)
        if choices is not None:
            options = tuple(choices)
            if v not in options:
                raise self.error(key, f"unknown value {v!r}{did_you_mean(v, options)} (expected one of: {', '.join(options)})")
        return v

    def name(self, key: str, required: bool = False) -> str | None:
        v = self.str(key, required)
        if v is not None and not NAME_RE.match(v):
            raise self.error(key, f"{v!r} is not a name (letters, numbers and _ only)")
        return v

    def number(self, key: str, default: float | None = None, required: bool = False, min: float | None = None) -> float | None:
        node = self.node_of(key, required)
        if node is None:
            return default
        v = as_number(node)
        if v is None:
            raise self.error(key, f"expected a number, got {_type_name(node)}")
        if min is not None and v < min:
            raise self.error(key, f"must be at least {min}, got {v}")
        return float(v)

    def int(self, key: str, default: int | None = None, required: bool = False, min: int | None = None) -> int | None:
        node = self.node_of(key, required)
        if node is None:
            return default
        v = node.value
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.error(key, f"expected a whole number, got {_type_name(node)}")
        if min is not None and v < min:
            raise self.error(key, f"must be at least {min}, got {v}")
        return v

    def bool(self, key: str, default: bool | None = None) -> bool | None:
        node = self.node_of(key)
        if node is None:
            return default
        if not isinstance(node.value, bool):
            raise self.error(key, f"expected true or false, got {_type_name(node)}")
        return node.value

    def list(self, key: str, required: bool = False) -> list[Node] | None:
        node = self.node_of(key, required)
        if node is None:
            return None
        if not isinstance(node.value, list):
            raise self.error(key, f"expected a list, got {_type_name(node)}")
        return node.value

    def str_list(self, key: str, required: bool = False, single_ok: bool = True) -> tuple[str, ...] | None:
        node = self.node_of(key, required)
        if node is None:
            return None
        if single_ok and isinstance(node.value, str):
            return (node.value,)
        items = self.list(key)
        out = []
        for i, item in enumerate(items):
            if isinstance(item.value, bool) or not isinstance(item.value, (str, int, float)):
                raise Where(self.file, item.line, item.column, f"{self.key_path(key)}[{i}]").error(
                    f"expected a text, got {_type_name(item)}"
                )
            out.append(str(item.value))
        return tuple(out)

    def int_list(self, key: str) -> tuple[int, ...] | None:
        node = self.node_of(key)
        if node is None:
            return None
        if isinstance(node.value, int) and not isinstance(node.value, bool):
            return (node.value,)
        items = self.list(key)
        out = []
        for i, item in enumerate(items):
            if isinstance(item.value, bool) or not isinstance(item.value, int):
                raise Where(self.file, item.line, item.column, f"{self.key_path(key)}[{i}]").error(
                    f"expected a whole number, got {_type_name(item)}"
                )
            out.append(item.value)
        return tuple(out)

    def sub(self, key: str, allowed: Iterable[str], required: bool = False) -> Reader | None:
        node = self.node_of(key, required)
        if node is None:
            return None
        return Reader(node, self.key_path(key), self.file, allowed, what=f"{key!r}")

    def finish(self) -> None:
        """Refuse keys that are not allowed here."""
        for key, node in self.map.items():
            if key not in self.allowed:
                line, column = (self.node.keys or {}).get(key, (node.line, node.column))
                raise Where(self.file, line, column, self.key_path(key)).error(
                    f"unknown key {key!r}{did_you_mean(key, self.allowed)}"
                    + ("" if did_you_mean(key, self.allowed) else f" (allowed here: {', '.join(self.allowed)})")
                )


class Scope:
    """Names bound so far while reading a lesson's steps, in order.

    A name bound by a step with a `when` condition is only visible to later
    steps under the same condition (otherwise it may be missing at run time).
    """

    def __init__(self, names: Iterable[str]) -> None:
        self._names: dict[str, str | None] = {n: None for n in names}
        self.lenient = False  # set after a step failed to load: its names are unknown
        self.steps: dict = {}  # id -> the steps read so far (a repeat step re-runs some)
        self.vocab = None  # the lesson's course vocabulary (tutor.base.registry), set by the loader

    def visible(self, condition: str | None) -> list[str]:
        return [n for n, c in self._names.items() if c is None or c == condition]

    def has(self, name: str, condition: str | None = None) -> bool:
        return name in self._names and self._names[name] in (None, condition)

    def require(self, name: str, where: Where, condition: str | None = None, what: str = "name") -> None:
        if self.has(name, condition) or self.lenient:
            return
        if name in self._names:
            raise where.error(
                f"the {what} {name!r} is only bound in steps with when: {self._names[name]}; "
                f"give this step the same `when`"
            )
        raise where.error(
            f"the {what} {name!r} is not bound by setup or an earlier step{did_you_mean(name, self.visible(condition))}"
        )

    def bind(self, name: str, condition: str | None = None) -> None:
        if name in self._names and self._names[name] is None:
            return  # already bound everywhere: rebinding keeps it so
        self._names[name] = condition


def parse_ref(text: str, where: Where) -> tuple[str, bool]:
    """'W.T' -> ('W', True); 'X' -> ('X', False)."""
    m = REF_RE.match(str(text).strip())
    if not m:
        raise where.error(f"{text!r} is not a bound name (a name, optionally followed by .T for its transpose)")
    return m.group(1), bool(m.group(2))


def literal(node: Node) -> Any:
    """A YAML value as a plain Python literal."""
    return node.plain()
