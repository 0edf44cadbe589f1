"""Turn user-fixable errors into one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from mlops_kit.errors import UsageError

INTERRUPTED = 130


@contextmanager
def reported_errors() -> Iterator[None]:
    """Report `UsageError` and Ctrl-C as one line and exit with their code."""
    try:
        yield
    except UsageError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("Error: interrupted", err=True)
        raise typer.Exit(INTERRUPTED) from None
