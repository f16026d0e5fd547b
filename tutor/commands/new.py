"""`tutor new course DIR` and `tutor new lesson ID`: skeletons that validate and run.

The course skeleton is a folder with course.yaml, one lesson, data/ with a
small CSV and an empty exercises/ folder; the lesson skeleton loads the
course's data and shows, computes and checks one thing, so an author edits
something that already works. Nothing is ever overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from tutor.base.options import Argument, Option
from tutor.commands._common import course_option, echo, fail, resolve_course

if TYPE_CHECKING:
    import typer


def register(app: typer.Typer) -> None:
    import typer

    new_app = typer.Typer(help="Start a course or a lesson from a skeleton that validates and runs.",
                          no_args_is_help=True, add_completion=False)
    app.add_typer(new_app, name="new", rich_help_panel="Authors")
    new_app.command("course")(new_course)
    new_app.command("lesson")(new_lesson)


COURSE_YAML = """\
# The course: `tutor lessons --course {folder}` lists it; `tutor validate --course {folder}` checks it.
id: {id}
version: "0.1"
title: {title}
summary: One line that says what the learner will be able to do.
lessons:
  - {lesson}
exercises: []
"""

POINTS_CSV = """\
x,y
0,1
1,3
2,5
3,7
4,9
"""

LESSON_YAML = """\
id: {id}
title: {title}
summary: One line that says what this lesson shows.
setup:
  arrays:
    x: {{file: points.csv, column: 0}}
    y: {{file: points.csv, column: 1}}
  params:
    slope:
      type: float
      default: 2.0
      help: The slope of the line we try (change it with --set slope=3).
steps:
  - id: intro
    kind: text
    title: What this lesson is about
    text: |
      Write what the learner will see, in plain words. Names bound by the
      setup or by earlier steps can be quoted: there are {{x.size}} points.

  - id: the-data
    kind: show
    value: x
    view: vector
    text: "The inputs, read from data/points.csv:"

  - id: times-slope
    kind: compute
    op: multiply
    inputs: {{A: x, B: slope}}
    bind: sx
    text: "Each input times the slope {{slope:g}}:"
    show: [sx]

  - id: plus-one
    kind: compute
    op: add
    inputs: {{A: sx, B: 1}}
    bind: guess
    text: "Add 1 and compare with y:"
    show: [guess, y]

  - id: error
    kind: compute
    op: subtract
    inputs: {{A: guess, B: y}}
    bind: error
    text: "How far each guess is from y:"
    show: [error]

  - id: worst
    kind: compute
    op: max_abs
    inputs: {{A: error}}
    bind: worst_error
    text: "The largest miss: {{worst_error:g}}."

  - id: fits
    kind: check
    value: worst_error
    at_most: 1.0e-9
    label: "y = {{slope:g}} x + 1 fits every point"
    text: "`tutor ops` lists every operation and view a step can use."
"""


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _write_new(path: Path, text: str) -> None:
    if path.exists():
        fail(f"{path} already exists; nothing was written (choose another name)")
    path.write_text(text, encoding="utf-8")


def new_course(
    folder: Path = Argument(..., help="The folder to create (it must not exist, or be empty).", metavar="DIR"),
    title: Optional[str] = Option(None, "--title", help="The course's title (default: from the folder name)."),
) -> None:
    """Write a course skeleton: course.yaml, one lesson, data/points.csv, an exercises/ folder."""
    course_id = _slug(folder.resolve().name)
    if not course_id:
        fail(f"{folder} cannot name a course: use letters or numbers in the folder name")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        fail(f"{folder} already exists and is not an empty folder; nothing was written")
    for sub in ("lessons", "data", "exercises"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    name = title or course_id.replace("-", " ").capitalize()
    (folder / "course.yaml").write_text(COURSE_YAML.format(id=course_id, title=name, lesson="first-steps",
                                                           folder=folder), encoding="utf-8")
    (folder / "data" / "points.csv").write_text(POINTS_CSV, encoding="utf-8")
    (folder / "lessons" / "first-steps.yaml").write_text(LESSON_YAML.format(id="first-steps", title="First steps"),
                                                         encoding="utf-8")
    echo(f"wrote the course {course_id!r} in {folder}")
    echo(f"next: tutor validate --course {folder}   then   tutor learn --course {folder}")


def new_lesson(
    lesson_id: str = Argument(..., help="The new lesson's id (lowercase letters, numbers, dashes).", metavar="ID"),
    title: Optional[str] = Option(None, "--title", help="The lesson's title."),
    course: Optional[str] = course_option(),
) -> None:
    """Write a lesson skeleton into the course's lessons/ folder and add it to course.yaml's order."""
    from tutor.base.schema import ID_RE as LESSON_ID_RE

    if not LESSON_ID_RE.match(lesson_id):
        fail(f"{lesson_id!r} is not a lesson id (lowercase letters, numbers and dashes, like first-steps)")
    chosen = resolve_course(course)
    if chosen.bundled and course is None:
        fail("give the course to add the lesson to: --course DIR (the bundled course is not edited this way)")
    path = chosen.lesson_path(lesson_id)
    _write_new(path, LESSON_YAML.format(id=lesson_id, title=title or lesson_id.replace("-", " ").capitalize()))
    if not (chosen.data_dir / "points.csv").exists():
        chosen.data_dir.mkdir(parents=True, exist_ok=True)
        (chosen.data_dir / "points.csv").write_text(POINTS_CSV, encoding="utf-8")
    _append_to_order(Path(chosen.file), lesson_id)
    echo(f"wrote {path} and added {lesson_id!r} to {chosen.file}")


def _append_to_order(manifest: Path, lesson_id: str) -> None:
    """Add `  - lesson_id` to the `lessons:` list of course.yaml, keeping the rest of the file as it is."""
    lines = manifest.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("lessons:")), None)
    if start is None:
        lines += ["lessons:", f"  - {lesson_id}"]
    elif lines[start].strip() == "lessons: []":
        lines[start] = f"lessons:\n  - {lesson_id}"
    elif lines[start].rstrip().endswith("]"):  # lessons: [a, b]
        lines[start] = lines[start].rstrip()[:-1].rstrip() + f", {lesson_id}]"
    else:
        end = start + 1
        while end < len(lines) and (lines[end].startswith((" ", "\t", "-")) or not lines[end].strip()):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        lines.insert(end, f"  - {lesson_id}")
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
