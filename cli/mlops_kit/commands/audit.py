"""`mlops-kit audit`."""

from __future__ import annotations

import typer


def audit() -> None:
    """Not available in this build."""
    typer.echo("Error: not available in this build", err=True)
    raise typer.Exit(2)
