"""The CI pieces: the template's workflows and this repo's action and hook are valid."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO_ROOT, bake_project, run

BIN = Path(sys.executable).parent


def check_jsonschema(schema: str, *files: Path) -> None:
    tool = shutil.which("check-jsonschema", path=str(BIN)) or "check-jsonschema"
    run([tool, "--builtin-schema", schema, *map(str, files)], cwd=REPO_ROOT, timeout=120)


@pytest.mark.parametrize(
    ("ci", "schema", "relative"),
    [
        ("github", "vendor.github-workflows", ".github/workflows/ci.yml"),
        ("gitlab", "vendor.gitlab-ci", ".gitlab-ci.yml"),
    ],
)
def test_template_ci_config_is_valid_and_runs_the_audit(
    tmp_path: Path, ci: str, schema: str, relative: str
) -> None:
    project = bake_project(tmp_path, ci=ci)
    config = project / relative
    check_jsonschema(schema, config)
    assert "mlops-kit audit" in config.read_text(encoding="utf-8")


def test_action_yml_is_a_valid_composite_action() -> None:
    check_jsonschema("vendor.github-actions", REPO_ROOT / "action.yml")
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        # Inputs reach scripts through env only: no ${{ inputs.* }} inside `run:`.
        assert "${{" not in step.get("run", "")


def test_pre_commit_hook_manifest() -> None:
    manifest = REPO_ROOT / ".pre-commit-hooks.yaml"
    tool = shutil.which("pre-commit", path=str(BIN)) or "pre-commit"
    run([tool, "validate-manifest", str(manifest)], cwd=REPO_ROOT, timeout=120)
    hooks = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "mlops-kit-audit")
    assert hook["entry"] == "mlops-kit audit" and hook["pass_filenames"] is False
