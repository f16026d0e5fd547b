"""The one place that loads the exercise side of a course's plugin.

Every catalog and check entry point calls `ensure_loaded()` first. It imports
the plugin of the course in use (set with `use_course`, else the default
course: `--course`, then $TUTOR_COURSE, then the bundled one). A plugin that
is a package may keep its exercise registrations in an `exercises`
subpackage, imported here and only here, so a check does not pay for the
course's lesson vocabulary; a file plugin registers everything on import.
"""

from __future__ import annotations

import importlib

_loaded: set[str] = set()
_course = None  # the tutor.course.Course in use; None: the default course


def use_course(course) -> None:
    """Load this course's exercise plugin from now on (None: the default course)."""
    global _course
    _course = course


def load(module_name: str) -> None:
    """Import a plugin module once; its decorators register what it provides."""
    if module_name not in _loaded:
        importlib.import_module(module_name)
        _loaded.add(module_name)


def ensure_loaded() -> None:
    from tutor.course import import_plugin, resolve_course

    module = import_plugin(_course if _course is not None else resolve_course(None))
    if module is None or not hasattr(module, "__path__"):
        return
    name = module.__name__ + ".exercises"
    if importlib.util.find_spec(name) is not None:
        load(name)
