"""The one place where grading calls the exercise checker.

`grade_one(exercise, path, ...)` checks one file against one exercise and
returns a plain record (a dict of JSON values) that every writer, the resume
state and the autograder read. Checks run isolated (bubblewrap) by default,
as graders' formats of `tutor check` do: `isolation` (or $TUTOR_ISOLATION)
may say auto or off instead.

A record:

    exercise, title, file (as shown), graded (bool), reason (None or why the
    file got no or zero points as a whole), score, max_score, passed,
    tests: [{name, passed, score, max_score, hidden, message}]  -- a hidden
        test's message is None: its inputs and expected values never leave here,
    mistakes: [{id, title, message}], feedback (the words `tutor check`
    prints, plain text, control characters escaped), seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

from tutor.grading.text import plain, safe

DEFAULT_TIMEOUT = 10.0  # the same limits as `tutor check`, so scores match it
DEFAULT_MEMORY_MB = 2048


def grade_one(exercise, path: Path | str, *, display: str | None = None, timeout: float = DEFAULT_TIMEOUT,
              memory_mb: int = DEFAULT_MEMORY_MB, isolation: str | None = None, sandbox=None) -> dict:
    """Check `path` against `exercise`; never raises for anything the file does.

    isolation: strict (the default: refuse to run unisolated), auto or off.
    sandbox: a warm tutor.exercises.server.Server to run in; used only when it
    was started with the same isolation mode (else a fresh one is started).
    """
    from tutor.base.errors import TutorError
    from tutor.exercises.check import check_file
    from tutor.exercises.isolation import mode_from_env
    from tutor.exercises.report import render_text

    started = time.perf_counter()
    shown = display or str(path)
    try:
        mode = isolation or mode_from_env("strict")
        warm = sandbox if sandbox is not None and sandbox.mode == mode else None
        result = check_file(exercise, path, timeout=timeout, memory_mb=memory_mb, isolation=mode, sandbox=warm)
    except TutorError as err:
        return not_graded(exercise, shown, err.message, seconds=time.perf_counter() - started)
    except Exception as err:  # a checker bug must cost one row, not the class
        return not_graded(exercise, shown, f"the checker failed on this file ({type(err).__name__}: {err})",
                          seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    result.file = shown  # the feedback names the file as the class folder has it
    return {
        "exercise": exercise.id,
        "title": exercise.title,
        "file": safe(shown, newlines=False),
        "graded": True,
        "reason": safe(result.problem) if result.problem else None,
        "score": result.score,
        "max_score": result.max_score,
        "passed": result.passed,
        "tests": [{
            "name": t.name,
            "passed": t.passed,
            "score": t.score,
            "max_score": t.max_score,
            "hidden": t.hidden,
            "message": None if t.hidden else safe(t.message),
        } for t in result.tests],
        "mistakes": [{"id": d.id, "title": d.title, "message": d.message} for d in result.diagnoses],
        "feedback": safe(plain(render_text(result))),
        "seconds": round(seconds, 3),
    }


def not_graded(exercise, shown: str, reason: str, *, seconds: float = 0.0) -> dict:
    """A row for a file that could not be checked at all, saying why."""
    reason = safe(reason)
    known = not isinstance(exercise, str)  # an Exercise, or just an id (or "") when none is known
    return {
        "exercise": exercise.id if known else (exercise or None),
        "title": exercise.title if known else "",
        "file": safe(shown, newlines=False),
        "graded": False,
        "reason": reason,
        "score": 0.0,
        "max_score": float(exercise.max_score) if known else 0.0,
        "passed": False,
        "tests": [],
        "mistakes": [],
        "feedback": f"This file was not graded: {reason}\n",
        "seconds": round(seconds, 3),
    }
