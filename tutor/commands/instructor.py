"""Instructor commands: `tutor play`, `tutor figure`, `tutor export`.

Thin wrappers: the play table is computed in `tutor.play`, the slide figures
in `tutor.figures`, the handouts in `tutor.export`. Heavy modules are imported
inside each command so `tutor --help` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from tutor.commands._common import fail, stderr_console, stdout_console
from tutor.errors import TutorError

FIGURES = ("digits", "hidden", "cost", "boundary", "confusion")
EXPORT_FORMATS = ("html", "svg", "md", "txt", "ipynb")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("play", rich_help_panel="Instructors")(play)
    app.command("figure", rich_help_panel="Instructors")(figure)
    app.command("export", rich_help_panel="Instructors")(export)


# --------------------------------------------------------------------- play


def play(
    dataset: str = typer.Option("digits", "--dataset", "-d", help="digits, moons, or a .mat/.npz/.csv file."),
    cases: str = typer.Option(
        "10:0.5,10:100,10:1000,30:1,200:0", "--cases", "-c",
        help="Comma-separated maxiter:lambda pairs, one table row each.",
    ),
    hidden: int = typer.Option(25, "--hidden", help="Hidden units (one hidden layer).", min=1),
    seed: int = typer.Option(0, "--seed", help="Seed of the train/test split and the starting weights."),
    test_fraction: float = typer.Option(
        0.2, "--test-fraction", help="Share of the examples held out for the test accuracy (0 < F < 1).",
    ),
    as_json: bool = typer.Option(
        False, "--json", help='Print {"cases": [...]} on stdout (progress goes to stderr).',
    ),
) -> None:
    """Train several (maxiter, lambda) cases and compare cost, training and held-out accuracy.

    Every case starts from the same seeded weights and trains with conjugate
    gradients on the same training split, so the table shows what the
    iteration count and lambda change: overfitting and over-regularization.
    """
    try:
        from tutor.play import parse_cases

        case_list = parse_cases(cases)
        if not 0.0 < test_fraction < 1.0:
            raise TutorError(f"--test-fraction must be between 0 and 1 (exclusive), not {test_fraction:g}")
        table = _run_play_with_progress(dataset, case_list, hidden, seed, test_fraction, as_json)
    except TutorError as err:
        fail(err.message)
    if as_json:
        typer.echo(json.dumps(table.as_json(), indent=2))
        return
    _print_play_table(table)


def _run_play_with_progress(dataset, case_list, hidden, seed, test_fraction, as_json):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tutor.datasets import load_dataset, train_test_split
    from tutor.play import run_play

    ds = load_dataset(dataset)
    train_set, test_set = train_test_split(ds, test_fraction=test_fraction, seed=seed)
    if train_set.m == 0 or test_set.m == 0:
        raise TutorError(f"--test-fraction {test_fraction:g} leaves no examples on one side of the split")
    total = sum(c.maxiter for c in case_list)
    # Progress goes to stderr always, so stdout carries only the table or the JSON.
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=stderr_console(),
    )
    done_before = [0]  # iterations of the finished cases

    def on_progress(index, case, iteration, cost):
        if iteration == 0 and index > 0:
            done_before[0] += case_list[index - 1].maxiter
        progress.update(
            task,
            completed=done_before[0] + min(iteration, case.maxiter),
            description=f"case {index + 1}/{len(case_list)}: maxiter {case.maxiter}, lambda {case.lam:g}, J = {cost:.4f}",
        )

    with progress:
        task = progress.add_task("training", total=total)
        table = run_play(train_set, test_set, case_list, hidden=hidden, seed=seed, callback=on_progress)
        plural = "s" if len(case_list) != 1 else ""
        progress.update(task, completed=total, description=f"{len(case_list)} case{plural} trained")
    return table


def _print_play_table(table) -> None:
    from rich.table import Table

    from tutor.play import reading

    console = stdout_console()
    sizes = "-".join(str(s) for s in table.layer_sizes)
    console.print(
        f"[bold]The play table[/]: {table.dataset}, network {sizes}, "
        f"{table.m_train} training / {table.m_test} held-out examples, seed {table.seed}",
        highlight=False,
    )
    grid = Table()
    for name in ("maxiter", "lambda", "iterations", "cost J", "train accuracy", "held-out accuracy"):
        grid.add_column(name, justify="right", no_wrap=True)
    for r in table.results:
        grid.add_row(
            str(r.maxiter), f"{r.lam:g}", str(r.iterations), f"{r.cost:.4f}",
            f"{100 * r.train_accuracy:.1f}%", f"{100 * r.test_accuracy:.1f}%",
        )
    console.print(grid)
    console.print()
    for line in reading(table.results):
        console.print(f"- {line}", highlight=False)


# ------------------------------------------------------------------- figure


def figure(
    name: str = typer.Argument(..., help="digits, hidden, cost, boundary or confusion.", metavar="FIGURE"),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Save the figure to FILE.png or FILE.svg (needs matplotlib: tutor\\[plots]).",
    ),
    dataset: Optional[str] = typer.Option(
        None, "--dataset", "-d",
        help="digits, moons, or a .mat/.npz/.csv file (default: moons for boundary, digits otherwise).",
    ),
    hidden: Optional[int] = typer.Option(
        None, "--hidden", min=1, help="Hidden units of the quickly trained network (default 25; 5 for 2 features).",
    ),
    iterations: int = typer.Option(50, "--iterations", min=1, help="CG iterations of the quick training run."),
    lam: Optional[float] = typer.Option(
        None, "--lambda", min=0.0, help="Regularization of the quick training run (default 1; 0 for 2 features).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the starting weights (and of the sample shown)."),
    count: int = typer.Option(25, "--count", min=1, max=100, help="How many digits the digits figure shows."),
) -> None:
    """Draw a figure for slides: sample digits, hidden units, cost curve, decision boundary, confusion matrix.

    With -o it saves a PNG or SVG through matplotlib; without it prints the
    terminal version. Figures that need trained weights train a network
    quickly (seeded conjugate gradients).
    """
    try:
        from tutor import figures

        if name not in FIGURES:
            raise TutorError(f"unknown figure {name!r}; choose one of: {', '.join(FIGURES)}")
        if output is not None:
            figures.check_output_path(output)
            figures.require_matplotlib()
        data = figures.figure_data(
            name, dataset=dataset, hidden=hidden, iterations=iterations, lam=lam, seed=seed, count=count,
        )
        if output is not None:
            figures.save(name, data, output)
            typer.echo(f"saved {name} figure to {output}")
        else:
            stdout_console().print(figures.terminal_view(name, data))
    except TutorError as err:
        fail(err.message)


# ------------------------------------------------------------------- export


def export(
    lesson_id: Optional[str] = typer.Argument(None, help="The lesson to export (see `tutor lessons`).", metavar="ID"),
    all_lessons: bool = typer.Option(False, "--all", help="Export every lesson of the course, in course order."),
    fmt: str = typer.Option("html", "--format", "-f", help="html, svg, md, txt or ipynb (a Jupyter notebook: needs tutor\\[notebook])."),
    output: Path = typer.Option(
        ..., "--output", "-o",
        help="The file to write (a folder for --all with svg or ipynb: one file per lesson).",
    ),
    with_answers: bool = typer.Option(False, "--with-answers", help="Include each quiz's answer and explanation."),
    notes: bool = typer.Option(False, "--notes", help="Include the presenter notes."),
    settings: list[str] = typer.Option(
        [], "--set", help="name=value: change a parameter the lesson declares (repeatable).",
    ),
) -> None:
    """Write a handout: whole lessons rendered with the views the terminal shows.

    HTML is one self-contained page that prints with a page break between
    steps; SVG is a picture of the terminal; md and txt are plain text.
    Quiz answers appear only with --with-answers, presenter notes only with --notes.
    """
    try:
        from tutor import export as exporting

        if fmt not in EXPORT_FORMATS:
            raise TutorError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
        if all_lessons == (lesson_id is not None):
            raise TutorError("give one lesson ID or --all (not both)")
        result = exporting.export(
            lesson_id, all_lessons=all_lessons, fmt=fmt, output=output, answers=with_answers, notes=notes,
            settings=settings,
        )
    except TutorError as err:
        fail(err.message)
    for problem in result.problems:
        typer.echo(f"warning: {problem}", err=True)
    for path in result.written:
        typer.echo(f"wrote {path}")
