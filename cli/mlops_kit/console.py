"""Turn user-fixable errors into one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from mlops_kit.errors import UsageError

INTERRUPTED = 130

# True once the console script's entry point (`app.main`) runs: the process then ends when
# the command does. False for in-process callers (tests, `CliRunner`).
_ENTRY_POINT = [False]


def started_by_entry_point() -> None:
    """Record that this process runs one command and ends with it (see `end_process`)."""
    _ENTRY_POINT[0] = True


def end_process(code: int) -> None:
    """End the process with `code` at once when it runs one command; else return.

    For a command that has written everything it writes: its output is flushed, then the
    interpreter's teardown (freeing every module and object, ~10 ms of a ~100 ms audit)
    is skipped with `os._exit`. In-process callers get the normal return; so does a
    process whose output cannot be flushed (a closed pipe), for Python to report as usual.
    """
    if not _ENTRY_POINT[0]:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


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
