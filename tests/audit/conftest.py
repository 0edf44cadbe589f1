"""Fixtures for the audit tests: one baked project per session, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import bake_project


@pytest.fixture(scope="session")
def baked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project, baked once; copy it before changing anything."""
    return bake_project(tmp_path_factory.mktemp("baked"))


@pytest.fixture
def project(baked: Path, tmp_path: Path) -> Path:
    """A private copy of the baked default project (with its git history)."""
    target = tmp_path / baked.name
    shutil.copytree(baked, target, symlinks=True)
    return target


@pytest.fixture(autouse=True)
def private_parse_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty user cache folder (the audit's parse cache lives there)."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("MLOPS_KIT_NO_CACHE", raising=False)
    return folder
