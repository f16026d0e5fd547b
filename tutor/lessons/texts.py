"""Lesson text with `{name}` placeholders: reading it and checking the names it uses."""

from __future__ import annotations

from tutor.base.schema import Reader, Scope, Where
from tutor.lessons.placeholders import malformed_in, names_in


def require_text_names(text: str | None, where: Where, scope: Scope, condition: str | None) -> None:
    """Every `{name}` in `text` must be bound, and written in a supported form."""
    for bad in malformed_in(text or ""):
        raise where.error(
            f"the placeholder {bad} is not supported: write {{name}}, {{name.shape}}, {{name.size}} "
            "or {name:.4f} (and {{ }} for literal braces)"
        )
    for name in names_in(text or ""):
        scope.require(name, where, condition, what="placeholder")


def parse_text(r: Reader, key: str, scope: Scope, condition: str | None, required: bool = False) -> str | None:
    """The text under `key`, its placeholders checked against the names bound so far."""
    text = r.str(key, required=required)
    require_text_names(text, r.where(key), scope, condition)
    return text
