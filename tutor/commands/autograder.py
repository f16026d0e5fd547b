"""`tutor autograder build ID... -o autograder.zip` and `tutor autograder test ZIP SUBMISSION`.

Thin: the work is in tutor.grading.autograder (build, local run) and
tutor.grading.gradescope (what runs inside Gradescope).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from tutor.base.options import Argument, Option
from tutor.commands._common import course_option, echo, fail, resolve_course, stdout_console

if TYPE_CHECKING:
    import typer


def build(
    exercise_ids: list[str] = Argument(..., help="The exercises it grades (see `tutor exercises`)."),
    output: Path = Option(Path("autograder.zip"), "--output", "-o", help="The zip to write."),
    timeout: float = Option(10.0, "--timeout", min=0.5, help="Seconds each exercise's code may run."),
    memory_mb: int = Option(512, "--memory-mb", min=128, max=700, help="Memory each check may use, MB (Gradescope allows 768 in all)."),
    course: Optional[str] = course_option(),
) -> None:
    """Write a Gradescope autograder zip (setup.sh and run_autograder at its root) that installs this exact tutor."""
    from tutor.base.errors import TutorError
    from tutor.exercises.catalog import load_catalog
    from tutor.grading.autograder import build as build_zip
    from tutor.grading.discover import check_ids

    try:
        chosen = resolve_course(course)
        ids = check_ids(list(exercise_ids), load_catalog(chosen))
        if output.exists() and output.is_dir():
            raise TutorError(f"{output} is a folder; give the zip's file name")
        made = build_zip(ids, output, timeout=timeout, memory_mb=memory_mb, course=chosen)
    except TutorError as err:
        fail(err.message)
    except OSError as err:
        fail(f"cannot write {output}: {err.strerror or err}")
    out = stdout_console()
    out.print(f"Wrote {output}: grades {', '.join(ids)}; bundles {made['wheel']} and "
              f"{len(made['requirements'])} pinned dependencies.", highlight=False, markup=False, soft_wrap=True)
    out.print(f"Try it: tutor autograder test {output} SUBMISSION. Upload it as a Gradescope "
              "programming assignment's autograder (Ubuntu base image).", highlight=False, markup=False, soft_wrap=True)


def test(
    archive: Path = Argument(..., help="The autograder zip."),
    submission: Path = Argument(..., help="A submission: one .py file, a folder of them, or a zip (unpacked as Gradescope does)."),
    json_out: bool = Option(False, "--json", help="Print results.json itself."),
) -> None:
    """Run the autograder on a submission locally, as Gradescope would, and show the results."""
    import json

    from rich.table import Table
    from rich.text import Text

    from tutor.base.errors import TutorError
    from tutor.grading.autograder import GRADESCOPE_MEMORY_MB, test_zip

    if not archive.is_file():
        fail(f"there is no zip {archive}")
    try:
        run = test_zip(archive, submission)
    except TutorError as err:
        fail(err.message)
    doc = run["results"]
    if json_out:
        echo(json.dumps(doc, indent=1))
    else:
        out = stdout_console()
        table = Table(title=f"results.json: {doc.get('score', 0):g} points")
        for col in ("test", "score", "status", "visibility", "tags"):
            table.add_column(col)
        for t in doc.get("tests", []):
            table.add_row(Text(t["name"]), f"{t['score']:g}/{t['max_score']:g}", t["status"], t["visibility"],
                          Text(", ".join(t.get("tags", []))))
        out.print(table)
        out.print(Text(doc.get("output", "")))
        peak = f"{run['peak_mb']:.0f} MB" if run["peak_mb"] is not None else "not measured here"
        out.print(f"setup {run['setup_seconds']:.1f} s, run {run['run_seconds']:.1f} s, peak memory {peak} "
                  f"(Gradescope's default limit: {GRADESCOPE_MEMORY_MB} MB)", highlight=False, soft_wrap=True)
    if run["problems"]:
        fail("results.json does not follow Gradescope's schema: " + "; ".join(run["problems"]), code=1)


def register(app: typer.Typer) -> None:
    import typer

    autograder_app = typer.Typer(help="Make and try a Gradescope autograder for the exercises.", no_args_is_help=True)
    autograder_app.command("build")(build)
    autograder_app.command("test")(test)
    app.add_typer(autograder_app, name="autograder", rich_help_panel="Instructors")
