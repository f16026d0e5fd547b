"""The one place that loads the exercise side of a course's plugin.

Every catalog and check entry point calls `ensure_loaded(course)` first. It
imports the course's plugin (into the course's own vocabulary: see
tutor.course.course_vocabulary). A plugin that is a package may keep its
exercise registrations in an `exercises` subpackage, imported here and only
here, so a check does not pay for the course's lesson vocabulary; a file
plugin registers everything on import.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys


def ensure_loaded(course):
    """The vocabulary `course`'s exercises may name (None: the engine's alone), its plugin imported."""
    from tutor.course import course_vocabulary, import_plugin

    vocab = course_vocabulary(course)
    module = import_plugin(course) if course is not None else None
    if module is not None and hasattr(module, "__path__"):
        name = module.__name__ + ".exercises"
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    return vocab
