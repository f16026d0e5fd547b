"""The course in Jupyter: lessons as notebooks, quizzes and checks inside them.

    from tutor.notebook import open_lesson, quiz, check
    lesson = open_lesson("forward-pass")
    lesson.show("add-bias", a1=a1)                        a step's views of your values
    quiz("forward-pass", "bias-quiz", answer=1)          ask and check a question
    check("sigmoid-gradient", sigmoid_gradient)          grade a function as `tutor check` does

`tutor export ID --format ipynb` writes a lesson as a notebook built from
these calls; `%load_ext tutor` then `%tutor learn ID` steps through a lesson
in place. Names are imported on first use, so `import tutor.notebook` stays
cheap.
"""

from __future__ import annotations

from typing import Any

_NAMES = {
    "open_lesson": "tutor.notebook.session",
    "quiz": "tutor.notebook.session",
    "answer": "tutor.notebook.session",
    "NotebookLesson": "tutor.notebook.session",
    "check": "tutor.notebook.checks",
    "hint": "tutor.notebook.checks",
    "stub": "tutor.notebook.checks",
    "provide_helpers": "tutor.notebook.checks",
    "show": "tutor.notebook.display",
    "Rich": "tutor.notebook.display",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'tutor.notebook' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
