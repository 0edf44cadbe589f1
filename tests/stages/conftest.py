"""Fixtures for add-stage / remove-stage: a small contract-shaped project and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from stages.fixture_project import copy_fixture_project

# The fixture project is data, not tests of the kit.
collect_ignore = ["fixtures"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project: the layout contract in miniature (module `demo`)."""
    return copy_fixture_project(tmp_path / "demo")
