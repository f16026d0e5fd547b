"""`check("sigmoid-gradient", sigmoid_gradient)`: grade a notebook function like `tutor check`.

The function's source (read with `inspect.getsource`, which IPython makes
work for functions defined in cells) or a source string is written, after the
stub's import lines, to a private temporary file; the very checker behind
`tutor check` grades that file in its sandbox; the report is the terminal's,
shown as rich HTML; and the result is recorded in the same progress store, so
`tutor exercises` shows a notebook pass as a pass.
"""

from __future__ import annotations

import inspect
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from tutor.notebook import adapters
from tutor.notebook.display import show
from tutor.notebook.session import Quiet, error_line, note_line

WHERE = "from your notebook"  # in place of the file name in the report


def source_of(exercise, code: Any) -> str:
    """The file to grade: the stub's imports, then the learner's code, with the expected name."""
    if callable(code):
        try:
            text = inspect.getsource(code)
        except (OSError, TypeError):
            raise ValueError(f"cannot read the source of {getattr(code, '__name__', code)!r}; "
                             "pass the cell's text instead: check(ID, '''def ...''')") from None
        name = getattr(code, "__name__", exercise.function)
    elif isinstance(code, str):
        text, name = code, exercise.function
    else:
        raise ValueError(f"check takes your function (or its source as a string), not {type(code).__name__}")
    text = textwrap.dedent(text)
    from tutor.exercises.stubs import helper_import

    # the same imports the stub has (its helpers too), so code written against the stub runs as it is
    lines = [*exercise.imports, *helper_import(exercise), "", "", text.rstrip(), ""]
    if name != exercise.function and name.isidentifier():
        lines.append(f"{exercise.function} = {name}  # the name the tests call")
    return "\n".join(lines) + "\n"


def check(exercise_id: str, code: Any, *, timeout: float = 10.0, memory_mb: int = 2048, record: bool = True,
          course: str | None = None) -> Quiet:
    """Grade `code` (a function or its source) against the exercise's tests and show the report.

    Returns an object with `passed`, `score`, `max_score` and `result` (the
    checker's CheckResult); the report itself is displayed. With record
    (the default), the check counts in your progress as `tutor check` would.
    course: the course's folder or id, like `--course` (None: the default course).
    """
    from tutor.base.errors import TutorError
    from tutor.notebook.display import one_line_errors

    one_line_errors()
    try:
        chosen = adapters.resolve(course)
        exercise = adapters.get_exercise(exercise_id, chosen)
        source = source_of(exercise, code)
    except TutorError as err:
        show(error_line(err.message))
        return Quiet(passed=False, score=0.0, max_score=0.0, result=None)
    except ValueError as err:
        show(error_line(str(err)))
        return Quiet(passed=False, score=0.0, max_score=0.0, result=None)
    folder = Path(tempfile.mkdtemp(prefix="tutor-notebook-"))
    try:
        path = folder / f"{exercise.id}.py"
        path.write_text(source, encoding="utf-8")
        try:
            result = adapters.check_file(exercise, path, timeout=timeout, memory_mb=memory_mb)
        except TutorError as err:
            show(error_line(err.message))
            return Quiet(passed=False, score=0.0, max_score=0.0, result=None)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result.file = WHERE
    notes = []
    if record:
        store = adapters.progress_store()
        try:
            adapters.record_check(store, result, chosen)
        except OSError as err:
            notes.append(note_line(f"This check could not be saved to your progress: {err}"))
        notes += [note_line(f"warning: {w}") for w in store.warnings]
    if not result.passed:  # the report names the terminal's command; here it is a call
        arg = "" if course is None else f", course={course!r}"
        notes.append(note_line(f"In this notebook: hint({exercise.id!r}{arg}) gives the next hint."))
    show(adapters.render_report(result), *notes)
    return Quiet(passed=result.passed, score=result.score, max_score=result.max_score, result=result)


def hint(exercise_id: str, *, course: str | None = None) -> None:
    """The exercise's next hint, counted with the terminal's `tutor hint` (course: like `--course`)."""
    from tutor.base.errors import TutorError

    try:
        chosen = adapters.resolve(course)
        exercise = adapters.get_exercise(exercise_id, chosen)
    except TutorError as err:
        show(error_line(err.message))
        return
    store = adapters.progress_store()
    key = adapters.course_key(chosen)
    shown = int(store.exercise(exercise.id, course=key).get("hints_shown", 0))
    n = min(shown + 1, len(exercise.hints))
    store.update_exercise(exercise.id, course=key, hints_shown=n)
    from tutor.lessons.context import LessonText

    show(*[LessonText(f"**Hint {i + 1} of {len(exercise.hints)}:** {exercise.hints[i]}") for i in range(n)])


def provide_helpers(*exercise_ids: str, course: str | None = None) -> None:
    """Make a stub cell's `from tutor_helpers import ...` work in this kernel.

    A check writes the helpers an exercise lends into its own private folder;
    here the same functions become the module `tutor_helpers`, so the stub can
    be run (and tried out) in the notebook before it is checked.
    """
    import sys
    import types

    from tutor.exercises.stubs import HELPERS_MODULE, module_source

    chosen = adapters.resolve(course)
    functions: dict = {}
    for exercise_id in exercise_ids:
        functions.update(adapters.get_exercise(exercise_id, chosen).stub_helpers())
    if not functions:
        return
    module = sys.modules.get(HELPERS_MODULE) or types.ModuleType(HELPERS_MODULE)
    exec(compile(module_source(functions), f"<{HELPERS_MODULE}>", "exec"), module.__dict__)  # the course's own helpers
    sys.modules[HELPERS_MODULE] = module


def stub(exercise_id: str, *, course: str | None = None) -> str:
    """The exercise's stub (the imports and the function to fill in), as notebook code."""
    exercise = adapters.get_exercise(exercise_id, adapters.resolve(course))
    return stub_cell(exercise)


def stub_cell(exercise) -> str:
    """The stub minus its terminal instructions (the notebook gives its own)."""
    lines = adapters.stub_source(exercise).splitlines()
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).strip("\n")
