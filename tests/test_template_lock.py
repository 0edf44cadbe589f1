"""The template's lock files pin every declared dependency within its range, per answers."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from helpers import bake_project
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

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
