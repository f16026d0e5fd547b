"""The one place that loads the exercise side of course plugins.

Until the course loader exists, the bundled course's plugin is imported here;
every catalog and check entry point calls `ensure_loaded()` first. The course
loader replaces `_MODULES` (or calls `load(module_name)`) and nothing else
changes.
"""

from __future__ import annotations

import importlib

# The one line the course loader replaces: the bundled course's exercise plugin.
_MODULES = ["tutor.courses.backprop.exercises"]
_loaded: set[str] = set()


def load(module_name: str) -> None:
    """Import a plugin module once; its decorators register what it provides."""
    if module_name not in _loaded:
        importlib.import_module(module_name)
        _loaded.add(module_name)


def ensure_loaded() -> None:
    for name in _MODULES:
        load(name)
