"""The evaluate stage: metrics and plots, a quality gate, registration of passing models."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from mlflow import MlflowClient
from omegaconf import DictConfig

from {{ cookiecutter.module_name }}.stages import evaluate, train


@pytest.fixture
def trained(tiny_data: DictConfig, tmp_path: Path) -> DictConfig:
    """Tiny data with a trained model, and a registry name of its own."""
    tiny_data.evaluate.registered_model_name = f"test-{tmp_path.name}"
    train.run(tiny_data)
    return tiny_data


def test_passing_model_is_registered_with_metrics_and_plots(trained: DictConfig) -> None:
    trained.evaluate.gate = {"min_accuracy": 0.5}

    result = evaluate.run(trained)

    metrics = json.loads(Path(trained.evaluate.metrics_path).read_text())
    assert metrics == result["metrics"] and metrics["accuracy"] >= 0.5
    confusion = json.loads(Path(trained.evaluate.plots_dir, "confusion_matrix.json").read_text())
    assert len(confusion) == len(pd.read_csv(trained.data.test_path))
    client = MlflowClient(trained.tracking.uri)
    name = trained.evaluate.registered_model_name
    version = client.get_model_version_by_alias(name, trained.evaluate.alias)
    assert version.version == result["version"]


def test_failing_gate_stops_and_registers_nothing(trained: DictConfig) -> None:
    trained.evaluate.gate = {"min_accuracy": 1.01}

    with pytest.raises(evaluate.GateFailed, match="accuracy"):
        evaluate.run(trained)

    assert Path(trained.evaluate.metrics_path).is_file()  # kept for inspection
    client = MlflowClient(trained.tracking.uri)
    name = trained.evaluate.registered_model_name
    assert client.search_model_versions(f"name = '{name}'") == []
    run_id = json.loads(Path(trained.train.run_info_path).read_text())["run_id"]
    run = client.get_run(run_id)
    assert run.data.tags["quality_gate"] == "failed"
    assert run.info.status == "FINISHED"  # the training itself did not fail
