"""The one exception type a user ever sees as a message instead of a traceback.

Anything that goes wrong because of the user's input (a bad file, a bad
`--set`, an unknown lesson) raises `TutorError` with one clear sentence. The
CLI prints it to stderr and exits with its `exit_code` (2: a usage error).
"""

from __future__ import annotations


class TutorError(Exception):
    """A problem with the user's input, explained in one sentence."""

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class DataError(TutorError):
    """A data or weights file that cannot be used, with what is wrong with it."""
