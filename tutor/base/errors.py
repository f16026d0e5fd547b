"""The exceptions a user sees as a one-line message instead of a traceback.

Anything that goes wrong because of the user's input (a bad file, a bad
`--set`, an unknown lesson) raises `TutorError` with one clear sentence. The
CLI prints it to stderr and exits with its `exit_code` (2: a usage error).

LessonError: a broken lesson (or manifest, or exercise file), said in one line
that names the file, the line and column (where known), the key path inside
the document (`steps[3].kind`) and what was expected; `did_you_mean` turns
near misses into suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable


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

def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """"; did you mean 'x'?" for the closest choice, or "" when none is close."""
    import difflib  # here: every command imports this module, few make a suggestion

    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class LessonError(TutorError):
    """A lesson (or manifest) that cannot be used, located as precisely as we can.

    `problems` holds every problem found (the message shows the first and how
    many more); `tutor validate` prints them all.
    """

    def __init__(
        self,
        what: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
        problems: list[LessonError] | None = None,
    ) -> None:
        self.what = what
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.problems = problems if problems else [self]
        message = self.locate()
        extra = len(self.problems) - 1
        if extra > 0:
            message += f" (and {extra} more problem{'s' if extra > 1 else ''}; run `tutor validate` to see all)"
        super().__init__(message)

    def locate(self) -> str:
        """`file:line:col: key.path: what` with the parts that are known."""
        where = ""
        if self.file:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        path = self.path if not self.path or self.path.isprintable() else repr(self.path)  # keep one line
        key = f"{path}: " if path else ""
        return f"{where}{key}{self.what}"

    @classmethod
    def collect(cls, problems: list[LessonError]) -> LessonError:
        """One error carrying several problems (the first is the message)."""
        first = problems[0]
        return cls(first.what, file=first.file, line=first.line, column=first.column, path=first.path, problems=problems)
