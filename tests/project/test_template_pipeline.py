"""The template's pipeline files, checked on a few baked option combinations (fast).

params.yaml is exactly the composition of conf/; dvc.yaml's stages match the example
option and follow the layout contract; the pre-commit hooks use only pinned local tools;
CI files validate against the provider's schema and pull data only with a remote; the
.gitignore keeps stores, secrets and outputs out of git; long names and awkward text
still give files that ruff leaves as they are.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import bake_project, run

COMBOS: dict[str, dict[str, str]] = {
    "default": {},
    "minimal-server-gitlab-nas": {
        "example": "minimal",
        "tracking": "server",
        "tracking_uri": "https://mlflow.example.com:8443/team",
        "ci": "gitlab",
        "dvc_remote": "/mnt/nas/dvc",
    },
    "full-s3-github-313": {
        "python_version": "3.13",
        "dvc_remote": "s3://team-bucket/wine",
        "license": "Apache-2.0",
    },
    "minimal-none": {"example": "minimal", "ci": "none"},
}
STAGES = {"full": ["prepare", "validate", "train", "evaluate"], "minimal": ["prepare", "train"]}
# After training (full example): modules beside the stages, run as `python -m <module>.<name>`;
# predict and monitor are also DVC stages, serve is configured in conf/ but runs no stage.
LIFE_STAGES = {"full": ["predict", "monitor"], "minimal": []}
LIFE_CONF = {"full": ["predict", "serve", "monitor"], "minimal": []}
# Tool named by a pre-commit hook's entry -> the dev-group package that provides it.
HOOK_TOOLS = {
    "ruff": "ruff",
    "mypy": "mypy",
    "check-yaml": "pre-commit-hooks",
    "check-toml": "pre-commit-hooks",
    "check-added-large-files": "pre-commit-hooks",
    "nbstripout": "nbstripout",
}


@pytest.fixture(scope="module", params=list(COMBOS), ids=list(COMBOS))
def baked(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, str], Path]:
    answers: dict[str, str] = COMBOS[request.param]
    project = bake_project(tmp_path_factory.mktemp("pipeline"), **answers)
    return {"example": "full", "ci": "github", "dvc_remote": "", **answers}, project


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def compose(project: Path) -> dict[str, Any]:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from omegaconf import OmegaConf

    with initialize_config_dir(config_dir=str(project / "conf"), version_base="1.3"):
        cfg = hydra_compose(config_name="config")
    composed = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(composed, dict)
    return composed


def dev_packages(project: Path) -> set[str]:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return {
        re.split(r"[\s<>=~!\[;]", spec, maxsplit=1)[0]
        for spec in pyproject["dependency-groups"]["dev"]
    }


def test_params_yaml_is_the_composition_of_conf(baked: tuple[dict[str, str], Path]) -> None:
    answers, project = baked
    params = load_yaml(project / "params.yaml")
    assert params == compose(project)
    example = answers["example"]
    assert list(params) == ["data", "model", "tracking", *STAGES[example], *LIFE_CONF[example]]
    if "tracking_uri" in answers:
        assert params["tracking"]["uri"] == answers["tracking_uri"]
    else:
        assert params["tracking"]["uri"] == "sqlite:///mlflow.db"


def test_dvc_stages_follow_the_layout_contract(baked: tuple[dict[str, str], Path]) -> None:
    answers, project = baked
    module = project.name
    stages = load_yaml(project / "dvc.yaml")["stages"]
    params = load_yaml(project / "params.yaml")
    # First, the guard that stops `dvc repro` at once while params.yaml is stale.
    config = stages.pop("config")
    assert config["cmd"].startswith(f"python -m {module}.config --check ")
    assert config["deps"] == ["conf", f"src/{module}/config.py"]
    assert "reports/config_check.txt" in stages["prepare"]["deps"]  # runs after the guard
    example = answers["example"]
    assert list(stages) == STAGES[example] + LIFE_STAGES[example]
    for name, stage in stages.items():
        package = module if name in LIFE_STAGES[example] else f"{module}.stages"
        assert stage["cmd"] == f"python -m {package}.{name}"
        code = f"src/{package.replace('.', '/')}/{name}.py"
        assert code in stage["deps"]
        for dep in stage["deps"]:
            if dep.startswith("src/"):
                assert (project / dep).is_file(), dep
        assert all(key in params for key in stage["params"]), stage["params"]
        assert name in stage["params"]
        outs = [next(iter(o)) if isinstance(o, dict) else o for o in stage.get("outs", [])]
        for key in ("metrics", "plots"):
            outs += [next(iter(o)) for o in stage.get(key, [])]
        assert outs and all(o.split("/")[0] in {"data", "models", "reports"} for o in outs)
    assert (project / "tests" / f"test_{name}.py").is_file()
    conf_groups = [
        next(iter(item))
        for item in load_yaml(project / "conf/config.yaml")["defaults"]
        if isinstance(item, dict)
    ]
    assert conf_groups == ["data", "model", "tracking", *STAGES[example], *LIFE_CONF[example]]


def test_pipeline_files_match_the_example(baked: tuple[dict[str, str], Path]) -> None:
    answers, project = baked
    module = project.name
    full = answers["example"] == "full"
    for path in (
        f"src/{module}/stages/validate.py",
        f"src/{module}/stages/evaluate.py",
        "conf/validate/default.yaml",
        "conf/evaluate/default.yaml",
        "tests/test_validate.py",
        "tests/test_evaluate.py",
        *(f"src/{module}/{name}.py" for name in ("predict", "serve", "monitor", "promote")),
        *(f"tests/test_{name}.py" for name in ("predict", "serve", "monitor", "promote")),
        "conf/monitor/default.yaml",
    ):
        assert (project / path).exists() is full, path
    stages = load_yaml(project / "dvc.yaml")["stages"]
    catalog = load_yaml(project / "data" / "catalog.yaml")["datasets"]
    produced = {entry["path"]: entry["produced_by"] for entry in catalog.values()}
    outs = {o for stage in stages.values() for o in stage.get("outs", []) if isinstance(o, str)}
    assert {p for p in outs if p.startswith("data/")} == set(produced)
    assert set(produced.values()) <= set(stages)


def test_pre_commit_hooks_are_local_pinned_tools(baked: tuple[dict[str, str], Path]) -> None:
    _, project = baked
    config = load_yaml(project / ".pre-commit-config.yaml")
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert all(hook["language"] == "system" for hook in hooks.values())
    packages = dev_packages(project)
    wrapper = "sh scripts/in-venv "  # runs the tool from .venv, activated or not
    for hook in hooks.values():
        assert hook["entry"].startswith(wrapper), hook["id"]
        tool = hook["entry"].removeprefix(wrapper).split()[0]
        if tool in HOOK_TOOLS:
            assert HOOK_TOOLS[tool] in packages, tool
    assert hooks["params-in-sync"]["entry"] == f"{wrapper}python -m {project.name}.config --check"
    assert hooks["mlops-kit-audit"]["entry"] == f"{wrapper}mlops-kit audit"
    assert "mlops-kit" in packages
    assert hooks["mlops-kit-audit"]["pass_filenames"] is False
    assert {"pytest", "pre-commit", "pdoc", "ruff", "mypy"} <= packages


def test_makefile_has_every_target(baked: tuple[dict[str, str], Path]) -> None:
    answers, project = baked
    text = (project / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", text, re.MULTILINE))
    wanted = {
        "install",
        "lock",
        "lint",
        "test",
        "repro",
        "docs",
        "audit",
        "ui",
        "params",
        "push",
        "pull",
    }
    assert wanted | {"server"} <= targets
    life = {"predict", "serve", "monitor", "promote", "drift-demo"}
    assert (life <= targets) is (answers["example"] == "full")
    assert not life & targets or answers["example"] == "full"
    assert "--workers 1" in text and "--host 127.0.0.1" in text
    assert "docker compose --env-file .env -f deploy/compose.yaml up -d" in text


def test_ci_is_valid_and_pulls_data_only_with_a_remote(
    baked: tuple[dict[str, str], Path], project_env: dict[str, str]
) -> None:
    answers, project = baked
    files = {
        "github": (project / ".github" / "workflows" / "ci.yml", "vendor.github-workflows"),
        "gitlab": (project / ".gitlab-ci.yml", "vendor.gitlab-ci"),
    }
    for provider, (path, _) in files.items():
        assert path.is_file() is (answers["ci"] == provider)
    if answers["ci"] == "none":
        return
    path, schema = files[answers["ci"]]
    run(["check-jsonschema", "--builtin-schema", schema, str(path)], cwd=project, env=project_env)
    text = path.read_text(encoding="utf-8")
    for command in (
        "make install",  # through the project's lock: the kit comes from its dev group
        "pre-commit run --all-files",
        "make test",
        "make repro",
        "mlops-kit audit",
    ):
        assert command in text
    assert "mlops-kit==" not in text
    assert ("dvc pull" in text) is bool(answers["dvc_remote"])
    if answers["dvc_remote"]:
        assert text.index("dvc pull") < text.index("make repro")


def test_dvc_remote_is_configured_without_credentials(baked: tuple[dict[str, str], Path]) -> None:
    answers, project = baked
    config = (project / ".dvc" / "config").read_text(encoding="utf-8")
    assert ("remote = storage" in config) is bool(answers["dvc_remote"])
    if answers["dvc_remote"]:
        assert f"url = {answers['dvc_remote']}" in config
    assert not re.search(r"secret|access_key|password", config, re.IGNORECASE)
    deps = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(d.startswith("dvc[s3]") for d in deps["dependencies"]) is answers[
        "dvc_remote"
    ].startswith("s3://")


IGNORED = [
    ".env",
    "mlflow.db",
    "mlruns/1/meta.yaml",
    "mlartifacts/1/model.pkl",
    ".dvc/config.local",
    "data/raw/wine.csv",
    "data/processed/train.csv",
    "models/model/MLmodel",
    "models/run.json",
    "build/docs/index.html",
    "dvc_plots/index.html",
    ".venv/bin/python",
    "src/pkg/__pycache__/x.cpython-311.pyc",
]
TRACKED = [
    "data/catalog.yaml",
    "data/README.md",
    "data/extra.csv.dvc",
    "reports/metrics.json",
    "dvc.lock",
]


def test_gitignore_keeps_stores_secrets_and_outputs_out(baked: tuple[dict[str, str], Path]) -> None:
    _, project = baked
    for relative in IGNORED + TRACKED:
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).touch()
    for relative in IGNORED:
        assert (
            run(["git", "check-ignore", "-q", relative], cwd=project, check=False).returncode == 0
        ), relative
    for relative in TRACKED:
        assert (
            run(["git", "check-ignore", "-q", relative], cwd=project, check=False).returncode == 1
        ), relative


def test_long_names_and_awkward_text_leave_ruff_nothing_to_change(
    tmp_path: Path, project_env: dict[str, str]
) -> None:
    answers = {
        "project_name": "Long",
        "project_slug": "a_" + "b" * 62,
        "description": 'It\'s a "quoted" description, long enough to pass the line limit: '
        + "x" * 80,
        "author_name": "Zoë O'Brien",
    }
    project = bake_project(tmp_path, **answers)
    assert len(project.name) == 64
    for command in (
        ["ruff", "check", "--no-cache", "."],
        ["ruff", "format", "--no-cache", "--check", "."],
    ):
        run(command, cwd=project, env=project_env)
