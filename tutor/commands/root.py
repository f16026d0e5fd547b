"""The root typer app: `tutor`'s own options, before any area adds its commands (tutor.cli)."""

from __future__ import annotations

import typer


def make_app() -> typer.Typer:
    app = typer.Typer(
        name="tutor",
        help="A terminal tutor: courses of guided lessons and self-check exercises.",
        no_args_is_help=False,
        add_completion=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback(invoke_without_command=True)(_root)
    return app


def _print_version(value: bool) -> None:
    if value:
        from tutor import __version__

        typer.echo(f"tutor {__version__}")
        raise typer.Exit(0)


def _root(
    ctx: typer.Context,
    plain: bool = typer.Option(False, "--plain", help="No colour, ASCII only: for pipes, logs and screen readers."),
    course: str = typer.Option(None, "--course", help="With no command: this course's lessons and your progress.",
                               metavar="DIR|ID"),
    version: bool = typer.Option(False, "--version", help="Print the tutor's version and exit.", is_eager=True,
                                 callback=_print_version),
) -> None:
    """Guided lessons and self-check exercises in the terminal. `tutor` alone shows the course and your progress."""
    if plain:
        from tutor.commands._common import set_plain

        set_plain(True)
    if ctx.invoked_subcommand is None:
        from tutor.commands.overview import welcome

        welcome(course)
