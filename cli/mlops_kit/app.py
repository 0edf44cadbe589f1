"""The typer application: one thin function per command, registered from `commands/`.

Command modules import only typer and the standard library at module level, so
`mlops-kit --help` and `mlops-kit audit` start fast; heavy libraries load inside the
functions that use them, and a run of one command imports and builds that one alone.
"""

from __future__ import annotations

import importlib
import sys

import typer

from mlops_kit import __version__, console

# Each command's name and its module under `mlops_kit.commands` (whose function of the
# same name it runs), in the order `--help` lists them. A run of one command imports that
# command's module alone: typer builds a click command for every command it is given.
COMMANDS = {
    "new": "new",
    "add-stage": "add_stage",
    "remove-stage": "remove_stage",
    "audit": "audit",
    "update": "update",
    "adopt": "adopt",
}


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"mlops-kit {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Bake a standard ML repository and keep every repository true to the standard."""


def application(only: str | None = None) -> typer.Typer:
    """Return the typer application: every command, or the command named `only` alone."""
    built = typer.Typer(
        name="mlops-kit",
        help="Bake a standard ML repository and keep every repository true to the standard.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    built.callback()(_root)
    for name, module in COMMANDS.items():
        if only in (None, name):
            command = getattr(importlib.import_module(f"mlops_kit.commands.{module}"), module)
            built.command(name)(command)
    return built


def __getattr__(name: str) -> typer.Typer:
    """`app`: the application with every command, built on first use."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    built = globals()["app"] = application()
    return built


def main() -> None:
    """Entry point of the `mlops-kit` console script.

    When the first word names a command, only that command is built (the root's options
    and `--help` come before any command, so they get the whole application).
    """
    console.started_by_entry_point()
    first = sys.argv[1] if len(sys.argv) > 1 else None
    application(first if first in COMMANDS else None)()
