"""The file a learner starts from: docstring with shapes, a TODO, nothing else.

The stub's function raises NotImplementedError (or returns a placeholder
that fails every test), so a fresh stub always scores 0. The helpers the
exercise offers are imported from `tutor_helpers`, a module the checker
writes beside the code it runs; the tutor package itself is never imported.
"""

from __future__ import annotations

import textwrap
import threading
from functools import lru_cache

from tutor.base.pyparse import parse as parse_python

HELPERS_MODULE = "tutor_helpers"


def module_source(functions: dict) -> str:
    """A module made of the given functions' own source, decorators dropped: {name: function} -> text.

    The checker sends it with every check as the module tutor_helpers (the
    child imports it from memory); `tutor exercise start` writes one beside
    the stubs, so a learner can also run their file directly.
    """
    parts = ['"""Helpers for the exercises, copied by the tutor (numpy only)."""\n', "import numpy as np\n"]
    parts += [function_source(name, fn) for name, fn in functions.items()]
    return "".join(parts)


@lru_cache(maxsize=256)
def function_source(name: str, fn) -> str:
    """One function's own source as `name`, decorators dropped (kept: every check of a class sends the same).

    Also kept between runs, in the header cache (tutor.base.cache) under the
    function's file while that file is unchanged: finding a function's end
    means tokenizing it, about 2 ms a helper of every `tutor check`.
    """
    import inspect

    try:
        path = inspect.getsourcefile(inspect.unwrap(fn))
    except (TypeError, ValueError):
        path = None
    if not path:
        return _function_source(name, fn)  # says why it cannot, as it always did
    from pathlib import Path

    from tutor.base.cache import cache

    code = getattr(inspect.unwrap(fn), "__code__", None)
    kind = f"source:{name}:{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', '')}:{getattr(code, 'co_firstlineno', 0)}"
    with _KEEPING:  # a class is graded from several threads; the cache is one dict and one file
        return cache().get(Path(path), kind, lambda _path: _function_source(name, fn))


_KEEPING = threading.Lock()


def _function_source(name: str, fn) -> str:
    import ast
    import inspect

    src = textwrap.dedent(inspect.getsource(fn))
    node = parse_python(src).body[0]
    node.decorator_list = []
    node.name = name
    return "\n\n" + ast.unparse(node) + "\n"


def helper_import(exercise) -> list[str]:
    return [f"from {HELPERS_MODULE} import {', '.join(exercise.helpers)}"] if exercise.helpers else []


def stub_source(exercise, *, flag: str = "") -> str:
    """The stub a learner fills in. flag: options the commands need (e.g. ` --course DIR`)."""
    body = exercise.placeholder.rstrip() or (
        f"# TODO: write {exercise.function}\n"
        f'raise NotImplementedError("{exercise.function} is not written yet")'
    )
    doc = textwrap.indent(exercise.docstring.strip() + "\n", "    ")
    lines = [
        f"# Exercise {exercise.id}: {exercise.title}",
        f"# Write the function below, save, then run:  tutor check {exercise.id}{flag}",
        f"# Stuck? `tutor hint {exercise.id}{flag}` shows one hint at a time.",
        "",
        *exercise.imports,
        *helper_import(exercise),
        "",
        "",
        f"def {exercise.signature}:",
        '    """',
        doc.rstrip("\n"),
        '    """',
        textwrap.indent(body, "    "),
        "",
    ]
    return "\n".join(lines)
