"""The screens a person opens most: `tutor` alone (the welcome) and `tutor lessons`.

They list the course from lesson headers (tutor.lessons.headers: the top of
each YAML file, cached while the file is unchanged), never building a step,
so neither numpy nor the course's plugin is imported. Nothing here imports
typer either: tutor.cli runs these two screens without building the app.
"""

from __future__ import annotations

from tutor.commands._common import resolve_course, stderr_console, stdout_console


def lesson_rows(course=None):
    """([{id, title, summary, steps, status, available, questions, exercises}] in course order, warnings).

    questions: {"right", "asked"}: the lesson's questions (quizzes and typed
    expressions) answered right without the answer being shown, of all it asks.
    exercises: {"passed", "total"}: its exercises passed, of those its steps send to.
    """
    from tutor.lessons.headers import lesson_header
    from tutor.progress import ProgressStore, exercise_status

    course = course or resolve_course(None)
    store = ProgressStore()
    records = store.records("lessons", course=course.id)
    exercise_records = store.records("exercises", course=course.id)
    rows = []
    for lesson_id in course.lesson_ids():
        path = course.lesson_path(lesson_id)
        record = records.get(lesson_id, {})
        if not path.is_file():
            rows.append(dict(id=lesson_id, title="", summary="", steps=None, status="not available", available=False))
            continue
        header = lesson_header(path)
        if header.problem is not None:
            rows.append(dict(id=lesson_id, title="", summary="", steps=None, status="broken (tutor validate)",
                             available=False))
            continue
        n = record.get("steps") or header.steps
        if record.get("completed"):
            status = "done"
        elif record:
            status = f"step {int(record.get('step', 0)) + 1} of {n}"
        else:
            status = "not started"
        answers = (record.get("quizzes") or {}).values()
        right = sum(1 for a in answers if isinstance(a, dict) and a.get("right") and not a.get("revealed"))
        passed = sum(1 for e in header.exercises if exercise_status(exercise_records.get(e, {})) == "passed")
        rows.append(dict(id=lesson_id, title=header.title, summary=header.summary, steps=header.steps,
                         status=status, available=True,
                         questions={"right": right, "asked": header.questions},
                         exercises={"passed": passed, "total": len(header.exercises)}))
    return rows, store.warnings


def _score(part: int | None, whole: int | None) -> str:
    return "-" if not whole else f"{part}/{whole}"


def shows_scores(rows, width: int) -> bool:
    """Whether the question and exercise scores fit beside every lesson's title on one line at this width."""
    cells = [(str(len(rows)), r["id"], r["title"] or "-", r["status"]) for r in rows]
    widest = [max([len(h)] + [len(c[k]) for c in cells]) for k, h in enumerate(("#", "lesson", "title", "progress"))]
    # every column is padded by one cell on each side; "right" and "exercises" are at most 5 and 9 wide
    return sum(widest) + 5 + 9 + 2 * 6 <= width


def lessons_table(rows, width: int = 80):
    """The lessons as a table, one line each; with each lesson's question and exercise scores where they fit."""
    from rich.table import Table

    scores = shows_scores(rows, width)
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    table.add_column("#", justify="right", style="dim")
    table.add_column("lesson", style="bold cyan", no_wrap=True)
    table.add_column("title", ratio=1)
    table.add_column("progress", no_wrap=True)
    if scores:
        table.add_column("right", justify="right", no_wrap=True)  # questions answered right / asked
        table.add_column("exercises", justify="right", no_wrap=True)
    for k, r in enumerate(rows, start=1):
        style = {"done": "green", "not started": "", "not available": "dim"}.get(r["status"], "yellow")
        cells = [str(k), r["id"], r["title"] or "-", f"[{style}]{r['status']}[/]" if style else r["status"]]
        if scores:
            q, e = r.get("questions") or {}, r.get("exercises") or {}
            cells += [_score(q.get("right"), q.get("asked")), _score(e.get("passed"), e.get("total"))]
        table.add_row(*cells)
    return table


def next_lesson(rows):
    """(row, 'Continue' | 'Start') of the lesson to take next, or (None, None) when all are done."""
    started = [r for r in rows if r["available"] and r["status"].startswith("step")]
    if started:
        return started[0], "Continue"
    fresh = [r for r in rows if r["available"] and r["status"] == "not started"]
    if fresh:
        return fresh[0], "Start"
    return None, None


def _course_flag(course) -> str:
    from tutor.course import course_flag

    return course_flag(course)


def show_lessons(as_json: bool = False, course_ref: str | None = None) -> None:
    """`tutor lessons`: the course's lessons in order, with your progress."""
    rows, warnings = lesson_rows(resolve_course(course_ref))
    for w in warnings:
        stderr_console().print(f"warning: {w}")
    if as_json:
        import json

        print(json.dumps({"lessons": rows}, indent=1))
        return
    console = stdout_console()
    console.print(lessons_table(rows, console.width))


def welcome(course_ref: str | None = None) -> None:
    """The screen `tutor` shows alone: the course, your progress, what to do next."""
    from rich.text import Text

    console = stdout_console()
    course = resolve_course(course_ref)
    rows, warnings = lesson_rows(course)
    for w in warnings:
        stderr_console().print(f"warning: {w}")
    title = f"tutor: {course.title}" + (f" ({course.summary.rstrip('.')})" if course.summary and len(course.summary) < 40 else "")
    console.print(Text(title, style="bold magenta"))
    console.print()
    console.print(lessons_table(rows, console.width))
    if shows_scores(rows, console.width):
        console.print(Text("right: questions you answered right, of those asked; exercises: passed, of the lesson's",
                           style="dim"))
    console.print()
    nxt, verb = next_lesson(rows)
    flag = _course_flag(course)
    if nxt:
        console.print(Text.assemble((f"{verb}: ", "bold"), (f"tutor learn {nxt['id']}{flag}", "bold cyan"),
                                    f"  ({nxt['title']})"))
    else:
        console.print(Text(f"You have finished every lesson. `tutor exercises{flag}` has self-check exercises.",
                           style="bold"))
    more = [f"tutor lessons{flag}", f"tutor exercises{flag}", f"tutor demo ID{flag}", "tutor courses", "tutor --help"]
    for line in _fold("More: ", more, console.width):  # broken between commands, never inside one
        console.print(Text(line, style="dim"), no_wrap=True, overflow="ellipsis")


def _fold(head: str, items: list[str], width: int) -> list[str]:
    """`head` then the items joined by ' · ', in lines of at most `width` cells, broken only between items."""
    lines, line = [], head + items[0]
    for item in items[1:]:
        if len(line) + 3 + len(item) > width:
            lines.append(line)
            line = " " * len(head) + item
        else:
            line += " · " + item
    return lines + [line]
