"""The template's lock files pin every declared dependency within its range, per answers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO_ROOT, bake_project, run
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

UV = Path(sys.executable).parent / "uv"
VARIANTS = [
    {"package_manager": "pip"},
    {"package_manager": "pip", "example": "minimal", "python_version": "3.13"},
    {"package_manager": "uv", "dvc_remote": "s3://bucket/data", "python_version": "3.12"},
    {"package_manager": "uv", "example": "minimal"},
    {},  # poetry
    {"example": "minimal", "dvc_remote": "s3://bucket/data", "python_version": "3.13"},
]


def read_requirements(path: Path) -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"not an exact pin: {line!r}"
        if requirement.marker is None or requirement.marker.evaluate():
            pins[canonicalize_name(requirement.name)] = Version(spec.version)
    return pins


def read_toml_lock(path: Path) -> dict[str, Version]:
    lock: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    pins: dict[str, Version] = {}
    for package in lock["package"]:
        if package.get("source", {}).get("editable") == ".":
            continue  # uv.lock's entry of the project itself
        pins.setdefault(canonicalize_name(package["name"]), Version(package["version"]))
    return pins


def declared(pyproject: dict[str, Any]) -> list[Requirement]:
    texts = pyproject["project"]["dependencies"] + pyproject["dependency-groups"]["dev"]
    return [Requirement(text) for text in texts]


@pytest.mark.parametrize("answers", VARIANTS, ids=lambda a: ",".join(a.values()) or "default")
def test_lock_pins_every_declared_dependency(tmp_path: Path, answers: dict[str, str]) -> None:
    project = bake_project(tmp_path, **answers)
    manager = answers.get("package_manager", "poetry")
    lock_name = {"pip": "requirements.lock", "uv": "uv.lock", "poetry": "poetry.lock"}[manager]
    lock = project / lock_name
    pins = read_requirements(lock) if manager == "pip" else read_toml_lock(lock)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in declared(pyproject):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is declared but not in {lock_name}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock_name} pins {name}=={pins[name]}, outside {requirement.specifier}"
        )
        for extra in requirement.extras:  # dvc[s3] brings dvc-s3
            assert f"{name}-{extra}" in pins, f"{lock_name} lacks {name}[{extra}]"
    assert canonicalize_name(pyproject["project"]["name"]) not in pins
    if "pandera" not in str(pyproject["project"]["dependencies"]):
        assert "pandera" not in pins, f"{lock_name} pins pandera, which nothing declares"


def test_uv_lock_names_the_project_and_its_python(tmp_path: Path) -> None:
    project = bake_project(
        tmp_path, package_manager="uv", project_name="Churn Model", python_version="3.12"
    )
    lock = tomllib.loads((project / "uv.lock").read_text(encoding="utf-8"))
    assert lock["requires-python"] == ">=3.12"
    (own,) = [p for p in lock["package"] if p.get("source", {}).get("editable") == "."]
    assert own["name"] == "churn-model"


def test_poetry_lock_hash_follows_the_answers(tmp_path: Path) -> None:
    first = bake_project(tmp_path / "a")
    second = bake_project(tmp_path / "b", python_version="3.13")

    def metadata(project: Path) -> dict[str, Any]:
        data: dict[str, Any] = tomllib.loads((project / "poetry.lock").read_text("utf-8"))
        return data["metadata"]

    assert metadata(first)["python-versions"] == ">=3.11"
    assert metadata(second)["python-versions"] == ">=3.13"
    assert metadata(first)["content-hash"] != metadata(second)["content-hash"]
    assert len(metadata(first)["content-hash"]) == 64


def interpreter(version: str) -> str | None:
    """A Python `version` interpreter that runs, if this machine has one (uv needs it)."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(
        str(p) for p in (Path.home() / ".pyenv/versions").glob(f"{version}*/bin/python3")
    )
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", ""], capture_output=True).returncode == 0:
            return candidate
    return None


UV_VARIANTS = [
    {},
    {"example": "minimal"},
    {"dvc_remote": "s3://bucket/data"},
    {"dvc_remote": "s3://bucket/data", "example": "minimal", "python_version": "3.12"},
    {"python_version": "3.13"},
]


@pytest.mark.parametrize("answers", UV_VARIANTS, ids=lambda a: ",".join(a.values()) or "default")
def test_uv_lock_is_current_for_the_answers_offline(
    tmp_path: Path, answers: dict[str, str]
) -> None:
    python = interpreter(answers.get("python_version", "3.11"))
    if python is None:
        pytest.skip(f"no Python {answers['python_version']} here for uv to check with")
    project = bake_project(tmp_path, package_manager="uv", **answers)
    env = {
        **os.environ,
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),  # empty: nothing may be fetched
        "UV_PYTHON": python,
        "UV_PYTHON_DOWNLOADS": "never",
    }
    result = run([str(UV), "lock", "--check", "--offline"], cwd=project, env=env, check=False)
    assert result.returncode == 0, (
        f"the template's uv.lock does not match its pyproject.toml for {answers}: "
        f"run `make lock-template`\n{result.stderr[-3000:]}"
    )


def test_uv_of_the_tests_is_the_version_the_template_pins() -> None:
    pinned = json.loads((REPO_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    version = run([str(UV), "--version"], cwd=REPO_ROOT).stdout
    assert version.split()[1] == pinned["_uv_version"]
