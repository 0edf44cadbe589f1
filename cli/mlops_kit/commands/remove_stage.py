"""`mlops-kit remove-stage`: undo add-stage, all or nothing."""

# No `from __future__ import annotations`: typer reads this signature on every start of
# any command, and string annotations cost more to evaluate than ready objects.

from pathlib import Path
from typing import Annotated

import typer

from mlops_kit.console import reported_errors
from mlops_kit.errors import one_line_errors
from mlops_kit.stages.options import DryRun, Force, Repo, finish_plan


def remove_stage(
    name: Annotated[str, typer.Argument(help="The stage to remove.")],
    repo: Repo = None,
    dry_run: DryRun = False,
    force: Force = False,
) -> None:
    """Remove a pipeline stage: its module, config, dvc.yaml stage, test and catalog entries.

    Refuses while another stage depends on its outputs or params (unless --force). Its
    outputs stay on disk. Every file is changed atomically, or none is.

    Exit codes: 0 done (or dry run), 1 busy or a write failed (everything restored),
    2 refused (nothing written).
    """
    from mlops_kit.stages.remove import RemoveRequest, plan_remove_stage

    with reported_errors(), one_line_errors():
        plan = plan_remove_stage(
            RemoveRequest(name=name, start=repo or Path.cwd(), force=force, dry_run=dry_run)
        )
        finish_plan(plan, dry_run, f"Removed stage {name!r}")
