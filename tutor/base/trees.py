"""Lesson files as parsed node trees, kept between runs.

Reading a lesson safely (tutor.base.yamlsafe) needs PyYAML, about 11 ms to import,
and its composer, a few ms more per file: a tenth of a whole `tutor export`
or of the first screen of a lesson. What comes out is plain data with line
marks, so it is kept as JSON in the cache folder ($TUTOR_HOME/cache/trees,
one file per lesson file), valid while the file's modification time (ns) and
size are the recorded ones and written by this version of the tutor. A file
that is refused is never kept: it is read, and refused with its line, every
time. A kept tree that cannot be read is ignored and written again; one that
cannot be written costs only the parsing next time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from tutor.base.errors import LessonError
from tutor.base.yamlsafe import Node, YamlProblem, parse, read_text

FORMAT = 1  # bump when the encoding below changes


def _stamp() -> str:
    from tutor.base.version import __version__

    return f"{FORMAT}/{__version__}"


def _encode(node: Node) -> list:
    v = node.value
    if isinstance(v, dict):
        return ["m", node.line, node.column,
                [[k, *node.keys[k], _encode(child)] for k, child in v.items()]]
    if isinstance(v, list):
        return ["l", node.line, node.column, [_encode(child) for child in v]]
    return ["s", node.line, node.column, v]


def _decode(doc: list) -> Node:
    kind, line, column, body = doc
    if kind == "m":
        return Node({k: _decode(child) for k, _, _, child in body}, line, column,
                    {k: (kl, kc) for k, kl, kc, _ in body})
    if kind == "l":
        return Node([_decode(child) for child in body], line, column)
    if kind != "s" or isinstance(body, (dict, list)):
        raise ValueError("not a kept tree")
    return Node(body, line, column)


def _kept_file(path: Path) -> Path:
    from tutor.base.cache import cache_dir

    name = hashlib.sha1(str(path.absolute()).encode()).hexdigest()[:24]
    return cache_dir() / "trees" / f"{name}.json"


def read_tree(path: Path) -> Node:
    """The node tree of a YAML file: from the cache while the file is unchanged.

    Raises YamlProblem exactly as tutor.base.yamlsafe does for a file it refuses.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError:
        return parse(read_text(path))  # yamlsafe says what is wrong with the file
    key = [st.st_mtime_ns, st.st_size]
    where = str(path.absolute())
    kept = _kept_file(path)
    try:
        doc = json.loads(kept.read_text(encoding="utf-8"))
        if doc["stamp"] == _stamp() and doc["path"] == where and doc["key"] == key:
            return _decode(doc["tree"])
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        pass  # missing, damaged or of another version: parse and keep again
    node = parse(read_text(path))
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"stamp": _stamp(), "path": where, "key": key, "tree": _encode(node)}),
                       encoding="utf-8")
        os.replace(tmp, kept)
    except (OSError, ValueError):  # a read-only home; a value JSON cannot hold
        pass
    return node


def read_node(path: Path) -> Node:
    """A YAML file as a node tree; a syntax problem is a LessonError at its line.

    Kept between runs while the file is unchanged (read_tree).
    """
    try:
        return read_tree(path)
    except YamlProblem as err:
        raise LessonError(err.what, file=str(path), line=err.line, column=err.column) from None
