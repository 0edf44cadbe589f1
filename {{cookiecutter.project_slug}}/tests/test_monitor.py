"""The drift monitor: its statistical power and false-alarm rate, reports, alarms.

The power test draws every feature of the schema from a normal distribution with the
wine data's mean and standard deviation: a reference of REFERENCE_ROWS rows and a
current sample of CURRENT_ROWS rows, 100 seeded trials each. One feature shifted by half
a standard deviation must be flagged in at least 95 trials; unshifted samples may raise
an alarm in at most 5. Drift is flagged at p < monitor.family_alpha / number of tests
(Bonferroni over the 13 features).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient
from omegaconf import DictConfig

from {{ cookiecutter.module_name }} import monitor, predlog
from {{ cookiecutter.module_name }}.inputs import schema_spec
from {{ cookiecutter.module_name }}.runner import StageError
from {{ cookiecutter.module_name }}.stages import prepare

TRIALS = 100
REFERENCE_ROWS = 1000
CURRENT_ROWS = 500


def _sample(stats: pd.DataFrame, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {name: rng.normal(stats.loc["mean", name], stats.loc["std", name], rows) for name in stats}
    )


def test_half_sd_shift_is_caught_and_false_alarms_are_rare(cfg: DictConfig) -> None:
    columns = schema_spec(cfg)["columns"]
    stats = prepare.load_dataset()[list(columns)].agg(["mean", "std"])
    shifted_feature = next(iter(columns))
    alpha = float(cfg.monitor.family_alpha)
    caught = false_alarms = 0
    for seed in range(TRIALS):
        rng = np.random.default_rng(seed)
        reference = _sample(stats, REFERENCE_ROWS, rng)
        current = _sample(stats, CURRENT_ROWS, rng)
        false_alarms += any(
            t.drifted for t in monitor.drift_tests(reference, current, columns, alpha)
        )
        current[shifted_feature] += 0.5 * stats.loc["std", shifted_feature]
        tests = monitor.drift_tests(reference, current, columns, alpha)
        caught += any(t.drifted and t.column == shifted_feature for t in tests)

    assert caught >= 95, caught
    assert false_alarms <= 5, false_alarms


def test_psi_is_zero_for_equal_samples_and_grows_with_a_shift() -> None:
    rng = np.random.default_rng(0)
    sample = rng.normal(size=2000)

    assert monitor.psi(sample, sample) == pytest.approx(0.0)
    assert monitor.psi(sample, sample + 0.5) > monitor.psi(sample, sample + 0.1) > 0.0


def test_categorical_columns_use_chi_square() -> None:
    reference = pd.DataFrame({"colour": ["red"] * 500 + ["white"] * 500})
    same = pd.DataFrame({"colour": ["red"] * 250 + ["white"] * 250})
    moved = pd.DataFrame({"colour": ["red"] * 400 + ["white"] * 100})
    columns = {"colour": {"dtype": "str", "allowed": ["red", "white"]}}

    (kept,) = monitor.drift_tests(reference, same, columns, 0.01)
    (flagged,) = monitor.drift_tests(reference, moved, columns, 0.01)

    assert kept.test == flagged.test == "chi_square"
    assert not kept.drifted and flagged.drifted


@pytest.fixture
def batch(tiny_data: DictConfig) -> DictConfig:
    """A current batch: the tiny training rows, predicted right, logging to MLflow off."""
    frame = pd.read_csv(tiny_data.data.train_path)
    frame["prediction"] = frame[tiny_data.data.target]
    Path(tiny_data.monitor.current_path).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(tiny_data.monitor.current_path, index=False)
    Path(tiny_data.monitor.evaluation_metrics_path).parent.mkdir(parents=True, exist_ok=True)
    Path(tiny_data.monitor.evaluation_metrics_path).write_text('{"accuracy": 0.95}')
    tiny_data.monitor.log_to_mlflow = False
    return tiny_data


def test_unchanged_data_passes_with_metrics_and_an_offline_report(batch: DictConfig) -> None:
    metrics = monitor.run(batch)

    written = json.loads(Path(batch.monitor.metrics_path).read_text())
    assert written == metrics and metrics["alarm"] == 0 and metrics["drifted_features"] == 0
    assert metrics["live_accuracy"] == 1.0 and metrics["metric_alarm"] == 0
    assert set(metrics["tests"]) == {*schema_spec(batch)["columns"], "prediction"}
    page = Path(batch.monitor.html_path).read_text()
    assert "<svg" in page and "No alarm" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_shifted_feature_alarms_naming_it(batch: DictConfig) -> None:
    frame = pd.read_csv(batch.monitor.current_path)
    frame["alcohol"] = (frame["alcohol"] + 2 * frame["alcohol"].std()).clip(upper=16.0)
    frame.to_csv(batch.monitor.current_path, index=False)

    with pytest.raises(monitor.DriftDetected, match=r"drift in alcohol\b") as alarm:
        monitor.run(batch)

    assert "\n" not in str(alarm.value)
    metrics = json.loads(Path(batch.monitor.metrics_path).read_text())
    assert metrics["alarm"] == 1 and metrics["tests"]["alcohol"]["drifted"] == 1
    assert "DRIFT" in Path(batch.monitor.html_path).read_text()


def test_quality_problems_and_a_metric_drop_alarm(batch: DictConfig) -> None:
    frame = pd.read_csv(batch.monitor.current_path)
    frame.loc[0, "hue"] = 50.0
    frame["prediction"] = (frame[batch.data.target] + 1) % 3
    frame.to_csv(batch.monitor.current_path, index=False)

    with pytest.raises(monitor.DriftDetected, match="data-quality") as alarm:
        monitor.run(batch)

    assert "hue" in str(alarm.value) and "live accuracy" in str(alarm.value)


def test_the_prediction_log_can_be_monitored_and_a_small_window_is_not_judged(
    batch: DictConfig,
) -> None:
    frame = pd.read_csv(batch.monitor.current_path)
    features = frame.drop(columns=[batch.data.target, "prediction"])
    log = Path(batch.predict.log_path)
    predlog.append(
        log,
        predlog.records_for(
            features.to_dict("records"), frame["prediction"].tolist(), {}, "r", "t"
        ),
    )
    batch.monitor.current_path = str(log)

    assert monitor.run(batch)["drift_tested"] == 1
    batch.monitor.window = 5
    metrics = monitor.run(batch)
    assert metrics["drift_tested"] == 0 and metrics["rows"] == 5


def test_no_current_data_is_one_clear_error(batch: DictConfig) -> None:
    Path(batch.monitor.current_path).write_text("")

    with pytest.raises(StageError, match="no current data"):
        monitor.run(batch)


def test_results_are_logged_to_mlflow(batch: DictConfig) -> None:
    batch.monitor.log_to_mlflow = True

    monitor.run(batch)

    client = MlflowClient(batch.tracking.uri)
    experiment = client.get_experiment_by_name(batch.tracking.experiment)
    assert experiment is not None
    (run,) = client.search_runs([experiment.experiment_id], "tags.stage = 'monitor'", max_results=1)
    assert run.data.metrics["alarm"] == 0.0
    assert {a.path for a in client.list_artifacts(run.info.run_id)} >= {"drift.html"}
