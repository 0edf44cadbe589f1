"""Helpers for the generated project's pipeline tests."""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path

from helpers import install_project, run


def install_baked(project: Path, env: Mapping[str, str]) -> None:
    """Install a baked project into the shared environment, whatever Python it declares.

    The shared environment runs Python 3.11; a project baked with python_version 3.12 or
    3.13 declares `requires-python >=3.12`, which pip refuses there although the
    template's code runs on 3.11. Such projects get `--ignore-requires-python`.
    """
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    floor = pyproject["project"]["requires-python"].removeprefix(">=")
    if tuple(map(int, floor.split("."))) <= sys.version_info[:2]:
        install_project(project, env)
        return
    run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
            "--no-build-isolation", "--ignore-requires-python", "--editable", str(project),
        ],
        cwd=project,
        env=env,
    )  # fmt: skip
