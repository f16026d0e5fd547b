"""The root typer app: `tutor`'s own options, before any area adds its commands (tutor.cli)."""

from __future__ import annotations

import typer


def _quiet_type_tags() -> None:
    """Keep the help's type column for what it tells a reader.

    typer (0.2x) writes `<bool>` after every flag and `<str>` after every
    text value. To a newcomer these are noise: a flag takes no value, and text
    is what a value is unless said otherwise. Names that mean something
    (PATH, NAME=VALUE, DIR|ID, a list of choices, `<float>`) stay.
    """
    from typer import core

    for cls in (getattr(core, "TyperOption", None), getattr(core, "TyperArgument", None)):
        original = getattr(cls, "display_type_rich", None)
        if original is None or getattr(original, "quiet_tags", False):
            continue

        def display(self, ctx, _original=original):
            shown = _original(self, ctx)
            return "" if shown in ("<bool>", "<str>") else shown

        display.quiet_tags = True
        cls.display_type_rich = display


def make_app() -> typer.Typer:
    _quiet_type_tags()
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
        from tutor.base.version import __version__

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
