"""The model service (Flask app): answers, 4xx JSON errors naming the field, log, metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from omegaconf import DictConfig

from {{ cookiecutter.module_name }} import (
    inputs,
    predlog,
    registry,
    serve,
)
from {{ cookiecutter.module_name }}.files import read_split
from {{ cookiecutter.module_name }}.stages import train


@pytest.fixture
def client(tiny_data: DictConfig) -> Any:
    """A test client of the app serving a model fitted on the tiny training split."""
    features, labels = read_split(tiny_data.data.train_path, tiny_data.data.target)
    model = train.build_model(tiny_data.model).fit(features, labels)
    loaded = registry.LoadedModel(
        model, "models:/test@champion", "test", "7", "champion", "run1", "abc", list(model.classes_)
    )
    tiny_data.serve.max_body_bytes = 20_000
    tiny_data.serve.max_rows = 5
    return serve.create_app(tiny_data, loaded).test_client()


@pytest.fixture
def record(tiny_data: DictConfig) -> dict[str, Any]:
    features, _ = read_split(tiny_data.data.test_path, tiny_data.data.target)
    row: dict[str, Any] = features.iloc[0].to_dict()
    return row


def test_health_and_metadata_show_the_lineage(client: Any) -> None:
    assert client.get("/health").get_json() == {"status": "ok", "model_version": "7"}
    metadata = client.get("/metadata").get_json()
    assert metadata["name"] == "test" and metadata["version"] == "7"
    assert metadata["alias"] == "champion" and metadata["run_id"] == "run1"
    assert metadata["training_data_version"] == "abc"


def test_one_record_or_many_are_predicted_and_logged(
    client: Any, record: dict[str, Any], tiny_data: DictConfig
) -> None:
    one = client.post("/predict", json=record)
    many = client.post(
        "/predict", json={"records": [record, record]}, headers={"X-Request-ID": "r"}
    )
    integral = {k: int(v) if float(v).is_integer() else v for k, v in record.items()}
    whole_numbers = client.post("/predict", json=[integral])

    assert one.status_code == many.status_code == 200, one.get_json()
    assert len(one.get_json()["predictions"]) == 1
    assert len(many.get_json()["probabilities"]) == 2
    assert many.get_json()["request_id"] == "r"
    assert whole_numbers.status_code == 200  # JSON integers are numbers for a float column
    logged = predlog.read(tiny_data.predict.log_path)
    assert len(logged) == 4
    assert logged[1]["request_id"] == "r" and logged[1]["model"]["version"] == "7"
    assert logged[0]["inputs"] == record


def _changed(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**record, **changes}


@pytest.mark.parametrize(
    ("make_body", "status", "field"),
    [
        (lambda r: json.dumps({k: v for k, v in r.items() if k != "alcohol"}), 422, "alcohol"),
        (lambda r: json.dumps(_changed(r, alcohol="high")), 422, "alcohol"),
        (lambda r: json.dumps(_changed(r, alcohol=True)), 422, "alcohol"),
        (lambda r: json.dumps(_changed(r, alcohol=None)), 422, "alcohol"),
        (lambda r: json.dumps(_changed(r, alcohol=99.0)), 422, "alcohol"),
        (
            lambda r: json.dumps(_changed(r, alcohol=-7.25)).replace("-7.25", "1e400"),
            422,
            "alcohol",
        ),
        (lambda r: json.dumps(_changed(r, alcohol=float("inf"))), 400, None),
        (lambda r: json.dumps(_changed(r, alcohol=10**400)), 422, "alcohol"),
        (lambda r: json.dumps(_changed(r, alcohol=[13.0])), 422, "alcohol"),
        (lambda r: json.dumps(_changed(r, colour="red")), 422, "colour"),
        (lambda r: json.dumps([r, "not a record"]), 422, None),
        (lambda r: json.dumps([r] * 6), 400, None),
        (lambda r: json.dumps([]), 400, None),
        (lambda r: "{not json", 400, None),
        (lambda r: '{"alcohol": NaN}', 400, None),
        (lambda r: b"\xff\xfe\x00", 400, None),
        (lambda r: "[" * 15_000 + "]" * 15_000, 413, None),
        (lambda r: "[" * 5000 + "]" * 5000, 400, None),
        (lambda r: "1" * 5000, 400, None),
        (lambda r: "", 400, None),
    ],
)
def test_bad_input_gets_a_4xx_json_error_naming_the_field(
    client: Any, record: dict[str, Any], make_body: Any, status: int, field: str | None
) -> None:
    answer = client.post("/predict", data=make_body(record), content_type="application/json")

    assert answer.status_code == status
    body = answer.get_json()
    assert body["error"] and body["field"] == field


def test_unknown_route_and_method_are_json_4xx(client: Any) -> None:
    assert client.get("/nowhere").status_code == 404
    assert client.get("/predict").status_code == 405
    assert client.get("/predict").get_json()["error"]


def test_metrics_are_prometheus_text(client: Any, record: dict[str, Any]) -> None:
    client.post("/predict", json=[record, record])
    client.post("/predict", json={"alcohol": "x"})

    text = client.get("/metrics").get_data(as_text=True)

    assert 'predict_requests_total{endpoint="predict",status="200"} 1.0' in text
    assert "predict_latency_seconds_count 1.0" in text
    assert "predict_validation_failures_total{field=" in text
    assert "predict_rows_total 2.0" in text
    predicted = [line for line in text.splitlines() if line.startswith("predictions_total{")]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in predicted) == 2.0


def test_records_become_a_frame_in_schema_order(
    tiny_data: DictConfig, record: dict[str, Any]
) -> None:
    frame = inputs.frame_from_records([dict(reversed(list(record.items())))], tiny_data)

    assert list(frame.columns) == list(record)
    pd.testing.assert_series_equal(frame.iloc[0], pd.Series(record), check_names=False)
    assert Path(tiny_data.data.test_path).is_file()
