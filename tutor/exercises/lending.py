"""What a check lends to the learner's code, and the record that lets one exercise load alone.

A check lends the checked code the course's helpers (tutor_helpers), less
the answers it must not see: which those are depends on every exercise's
function and helpers. `tutor check ID` should not have to load and check
every exercise of the course (building their test inputs: a data set, random
draws) to know it, so a whole load records those three facts of each exercise
in the header cache (tutor.base.cache), with the names, times and sizes of
the files they came from; loading one exercise (tutor.exercises.catalog) uses
the record while those files are unchanged.
"""

from __future__ import annotations

import os

from tutor.base.cache import cache


def lends_of(rows: list[tuple[str, str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
    """{exercise id: the helpers its check lends}, from (id, function, helpers) of every exercise of a
    course in file order (tutor.exercises.catalog.lending_rows): the course's helpers, less the answers
    the exercise must not see.

    The course's helpers are those its exercises hand to learners (every
    `helpers:` list); a helper registered only to be passed as an argument
    (a cost J given to a gradient checker) is not lent. An exercise's answer
    is its function; exercise B builds on A when B's stub imports A's function
    (and so on, transitively). Checking A lends every course helper except
    A's own answer and the answers of everything built on A.
    """
    functions = {ex_id: function for ex_id, function, _ in rows}
    answers = {function: ex_id for ex_id, function, _ in rows}
    users: dict[str, set[str]] = {ex_id: set() for ex_id, _, _ in rows}  # A -> the exercises whose helpers use A
    for ex_id, _, helpers in rows:
        for h in helpers:
            if h in answers and answers[h] != ex_id:
                users[answers[h]].add(ex_id)
    handed_out = list(dict.fromkeys(h for _, _, helpers in rows for h in helpers))
    out = {}
    for ex_id, function, helpers in rows:
        above, todo = set(), [ex_id]
        while todo:
            for u in users[todo.pop()] - above:
                above.add(u)
                todo.append(u)
        hidden = {function} | {functions[u] for u in above}
        out[ex_id] = tuple(dict.fromkeys([*helpers, *(n for n in handed_out if n not in hidden)]))
    return out


def _plugin_files(course) -> list[str]:
    """The source files of the course's plugin (a package: every .py file under it), to stamp."""
    from tutor.course import import_plugin

    module = import_plugin(course) if course is not None else None
    file = getattr(module, "__file__", None)
    if not file:
        return []
    if not hasattr(module, "__path__"):
        return [file]
    out, todo = [], [os.path.dirname(file)]
    while todo:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                if e.name != "__pycache__":
                    todo.append(e.path)
            elif e.name.endswith(".py"):
                out.append(e.path)
    return sorted(out)


def _stamp(course) -> list:
    """Names, times and sizes of the exercise files, the files beside them (references, variants) and the
    plugin's sources: while they hold, so does the record (and every exercise loads as it did)."""
    folder = course.exercises_dir
    try:
        names = sorted(e.path for e in os.scandir(folder)
                       if e.name.endswith((".yaml", ".py")) and not e.name.startswith("_"))
    except OSError:
        names = []
    stamp: list = []
    for p in [*names, *_plugin_files(course)]:
        try:
            st = os.stat(p)
        except OSError:
            continue
        stamp.append([p, st.st_mtime_ns, st.st_size])
    return stamp


def _entry_name(course) -> str:
    return f"lending:{course.exercises_dir.absolute()}:{course.plugin or ''}"


def record_lending(course, rows) -> None:
    """Remember (id, function, helpers) of every exercise of `course`, in file order, as a whole load found them."""
    if course is None:
        return
    c = cache()
    entry = {"key": _stamp(course), "rows": [[i, f, list(h)] for i, f, h in rows]}
    if c.entries.get(_entry_name(course)) != entry:
        c.entries[_entry_name(course)] = entry
        c.dirty = True
        c.save()


def recorded_lending(course) -> list[tuple[str, str, tuple[str, ...]]] | None:
    """The rows `record_lending` kept for `course`, or None when any file they depend on has changed."""
    if course is None:
        return None
    entry = cache().entries.get(_entry_name(course))
    if not isinstance(entry, dict) or entry.get("key") != _stamp(course):
        return None
    try:
        return [(str(i), str(f), tuple(str(h) for h in hs)) for i, f, hs in entry["rows"]]
    except (KeyError, TypeError, ValueError):
        return None  # an entry edited by hand: load the whole catalog again
