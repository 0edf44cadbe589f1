"""Fixtures for `mlops-kit adopt`: synthetic repositories and an in-process CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from adopt.repos import write_repo


@pytest.fixture
def repo(tmp_path: Path) -> Callable[[str], Path]:
    """Write one of the synthetic repositories (see repos.py) and commit it."""
    return lambda shape: write_repo(tmp_path, shape)
