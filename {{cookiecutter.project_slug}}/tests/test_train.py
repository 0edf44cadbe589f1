"""The train stage: a fitted model, saved locally and logged to MLflow with its lineage."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import mlflow.sklearn
import pytest
from mlflow import MlflowClient
from omegaconf import DictConfig

from {{ cookiecutter.module_name }} import lineage, tracking
from {{ cookiecutter.module_name }}.config import compose_config
from {{ cookiecutter.module_name }}.files import read_split
from {{ cookiecutter.module_name }}.stages import train

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MODEL_OPTIONS = sorted(path.stem for path in (PROJECT_ROOT / "conf" / "model").glob("*.yaml"))


def test_logs_params_metrics_model_and_lineage(tiny_data: DictConfig) -> None:
    result = train.run(tiny_data)

    run = MlflowClient(tiny_data.tracking.uri).get_run(result["run_id"])
    assert run.info.status == "FINISHED"
    assert run.data.params["model.name"] == tiny_data.model.name
    assert 0.0 <= run.data.metrics["cv_accuracy_mean"] <= 1.0
    versions = lineage.data_version(
        {"train": tiny_data.data.train_path, "test": tiny_data.data.test_path}
    )
    assert run.data.tags["data_version"] == versions["data_version"]
    assert Path(tiny_data.train.model_dir, "MLmodel").is_file()
    assert json.loads(Path(tiny_data.train.run_info_path).read_text())["run_id"] == run.info.run_id
    assert json.loads(Path(tiny_data.train.metrics_path).read_text()) == result["metrics"]


@pytest.mark.parametrize("option", MODEL_OPTIONS)
def test_every_model_option_trains_and_loads_back(tiny_data: DictConfig, option: str) -> None:
    tiny_data.model = compose_config([f"model={option}"], root=PROJECT_ROOT).model

    result = train.run(tiny_data)

    model = mlflow.sklearn.load_model(tiny_data.train.model_dir)
    features, labels = read_split(tiny_data.data.test_path, tiny_data.data.target)
    assert result["model"] == option
    assert len(model.predict(features)) == len(labels)


def test_unreachable_tracking_server_fails_fast_with_the_uri(tiny_data: DictConfig) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tiny_data.tracking.uri = f"http://127.0.0.1:{port}"

    with pytest.raises(tracking.TrackingError, match=f"127.0.0.1:{port}"):
        train.run(tiny_data)

    assert not Path(tiny_data.train.model_dir).exists()
