"""`mlops-kit add-stage`: scaffold a new pipeline stage into a project, all or nothing."""

# No `from __future__ import annotations`: typer reads this signature on every start of
# any command, and string annotations cost more to evaluate than ready objects.

from pathlib import Path
from typing import Annotated

import typer

from mlops_kit.console import reported_errors
from mlops_kit.errors import one_line_errors
from mlops_kit.stages.options import DryRun, Force, Repo, finish_plan


def add_stage(
    name: Annotated[str, typer.Argument(help="Stage name: a lowercase Python identifier.")],
    repo: Repo = None,
    after: Annotated[
        str | None,
        typer.Option("--after", metavar="STAGE", help="Run after STAGE: depend on its outs."),
    ] = None,
    deps: Annotated[
        list[str] | None,
        typer.Option("--deps", "-d", metavar="PATH", help="An extra input (repeatable)."),
    ] = None,
    outs: Annotated[
        list[str] | None,
        typer.Option("--outs", "-o", metavar="PATH", help="An output (repeatable)."),
    ] = None,
    metrics: Annotated[
        list[str] | None,
        typer.Option("--metrics", "-m", metavar="PATH", help="A metrics file (repeatable)."),
    ] = None,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--params", "-p", metavar="KEY", help="Another params.yaml key it reads (repeatable)."
        ),
    ] = None,
    dry_run: DryRun = False,
    force: Force = False,
) -> None:
    """Add a pipeline stage: module, Hydra config, dvc.yaml stage, test and catalog entries.

    Every file is prepared first and written atomically, or none is. Without -o the stage
    writes one table under data/NAME/ per data input. See docs/add-stage.md.

    Exit codes: 0 done (or dry run), 1 busy or a write failed (everything restored),
    2 refused (nothing written).
    """
    from mlops_kit.stages.add import AddRequest, plan_add_stage

    with reported_errors(), one_line_errors():
        request = AddRequest(
            name=name,
            start=repo or Path.cwd(),
            after=after,
            deps=deps or [],
            outs=outs or [],
            metrics=metrics or [],
            params=params or [],
            force=force,
            dry_run=dry_run,
        )
        plan = plan_add_stage(request)
        finish_plan(plan, dry_run, f"Added stage {name!r}")
