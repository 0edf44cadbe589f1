"""`mlops-kit add-stage`."""

from __future__ import annotations

import typer


def add_stage() -> None:
    """Not available in this build."""
    typer.echo("Error: not available in this build", err=True)
    raise typer.Exit(2)
