"""MLflow against a real tracking server on PostgreSQL: runs, artifacts and the registry."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from servers.local_servers import MlflowServer

pytestmark = pytest.mark.slow


def test_client_logs_a_run_artifact_and_model_version(
    tracking_server: MlflowServer, tmp_path: Path
) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=tracking_server.url)
    name = f"fixture-check-{uuid.uuid4().hex[:8]}"
    experiment_id = client.create_experiment(name)
    run = client.create_run(experiment_id)
    client.log_param(run.info.run_id, "alpha", "0.5")
    client.log_metric(run.info.run_id, "accuracy", 0.9)
    note = tmp_path / "model" / "note.txt"
    note.parent.mkdir()
    note.write_text("hello", encoding="utf-8")
    client.log_artifacts(run.info.run_id, str(note.parent), artifact_path="model")
    client.set_terminated(run.info.run_id)
    client.create_registered_model(name)
    version = client.create_model_version(name, f"runs:/{run.info.run_id}/model", run.info.run_id)

    stored = client.get_run(run.info.run_id)
    assert stored.info.status == "FINISHED"
    assert stored.data.params == {"alpha": "0.5"}
    assert stored.data.metrics == {"accuracy": 0.9}
    assert [a.path for a in client.list_artifacts(run.info.run_id, "model")] == ["model/note.txt"]
    assert client.get_model_version(name, version.version).run_id == run.info.run_id
    # Artifacts went through the server's proxy into its destination, not into tmp_path.
    assert list(tracking_server.artifacts.rglob("note.txt"))
