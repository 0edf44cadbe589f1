"""Champion and candidate on the team-server path (MLflow server on PostgreSQL, loopback).

A weak model passes the gate first and becomes @champion on the server; `dvc repro`
trains the default model, which beats it and is promoted; a `dvc exp run` trial is
registered on the server but moves no alias.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import bake_project, install_project, run
from servers.local_servers import MlflowServer

pytestmark = pytest.mark.slow

WEAK = ["model.scale_features=false", "model.estimator.C=0.000001"]
NO_GATE = ["evaluate.gate.min_accuracy=0.0", "evaluate.gate.min_f1_macro=0.0"]


def aliases(server: MlflowServer, name: str) -> tuple[int, dict[str, str]]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=server.url)
    versions = client.search_model_versions(f"name = '{name}'")
    aliases = client.get_registered_model(name).aliases
    return len(versions), {alias: str(version) for alias, version in aliases.items()}


def test_only_a_better_model_is_promoted_and_trials_move_nothing(
    tracking_server: MlflowServer, tmp_path: Path, project_env: dict[str, str]
) -> None:
    project = bake_project(
        tmp_path,
        project_name="Champion Server",
        tracking="server",
        tracking_uri=tracking_server.url,
    )
    install_project(project, project_env)
    module = project.name

    def step(*command: str) -> str:
        return run(list(command), cwd=project, env=project_env, timeout=900).stdout

    step(sys.executable, "-m", f"{module}.stages.prepare")
    step(sys.executable, "-m", f"{module}.stages.train", *WEAK)
    assert "version 1 is the first @champion" in step(
        sys.executable, "-m", f"{module}.stages.evaluate", *NO_GATE
    )
    assert aliases(tracking_server, module) == (1, {"champion": "1", "candidate": "1"})

    assert "version 2 beats @champion version 1" in step("dvc", "repro")
    assert aliases(tracking_server, module) == (2, {"champion": "2", "candidate": "2"})

    trial = step("dvc", "exp", "run", "--set-param", "model=random_forest")
    assert "trials never move @champion" in trial, trial
    assert aliases(tracking_server, module) == (3, {"champion": "2", "candidate": "2"})
    assert not (project / "mlflow.db").exists()
