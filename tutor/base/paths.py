"""Where the bundled files live, installed or in a checkout.

A wheel carries `data/`, `lessons/` and `exercises/` (and the extra courses
of `courses/`) inside the package under `tutor/_bundled/`; an editable install or a checkout reads them from the
repository root. Both are looked up here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # the tutor package


def bundled(name: str) -> Path:
    """Path of a bundled folder: 'data', 'lessons' or 'exercises'."""
    inside = _PACKAGE / "_bundled" / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def shipped_course(name: str) -> Path:
    """Folder of a course that ships beside the bundled one (`courses/<name>` in a checkout)."""
    inside = _PACKAGE / "_bundled" / "courses" / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / "courses" / name


def data_dir() -> Path:
    return bundled("data")


def lessons_dir() -> Path:
    return bundled("lessons")


def exercises_dir() -> Path:
    return bundled("exercises")


def package_dir() -> Path:
    """The installed `tutor` package folder."""
    return _PACKAGE
