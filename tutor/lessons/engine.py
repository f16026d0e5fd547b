"""The engine's own lesson vocabulary, and a course's on top of it, ready for a lesson to load.

The generic operations, views, setup kinds and step kinds register when their
modules are imported (into the engine's vocabulary: tutor.base.registry);
`lesson_vocabulary(course)` imports them, then the course's plugin and its
`@vocabulary` hooks, and returns the course's vocabulary.
"""

from __future__ import annotations

from tutor.base.registry import Vocabulary


def load_engine() -> None:
    """Import the engine's own vocabulary (once): generic ops, views, setups, step kinds."""
    from tutor.lessons import ops_arrays, setups, views_generic  # noqa: F401  (they register on import)
    from tutor.lessons.steps import basic, exercise, explore, expression, figure, predict, quiz, repeat  # noqa: F401


def lesson_vocabulary(course) -> Vocabulary:
    """Everything a lesson of `course` may name: the engine's vocabulary and the course plugin's."""
    from tutor.course import course_vocabulary

    load_engine()
    return course_vocabulary(course).load()
