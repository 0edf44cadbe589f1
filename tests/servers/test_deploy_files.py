"""The generated deploy/ folder, checked without Docker: schema, loopback ports, no secrets.

Docker cannot run here, so the compose files are validated against the Compose
Specification's JSON schema (vendored by check-jsonschema), then interpolated the way
compose does with an `.env` copied from `.env.example`, and inspected.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import json
import re
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import bake_project
from servers.compose_env import (
    VARIABLE,
    MissingVariable,
    dotenv,
    interpolate,
    load_compose,
)

COMPOSE_FILES = ("deploy/compose.yaml", "deploy/compose.auth.yaml")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|ACCESS_KEY", re.IGNORECASE)
CREDENTIALS_IN_URI = re.compile(r"://[^/@\s:]+:[^/@\s]+@")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake_project(
        tmp_path_factory.mktemp("deploy"), tracking="server", tracking_uri="http://127.0.0.1:5000"
    )


def compose_schema() -> dict[str, Any]:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads((vendor / "compose-spec.json").read_text("utf-8"))
    return schema


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_file_is_valid_against_the_compose_spec(project: Path, name: str) -> None:
    import jsonschema

    raw = yaml.safe_load((project / name).read_text("utf-8"))
    jsonschema.Draft202012Validator(compose_schema()).validate(raw)
    # Interpolated with the example .env, every variable resolves and it still validates.
    jsonschema.Draft202012Validator(compose_schema()).validate(load_compose(project, name))


def test_stack_has_mlflow_on_postgres_and_minio(project: Path) -> None:
    services = load_compose(project, "deploy/compose.yaml")["services"]
    assert set(services) == {"mlflow", "postgres", "minio", "minio-init"}
    mlflow = services["mlflow"]
    assert mlflow["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "minio-init": {"condition": "service_completed_successfully"},
    }
    env = mlflow["environment"]
    assert env["MLFLOW_BACKEND_STORE_URI"].startswith("postgresql+psycopg://@postgres:5432/")
    assert env["MLFLOW_ARTIFACTS_DESTINATION"].startswith("s3://")
    assert env["MLFLOW_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert mlflow["command"][:2] == ["mlflow", "server"]
    assert (
        project / "deploy" / mlflow["build"]["context"] / mlflow["build"]["dockerfile"]
    ).is_file()
    assert "healthcheck" in mlflow and "healthcheck" in services["postgres"]


def published_ports(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host_ip, published) for each port mapping, short or long syntax."""
    ports = []
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports.append((str(entry.get("host_ip", "")), str(entry.get("published", ""))))
        else:
            parts = str(entry).rsplit(":", 2)
            ports.append((parts[0] if len(parts) == 3 else "", parts[-2] if len(parts) > 1 else ""))
    return ports


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_published_port_is_bound_to_loopback(project: Path, name: str) -> None:
    services = load_compose(project, name)["services"]
    for service_name, service in services.items():
        for host_ip, published in published_ports(service):
            assert host_ip == "127.0.0.1", f"{service_name} publishes {published} on {host_ip!r}"
    if name == "deploy/compose.yaml":
        assert published_ports(services["mlflow"]) == [("127.0.0.1", "5000")]
        assert "ports" not in services["postgres"]


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_secrets_come_only_from_the_env_file(project: Path, name: str) -> None:
    text = (project / name).read_text("utf-8")
    example = dotenv(project / ".env.example")
    referenced = {m.group("name") for m in VARIABLE.finditer(text) if m.group("name")}
    assert referenced <= set(example), f"not in .env.example: {referenced - set(example)}"
    assert not CREDENTIALS_IN_URI.search(text)
    raw = yaml.safe_load(text)
    for service_name, service in raw["services"].items():
        assert "env_file" not in service, "each service gets only the variables it needs"
        for key, value in dict(service.get("environment", {})).items():
            if SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", str(value)), (
                    f"{service_name}.{key} must be a required ${{VAR:?...}} from .env"
                )


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_env_example_leaves_passwords_empty_so_compose_refuses_it(project: Path, name: str) -> None:
    example = dotenv(project / ".env.example")
    secrets = {key: value for key, value in example.items() if SECRET_NAME.search(key)}
    assert secrets, "the example lists the passwords to set"
    assert set(secrets.values()) == {""}, secrets
    with pytest.raises(MissingVariable, match=r"PASSWORD: set \w+PASSWORD in \.env"):
        interpolate((project / name).read_text("utf-8"), example)


def test_env_is_git_ignored_and_its_example_is_tracked(project: Path) -> None:
    for name in (".env", "deploy/.env"):
        ignored = subprocess.run(["git", "check-ignore", "--quiet", name], cwd=project)
        assert ignored.returncode == 0, f"{name} must be git-ignored in the generated project"
    tracked = subprocess.run(
        ["git", "ls-files", ".env.example"], cwd=project, capture_output=True, text=True
    )
    assert tracked.stdout.strip() == ".env.example"


def test_images_are_pinned(project: Path) -> None:
    services = load_compose(project, "deploy/compose.yaml")["services"]
    images = [s["image"] for s in services.values() if "build" not in s]
    dockerfile = (project / "deploy" / "Dockerfile").read_text("utf-8")
    images += re.findall(r"^FROM\s+(\S+)", dockerfile, flags=re.MULTILINE)
    for image in images:
        name, _, tag = image.rpartition(":")
        assert name and tag and tag != "latest", f"{image} is not pinned to a version"


def dockerfile_requirements(project: Path) -> dict[str, Any]:
    from packaging.requirements import Requirement

    text = (project / "deploy" / "Dockerfile").read_text("utf-8")
    return {
        (req := Requirement(spec)).name: req
        for spec in re.findall(r'"([A-Za-z][^"]*[<>=][^"]*)"', text)
    }


def test_server_image_pins_match_what_the_tests_run(project: Path) -> None:
    """The image admits the MLflow and driver versions this suite runs its servers with."""
    requirements = dockerfile_requirements(project)
    assert set(requirements) == {"mlflow", "psycopg", "boto3"}
    assert "binary" in requirements["psycopg"].extras
    assert "auth" in requirements["mlflow"].extras
    for name in ("mlflow", "psycopg"):
        installed = importlib.metadata.version(name)
        assert requirements[name].specifier.contains(installed), (name, installed)
    assert not requirements["mlflow"].specifier.contains("3.4.0")
    assert not requirements["mlflow"].specifier.contains("4.0.0")
    assert re.search(
        r"^USER\s+(?!root\b)\w+", (project / "deploy" / "Dockerfile").read_text(), re.M
    )


def test_server_image_and_project_share_the_mlflow_range(project: Path) -> None:
    import tomllib

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    dependencies = [Requirement(d) for d in pyproject["project"].get("dependencies", [])]
    project_mlflow = [d.specifier for d in dependencies if d.name == "mlflow"]
    assert project_mlflow, "the generated project depends on mlflow"
    assert project_mlflow[0] == dockerfile_requirements(project)["mlflow"].specifier


def test_basic_auth_settings_hold_no_secret(project: Path) -> None:
    parser = configparser.ConfigParser()
    parser.read(project / "deploy" / "basic_auth.ini", encoding="utf-8")
    settings = dict(parser["mlflow"])
    assert "admin_password" not in settings
    assert settings["database_uri"].startswith("postgresql+psycopg://@postgres:5432/")
    auth = load_compose(project, "deploy/compose.auth.yaml")["services"]["mlflow"]
    assert auth["command"][2:4] == ["--app-name", "basic-auth"]
    assert "./basic_auth.ini:/etc/mlflow/basic_auth.ini:ro" in auth["volumes"]
