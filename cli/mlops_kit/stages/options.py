"""Options shared by add-stage and remove-stage, and how both finish a plan.

Imports only typer and the standard library at module level: it loads at CLI start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from mlops_kit.stages.plan import Plan

Repo = Annotated[
    Path | None,
    typer.Option(
        "--repo",
        metavar="PATH",
        help="The project (or any folder inside it). Default: the current folder.",
        show_default=False,
    ),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Print a unified diff of every change; write nothing.")
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite (or remove) despite conflicts.")]


def finish_plan(plan: Plan, dry_run: bool, headline: str) -> None:
    """Print the plan's diff (dry run) or apply it and list what changed."""
    from mlops_kit.edits import apply_changes, check_changes
    from mlops_kit.stages.report import dry_run_text, summary_lines

    check_changes(plan.changes, plan.project.root)
    if dry_run:
        typer.echo(dry_run_text(plan))
        return
    apply_changes(plan.changes, plan.project.root)
    typer.echo(f"{headline} in {plan.project.root}:")
    for line in summary_lines(plan.changes, plan):
        typer.echo(line)
