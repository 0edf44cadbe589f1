"""Fixtures for add-stage / remove-stage: a small contract-shaped project and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "project"

# The fixture project is data, not tests of the kit.
collect_ignore = ["fixtures"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project: the layout contract in miniature (module `demo`)."""
    target = tmp_path / "demo"
    shutil.copytree(FIXTURE, target)
    return target
