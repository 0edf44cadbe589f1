"""Fixtures for `mlops-kit adopt`: synthetic repositories and an in-process CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from adopt.repos import write_repo
from mlops_kit.app import app
from typer.testing import CliRunner, Result

Invoke = Callable[..., Result]


@pytest.fixture
def repo(tmp_path: Path) -> Callable[[str], Path]:
    """Write one of the synthetic repositories (see repos.py) and commit it."""
    return lambda shape: write_repo(tmp_path, shape)


@pytest.fixture
def invoke() -> Invoke:
    """Run `mlops-kit ARGS...` in-process; return the click Result."""
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)

    return run
