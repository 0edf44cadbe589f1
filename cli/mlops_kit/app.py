"""The typer application: one thin function per command, registered from `commands/`.

Command modules import only typer and the standard library at module level, so
`mlops-kit --help` and `mlops-kit audit` start fast; heavy libraries load inside the
functions that use them.
"""

from __future__ import annotations

import typer

from mlops_kit import __version__, console
from mlops_kit.commands import add_stage, adopt, audit, new, remove_stage, update

app = typer.Typer(
    name="mlops-kit",
    help="Bake a standard ML repository and keep every repository true to the standard.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"mlops-kit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Bake a standard ML repository and keep every repository true to the standard."""


app.command("new")(new.new)
app.command("add-stage")(add_stage.add_stage)
app.command("remove-stage")(remove_stage.remove_stage)
app.command("audit")(audit.audit)
app.command("update")(update.update)
app.command("adopt")(adopt.adopt)


def main() -> None:
    """Entry point of the `mlops-kit` console script."""
    console.started_by_entry_point()
    app()
