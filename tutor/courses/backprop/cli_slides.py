"""`tutor play` and `tutor figure`: the network's play table and slide figures.

Thin wrappers: the play table is computed in play.py, the slide figures in
figures.py. Heavy modules are imported inside each command so `tutor --help`
stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from tutor.plugin import Argument, Option, TutorError, echo, fail, stderr_console, stdout_console

FIGURES = ("digits", "hidden", "cost", "boundary", "confusion")


# --------------------------------------------------------------------- play


def play(
    dataset: str = Option("digits", "--dataset", "-d", help="digits, moons, or a .mat/.npz/.csv file."),
    cases: str = Option(
        "10:0.5,10:100,10:1000,30:1,200:0", "--cases", "-c",
        help="Comma-separated maxiter:lambda pairs, one table row each.",
    ),
    hidden: int = Option(25, "--hidden", help="Hidden units (one hidden layer).", min=1),
    seed: int = Option(0, "--seed", help="Seed of the train/test split and the starting weights."),
    test_fraction: float = Option(
        0.2, "--test-fraction", help="Share of the examples held out for the test accuracy (0 < F < 1).",
    ),
    as_json: bool = Option(
        False, "--json", help='Print {"cases": [...]} on stdout (progress goes to stderr).',
    ),
) -> None:
    """Train several (maxiter, lambda) cases and compare cost, training and held-out accuracy.

    Every case starts from the same seeded weights and trains with conjugate
    gradients on the same training split, so the table shows what the
    iteration count and lambda change: overfitting and over-regularization.
    """
    try:
        from tutor.courses.backprop.play import parse_cases

        case_list = parse_cases(cases)
        if not 0.0 < test_fraction < 1.0:
            raise TutorError(f"--test-fraction must be between 0 and 1 (exclusive), not {test_fraction:g}")
        table = _run_play_with_progress(dataset, case_list, hidden, seed, test_fraction, as_json)
    except TutorError as err:
        fail(err.message)
    if as_json:
        echo(json.dumps(table.as_json(), indent=2))
        return
    _print_play_table(table)


def _run_play_with_progress(dataset, case_list, hidden, seed, test_fraction, as_json):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tutor.courses.backprop.datasets import load_dataset, train_test_split
    from tutor.courses.backprop.play import run_play

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

    from tutor.courses.backprop.play import reading

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
    name: str = Argument(..., help="digits, hidden, cost, boundary or confusion.", metavar="FIGURE"),
    output: Optional[Path] = Option(
        None, "--output", "-o", help="Save the figure to FILE.png or FILE.svg (needs matplotlib: tutor\\[plots]).",
    ),
    dataset: Optional[str] = Option(
        None, "--dataset", "-d",
        help="digits, moons, or a .mat/.npz/.csv file (default: moons for boundary, digits otherwise).",
    ),
    hidden: Optional[int] = Option(
        None, "--hidden", min=1, help="Hidden units of the quickly trained network (default 25; 5 for 2 features).",
    ),
    iterations: int = Option(50, "--iterations", min=1, help="CG iterations of the quick training run."),
    lam: Optional[float] = Option(
        None, "--lambda", min=0.0, help="Regularization of the quick training run (default 1; 0 for 2 features).",
    ),
    seed: int = Option(0, "--seed", help="Seed of the starting weights (and of the sample shown)."),
    count: int = Option(25, "--count", min=1, max=100, help="How many digits the digits figure shows."),
) -> None:
    """Draw a figure for slides: sample digits, hidden units, cost curve, decision boundary, confusion matrix.

    With -o it saves a PNG or SVG through matplotlib; without it prints the
    terminal version. Figures that need trained weights train a network
    quickly (seeded conjugate gradients).
    """
    try:
        from tutor.courses.backprop import figures

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
            echo(f"saved {name} figure to {output}")
        else:
            stdout_console().print(figures.terminal_view(name, data))
    except TutorError as err:
        fail(err.message)
