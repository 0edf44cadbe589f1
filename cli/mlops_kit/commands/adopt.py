"""`mlops-kit adopt`: add what an existing repository lacks to follow the standard."""

# No `from __future__ import annotations`: typer reads this signature on every start of
# any command, and string annotations cost more to evaluate than ready objects.

from pathlib import Path
from typing import Annotated

import typer

from mlops_kit.console import reported_errors
from mlops_kit.stages.options import DryRun, Repo


def adopt(
    repo: Repo = None,
    dry_run: DryRun = False,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="KEY=VALUE", help="Correct a detected answer (repeatable)."),
    ] = None,
) -> None:
    """Bring an existing repository onto the standard: stamp, conf/, catalog, stage runner...

    Adds only what is missing, as one all-or-nothing change; never overwrites a file.
    See docs/adopt.md.

    Exit codes: 0 done (or dry run, or nothing to add), 1 busy or a write failed
    (everything restored), 2 refused: a conflict or bad input (nothing written).
    """
    from mlops_kit.adopt.plan import CONFLICT, plan_adopt
    from mlops_kit.errors import UsageError

    with reported_errors():
        plan = plan_adopt(repo or Path.cwd(), sets or [], dry_run=dry_run)
        if plan.conflicts:
            for conflict in plan.conflicts:
                typer.echo(f"conflict: {conflict}", err=True)
            raise UsageError(f"{len(plan.conflicts)} conflict(s); nothing was written", CONFLICT)
        from mlops_kit.edits import apply_changes, relative_label, unified_diff

        if dry_run:
            typer.echo(unified_diff(plan.changes, plan.root), nl=False)
            typer.echo(f"(dry run: {len(plan.changes)} file(s) would change; nothing written)")
            return
        if not plan.changes:
            typer.echo(f"{plan.root} already has every piece of the standard; nothing to add.")
            return
        apply_changes(plan.changes, plan.root)
    typer.echo(f"Adopted {plan.root}:")
    for change in plan.changes:
        verb = "created" if change.before is None else "updated"
        typer.echo(f"  {verb} {relative_label(change.path, plan.root)}")
    typer.echo(
        f"Next: pip install -e . (so `python -m {plan.module}.stages.NAME` runs), "
        "commit, then `mlops-kit add-stage NAME`."
    )
