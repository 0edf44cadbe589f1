"""Fixtures for `mlops-kit update`: an older template and projects baked from it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from update.oldtemplate import build_old_template


@pytest.fixture(scope="session")
def old_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The current template turned into an older release (see oldtemplate.py)."""
    return build_old_template(tmp_path_factory.mktemp("old-template"))


@pytest.fixture
def old_bake(tmp_path: Path, old_template: Path) -> Callable[..., Path]:
    """Bake a project from the old template with `mlops-kit new` (records the base branch)."""
    from mlops_kit.new import bake_new_project

    def bake(**answers: str) -> Path:
        pairs = [f"{key}={value}" for key, value in answers.items()]
        return bake_new_project(pairs, output_dir=tmp_path, no_input=True, template=old_template)

    return bake
