"""Shared fixtures: isolated git/cookiecutter config, baking, and one shared project env.

Baked projects are installed into the interpreter running the tests (`--no-deps`): the
suite's environment already holds the generated projects' stack, so dependencies are
installed once per session, never per project.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import REPO_ROOT, Invoke, bake_project
from typer.testing import Result

ENV_BIN = Path(sys.executable).parent

Bake = Callable[..., Path]


@pytest.fixture(scope="session", autouse=True)
def isolated_user_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Give git an identity and cookiecutter a replay dir that live in a temp folder."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n",
        encoding="utf-8",
    )
    cookiecutterrc = home / "cookiecutterrc.yaml"
    cookiecutterrc.write_text(
        f"replay_dir: {home / 'replay'}\ncookiecutters_dir: {home / 'cookiecutters'}\n",
        encoding="utf-8",
    )
    saved = dict(os.environ)
    os.environ.update(
        {
            "GIT_CONFIG_GLOBAL": str(gitconfig),
            "GIT_CONFIG_NOSYSTEM": "1",
            "COOKIECUTTER_CONFIG": str(cookiecutterrc),
            "DVC_NO_ANALYTICS": "1",
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "DO_NOT_TRACK": "1",
            "PRE_COMMIT_HOME": str(tmp_path_factory.getbasetemp() / "pre-commit-cache"),
            "XDG_CACHE_HOME": str(tmp_path_factory.getbasetemp() / "user-cache"),
        }
    )
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def template_root() -> Path:
    """The repository root, which is the cookiecutter template."""
    return REPO_ROOT


@pytest.fixture
def bake(tmp_path: Path) -> Bake:
    """Bake a project into this test's temp folder: `bake(ci="gitlab", example="minimal")`."""
    return lambda **answers: bake_project(tmp_path, **answers)


@pytest.fixture(scope="session")
def project_env() -> dict[str, str]:
    """Environment for running a baked project's tools (python, dvc, pytest, pre-commit)."""
    env = dict(os.environ)
    env["PATH"] = f"{ENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    return env


@pytest.fixture
def invoke() -> Invoke:
    """Run `mlops-kit ARGS...` in-process; return the click Result."""
    from mlops_kit.app import app
    from typer.testing import CliRunner

    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit's sdist and wheel, built from this checkout once per session."""
    from isolation.fresh_machine import build_wheelhouse

    return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))
