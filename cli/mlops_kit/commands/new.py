"""`mlops-kit new`: bake the template bundled with the kit."""

# No `from __future__ import annotations`: typer reads this signature on every start of
# any command, and string annotations cost more to evaluate than ready objects.

from pathlib import Path
from typing import Annotated

import typer

from mlops_kit.console import reported_errors


def new(
    answers: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[KEY=VALUE]...",
            help="Answers to template questions, e.g. project_name='Churn Model' ci=gitlab.",
            show_default=False,
        ),
    ] = None,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Where to create the project folder.")
    ] = Path(),
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Take defaults for every unanswered question.")
    ] = False,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="Bake from another copy of the template (a folder with cookiecutter.json); "
            "default: the one bundled with the kit.",
        ),
    ] = None,
) -> None:
    """Bake a new ML project from the bundled template (no git, no network).

    Exit codes: 0 created, 1 generation failed (nothing left behind), 2 invalid answers or
    the target folder already exists.
    """
    from mlops_kit.new import bake_new_project

    notes: list[str] = []
    with reported_errors():
        project = bake_new_project(
            answers or [], output_dir=output_dir, no_input=no_input, template=template, notes=notes
        )
    for note in notes:
        typer.echo(f"Note: {note}", err=True)
    typer.echo(f"Created {project}")
    # `make install` works with any pip (a fresh venv's too) and each package manager.
    typer.echo(f"Next: cd {project} && make install && make repro  (see its README.md)")
