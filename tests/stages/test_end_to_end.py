"""add-stage in a baked project: the stage runs under `dvc repro`, everything stays green."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import Bake
from helpers import install_project, run

NEW_FILES = [
    "src/wine_classifier/stages/featurize.py",
    "conf/featurize/default.yaml",
    "tests/test_featurize.py",
]
EDITED = ["dvc.yaml", "conf/config.yaml", "params.yaml", "data/catalog.yaml"]


def untracked(project: Path, env: dict[str, str]) -> list[str]:
    listing = run(["git", "ls-files", "--others", "--exclude-standard"], project, env)
    return listing.stdout.split()


@pytest.mark.slow
def test_added_stage_runs_in_order_and_remove_stage_restores_the_project(
    bake: Bake, project_env: dict[str, str]
) -> None:
    project = bake()
    install_project(project, project_env)
    # Other sessions may install their own baked wine_classifier into the shared env at
    # any time; put this project's source first so every command runs this copy.
    env = {**project_env, "PYTHONPATH": str(project / "src")}
    assert untracked(project, env) == []

    run(["mlops-kit", "add-stage", "featurize", "--after", "prepare"], project, env)
    for name in NEW_FILES:
        assert (project / name).is_file()
    assert run(["git", "diff", "--name-only"], project, env).stdout.split() == sorted(EDITED)

    repro = run(["dvc", "repro"], project, env, timeout=900).stdout
    order = re.findall(r"Running stage '(\w+)'", repro)
    assert order.index("prepare") < order.index("featurize")
    assert "featurize: wine 178 rows, train 142 rows, test 36 rows" in repro
    for split in ("wine", "train", "test"):
        assert (project / "data" / "featurize" / f"{split}.csv").is_file()
    lock = yaml.safe_load((project / "dvc.lock").read_text())
    assert "featurize" in lock["stages"]
    assert "Running stage" not in run(["dvc", "repro"], project, env, timeout=900).stdout

    run(["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env, timeout=900)
    run(["python", "-m", "wine_classifier.config", "--check"], project, env)
    hooks = ["pre-commit", "run", "--files", *NEW_FILES, *EDITED]
    run(hooks, project, env, timeout=900)
    audit = run(["mlops-kit", "audit", "--format", "json"], project, env, check=False)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    # The profile lists the project's files; no finding may be about the new stage.
    findings = json.loads(audit.stdout)["findings"]
    assert [f for f in findings if "featurize" in json.dumps(f)] == []

    run(["mlops-kit", "remove-stage", "featurize"], project, env)
    run(["git", "diff", "--exit-code"], project, env)
    left = untracked(project, env)
    assert all(path == "dvc.lock" or path.startswith("reports/") for path in left), left
    lock = yaml.safe_load((project / "dvc.lock").read_text())
    assert "featurize" not in lock["stages"]
    for name in NEW_FILES:
        assert not (project / name).exists()
    assert not (project / "conf" / "featurize").exists()
