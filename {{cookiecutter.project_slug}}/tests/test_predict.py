"""Batch prediction: the @champion scores a checked batch; lineage beside every row."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import DictConfig

from {{ cookiecutter.module_name }} import predict, predlog
from {{ cookiecutter.module_name }}.lineage import file_md5
from {{ cookiecutter.module_name }}.registry import ModelMissing
from {{ cookiecutter.module_name }}.stages import evaluate, train


@pytest.fixture
def champion(tiny_data: DictConfig, tmp_path: Path) -> DictConfig:
    """Tiny data and a registered model of its own that is the @champion."""
    name = f"test-{tmp_path.name}"
    tiny_data.evaluate.registered_model_name = name
    tiny_data.evaluate.gate = {"min_accuracy": 0.0}
    tiny_data.predict.model_uri = f"models:/{name}@champion"
    train.run(tiny_data)
    evaluate.run(tiny_data)
    return tiny_data


def test_predictions_carry_model_version_run_and_data_hash(champion: DictConfig) -> None:
    result = predict.run(champion)

    output = pd.read_csv(champion.predict.output_path)
    batch = pd.read_csv(champion.predict.batch_path)
    assert len(output) == len(batch) == result["rows"]
    assert set(output["prediction"]) <= {0, 1, 2}
    assert (output["model_version"] == 1).all()
    run_id = json.loads(Path(champion.train.run_info_path).read_text())["run_id"]
    assert (output["run_id"] == run_id).all()
    assert (output["batch_md5"] == file_md5(champion.predict.batch_path)).all()
    logged = predlog.read(champion.predict.log_path)
    assert len(logged) == len(batch) and logged[0]["model"]["version"] == "1"


def test_a_bad_batch_fails_with_the_report_and_writes_no_predictions(
    champion: DictConfig,
) -> None:
    batch = pd.read_csv(champion.predict.batch_path)
    batch.loc[0, "alcohol"] = 99.0
    batch = batch.drop(columns=["hue"])
    batch.to_csv(champion.predict.batch_path, index=False)

    with pytest.raises(predict.BadBatch) as failure:
        predict.run(champion)

    message = str(failure.value)
    assert "\n" not in message and "alcohol" in message and "hue" in message
    assert not Path(champion.predict.output_path).exists()
    report = json.loads(Path(champion.predict.report_path).read_text())
    assert {p["column"] for p in report["problems"]} >= {"alcohol"}


@pytest.mark.parametrize("content", ["", "\x00\x01binary"])
def test_an_empty_or_unreadable_batch_is_one_clear_error(
    tiny_data: DictConfig, content: str
) -> None:
    Path(tiny_data.predict.batch_path).write_text(content)

    with pytest.raises(predict.BadBatch):
        predict.run(tiny_data)


def test_a_missing_alias_fails_fast_in_one_line(tiny_data: DictConfig, tmp_path: Path) -> None:
    tiny_data.predict.model_uri = f"models:/nothing-{tmp_path.name}@champion"

    with pytest.raises(ModelMissing, match="no version of") as failure:
        predict.run(tiny_data)

    assert "\n" not in str(failure.value)


def test_the_command_reports_a_bad_batch_without_a_traceback(
    champion: DictConfig, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    Path(champion.predict.batch_path).write_text("alcohol\nhigh\n")
    monkeypatch.setattr(predict, "stage_config", lambda doc, argv: champion)

    with pytest.raises(SystemExit) as exit_code:
        predict.main([])

    assert exit_code.value.code == 1
    error = capsys.readouterr().err
    assert error.startswith("Error: the batch") and "Traceback" not in error
    assert len(error.strip().splitlines()) == 1
