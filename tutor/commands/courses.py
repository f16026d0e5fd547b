"""Author commands: `tutor courses` (what is available) and `tutor ops` (the vocabulary).

Thin: courses are found by tutor.course, the vocabulary is read from the
registries (tutor.lessons.registry), so these lists cannot drift from what
the loader accepts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from tutor.base.options import Option
from tutor.commands._common import course_option, echo, fail, resolve_course, stdout_console

if TYPE_CHECKING:
    import typer


def register(app: typer.Typer) -> None:
    """Add the authors' commands to the root app."""
    app.command("courses", rich_help_panel="Authors")(courses)
    app.command("ops", rich_help_panel="Authors")(ops)
    from tutor.commands import new

    new.register(app)


def courses(as_json: bool = Option(False, "--json", help="Print the list as JSON.")) -> None:
    """The courses you can take: the bundled one, $TUTOR_COURSE's, and installed ones (entry point tutor.courses)."""
    from tutor.course import available_courses
    from tutor.course import resolve_course as default_course
    from tutor.progress import ProgressStore

    found = available_courses()
    default = default_course(None)
    store = ProgressStore()
    rows = []
    for c in found:
        done = store.records("lessons", course=c.id)
        finished = sum(1 for i in c.lessons if done.get(i, {}).get("completed"))
        rows.append(dict(id=c.id, title=c.title, version=c.version, lessons=len(c.lessons), finished=finished,
                         folder=str(c.root), origin=c.origin, default=c.file == default.file))
    if as_json:
        import json

        echo(json.dumps({"courses": rows}, indent=1))
        return
    from rich.table import Table

    table = Table(box=None, padding=(0, 1), header_style="bold")
    for name in ("", "course", "title", "version", "lessons", "from"):
        table.add_column(name, no_wrap=name in ("course", "version"), overflow="fold")
    for r in rows:
        table.add_row("*" if r["default"] else "", r["id"], r["title"], r["version"],
                      f"{r['finished']}/{r['lessons']} done", r["origin"])
    console = stdout_console()
    console.print(table)
    console.print("* the default course. Another: --course ID|DIR on any command, or TUTOR_COURSE=ID|DIR. "
                  "Folders: tutor courses --json.", style="dim", highlight=False)


def ops(
    course: Optional[str] = course_option(),
    as_json: bool = Option(False, "--json", help="Print the operations and views as JSON."),
) -> None:
    """Every operation, view, setup kind and step kind a lesson can use (the course's plugin's included)."""
    chosen = resolve_course(course)
    from tutor.base.errors import TutorError
    from tutor.lessons.engine import lesson_vocabulary

    try:
        vocab = lesson_vocabulary(chosen)
    except TutorError as err:
        fail(err.message)
    OPERATIONS, SETUPS, VIEWS, STEP_KINDS = vocab.operations, vocab.setups, vocab.views, vocab.step_kinds  # noqa: N806

    if as_json:
        import json

        echo(json.dumps({
            "operations": {n: {"signature": o.signature(), "outputs": list(o.outputs), "doc": o.doc}
                           for n, o in sorted(OPERATIONS.items())},
            "views": {n: {"signature": v.signature(), "doc": v.doc} for n, v in sorted(VIEWS.items())},
            "setups": {n: _first_line(k) for n, k in sorted(SETUPS.items())},
            "steps": {n: _first_line(k) for n, k in sorted(STEP_KINDS.items())},
        }, indent=1))
        return
    from rich.text import Text

    from tutor.lessons.validate import list_operations

    console = stdout_console()
    console.print(list_operations(chosen))
    console.print()
    console.print(Text("Setup kinds: " + "; ".join(f"{n} ({_first_line(k)})" for n, k in sorted(SETUPS.items()))))
    console.print(Text("Step kinds: " + ", ".join(sorted(STEP_KINDS))))


def _first_line(obj) -> str:
    import inspect

    doc = inspect.getdoc(obj if isinstance(obj, type) else type(obj)) or ""
    return doc.splitlines()[0] if doc else ""
