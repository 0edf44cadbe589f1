"""Fixtures for add-stage / remove-stage: a small contract-shaped project and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mlops_kit.app import app
from stages.stage_tools import Invoke
from typer.testing import CliRunner, Result

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "project"

# The fixture project is data, not tests of the kit.
collect_ignore = ["fixtures"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project: the layout contract in miniature (module `demo`)."""
    target = tmp_path / "demo"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def invoke() -> Invoke:
    """Run `mlops-kit ARGS...` in-process; return the click Result."""
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)

    return run
