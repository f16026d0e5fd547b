"""The file a learner starts from: docstring with shapes, a TODO, nothing else.

The stub's function raises NotImplementedError (or returns a placeholder
that fails every test), so a fresh stub always scores 0.
"""

from __future__ import annotations

import textwrap


def stub_source(exercise) -> str:
    body = exercise.placeholder.rstrip() or (
        f"# TODO: write {exercise.function}\n"
        f'raise NotImplementedError("{exercise.function} is not written yet")'
    )
    doc = textwrap.indent(exercise.docstring.strip() + "\n", "    ")
    lines = [
        f"# Exercise {exercise.id}: {exercise.title}",
        f"# Write the function below, save, then run:  tutor check {exercise.id}",
        f"# Stuck? `tutor hint {exercise.id}` shows one hint at a time.",
        "",
        *exercise.imports,
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


def reference_source(exercise) -> str:
    """A file whose function is the reference itself (for validation)."""
    module, _, name = exercise.reference_path.rpartition(".")
    alias = "" if name == exercise.function else f" as {exercise.function}"
    return f"from {module} import {name}{alias}\n"
