"""The full example's model service image and compose file, checked without Docker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import bake_project
from servers.compose_env import load_compose
from servers.test_deploy_files import compose_schema, published_ports

COMPOSE = "deploy/compose.model.yaml"
DOCKERFILE = "deploy/model.Dockerfile"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake_project(tmp_path_factory.mktemp("model-deploy"), project_name="Served Wine")


def test_compose_service_is_valid_and_publishes_on_loopback_only(project: Path) -> None:
    import jsonschema

    compose = load_compose(project, COMPOSE)
    jsonschema.Draft202012Validator(compose_schema()).validate(compose)
    model = compose["services"]["model"]
    assert published_ports(model) == [("127.0.0.1", "8080")]
    assert model["build"] == {"context": "..", "dockerfile": DOCKERFILE}
    assert model["depends_on"]["mlflow"]["condition"] == "service_healthy"
    assert (project / "deploy" / model["build"]["context"] / DOCKERFILE).resolve().is_file()


def test_image_is_pinned_non_root_with_a_healthcheck(project: Path) -> None:
    text = (project / DOCKERFILE).read_text("utf-8")
    (base,) = re.findall(r"^FROM\s+(\S+)", text, flags=re.MULTILINE)
    assert base == "python:3.11-slim-bookworm"
    users = re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r"^HEALTHCHECK .*\n?.*/health", text, flags=re.MULTILINE)
    assert '"-m", "served_wine.serve"' in text
    assert "poetry install --only main" in text  # from poetry.lock, the default manager
    for copied in re.findall(r"^COPY\s+(.+?)\s+\S+$", text, flags=re.MULTILINE):
        for name in copied.split():
            assert (project / name).exists(), name


@pytest.mark.parametrize("manager", ["uv", "pip"])
def test_image_installs_from_the_managers_lock(tmp_path: Path, manager: str) -> None:
    project = bake_project(tmp_path, package_manager=manager)
    text = (project / DOCKERFILE).read_text("utf-8")
    lock = {"uv": "uv.lock", "pip": "requirements.lock"}[manager]
    assert re.search(rf"^COPY .*\b{re.escape(lock)}\b", text, flags=re.MULTILINE)
    for copied in re.findall(r"^COPY\s+(.+?)\s+\S+$", text, flags=re.MULTILINE):
        for name in copied.split():
            assert (project / name).exists(), name


def test_minimal_example_has_no_model_service(tmp_path: Path) -> None:
    project = bake_project(tmp_path, example="minimal")
    assert not (project / COMPOSE).exists() and not (project / DOCKERFILE).exists()
