"""Parsing Python source, one parse at a time in a process.

Several checks of a class run on threads at once (`tutor grade -j`), each
reading a learner's file and writing its helper module, and a lesson computes
ahead on a thread while the learner's typed expression is read. CPython 3.11's AST constructor keeps
a recursion counter that two threads can disturb for each other, and one of
them then fails with "SystemError: AST constructor recursion depth mismatch"
on an ordinary file. Parsing under one lock costs nothing measurable (a file
parses in well under a millisecond) and makes the verdict not depend on
which other file was being read at the same moment.
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str | bytes, filename: str = "<unknown>", mode: str = "exec") -> ast.AST:
    """`ast.parse(source, filename, mode)`, never at the same time as another thread's (raises what it raises)."""
    with _LOCK:
        return ast.parse(source, filename, mode)
