"""`mlops-kit update`: merge the current template into a project with git."""

# No `from __future__ import annotations`: typer reads this signature on every start of
# any command, and string annotations cost more to evaluate than ready objects.

from pathlib import Path
from typing import Annotated

import typer

from mlops_kit.console import reported_errors
from mlops_kit.stages.options import Repo


def update(
    repo: Repo = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the project is behind; change nothing.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the changes the update would make; write nothing.")
    ] = False,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="KEY=VALUE", help="Change a recorded answer (repeatable)."),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            metavar="PATH",
            help="Update to another template checkout; default: the one bundled with the kit.",
        ),
    ] = None,
) -> None:
    """Bring the project to the current template with git's three-way merge.

    Conflicts are ordinary git conflict markers: resolve, `git add`, `git commit`, or back
    out with `git merge --abort`. See docs/update.md.

    Exit codes: 0 updated or current, 1 behind (--check) or conflicts to resolve,
    2 refused (dirty work tree, no stamp, not a git repository; nothing changed).
    """
    from mlops_kit.update.merge import UpdateRequest, run_update

    with reported_errors():
        request = UpdateRequest(
            start=repo or Path.cwd(), template=template, sets=sets or [], check=check, diff=diff
        )
        outcome = run_update(request)
    for line in outcome.lines:
        typer.echo(line)
    raise typer.Exit(outcome.exit_code)
