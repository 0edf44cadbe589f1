"""Champion and candidate: only a better model becomes @champion; trials never move it."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow import MlflowClient
from omegaconf import DictConfig

from {{ cookiecutter.module_name }} import promote
from {{ cookiecutter.module_name }}.stages import evaluate, train


@pytest.fixture
def pipeline(tiny_data: DictConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DictConfig:
    """Tiny data, a registry name of its own, a gate every model passes, no DVC trial."""
    for name in (*promote.EXPERIMENT_VARIABLES, promote.SWITCH):
        monkeypatch.delenv(name, raising=False)
    tiny_data.evaluate.registered_model_name = f"test-{tmp_path.name}"
    tiny_data.evaluate.gate = {"min_accuracy": 0.0}
    return tiny_data


def _train_and_evaluate(cfg: DictConfig, good: bool) -> dict[str, object]:
    # A weak model: unscaled features and heavy regularisation predict little better
    # than the majority class.
    cfg.model.scale_features = good
    cfg.model.estimator.C = 1.0 if good else 1e-6
    train.run(cfg)
    return evaluate.run(cfg)


def _alias(cfg: DictConfig, alias: str) -> str | None:
    client = MlflowClient(cfg.tracking.uri)
    name = cfg.evaluate.registered_model_name
    try:
        return str(client.get_model_version_by_alias(name, alias).version)
    except Exception:
        return None


def test_first_model_is_champion_worse_is_not_promoted_better_is(pipeline: DictConfig) -> None:
    first = _train_and_evaluate(pipeline, good=False)
    assert first["promoted"] and _alias(pipeline, "champion") == "1"

    better = _train_and_evaluate(pipeline, good=True)
    assert better["promoted"] and _alias(pipeline, "champion") == "2"

    worse = _train_and_evaluate(pipeline, good=False)
    assert not worse["promoted"]
    assert _alias(pipeline, "champion") == "2" and _alias(pipeline, "candidate") == "3"
    tags = (
        MlflowClient(pipeline.tracking.uri)
        .get_model_version(pipeline.evaluate.registered_model_name, "3")
        .tags
    )
    assert "does not beat" in tags["promotion"]


def test_experiment_trials_and_the_switch_never_move_the_champion(
    pipeline: DictConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    _train_and_evaluate(pipeline, good=False)
    monkeypatch.setenv("DVC_EXP_NAME", "trial-1")
    monkeypatch.setenv("DVC_EXP_BASELINE_REV", "0" * 40)

    trial = _train_and_evaluate(pipeline, good=True)

    assert not trial["promoted"] and trial["version"] == 2
    assert _alias(pipeline, "champion") == "1" and _alias(pipeline, "candidate") == "1"
    monkeypatch.delenv("DVC_EXP_NAME")
    monkeypatch.delenv("DVC_EXP_BASELINE_REV")
    monkeypatch.setenv(promote.SWITCH, "false")
    assert not _train_and_evaluate(pipeline, good=True)["promoted"]
    assert _alias(pipeline, "champion") == "1"


def test_promote_by_hand_applies_the_same_rule(
    pipeline: DictConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    _train_and_evaluate(pipeline, good=False)
    monkeypatch.setenv(promote.SWITCH, "false")
    _train_and_evaluate(pipeline, good=True)
    monkeypatch.delenv(promote.SWITCH)
    assert _alias(pipeline, "champion") == "1" and _alias(pipeline, "candidate") == "2"

    decision = promote.run(pipeline)

    assert decision.promoted and "beats" in decision.reason
    assert _alias(pipeline, "champion") == "2"
    again = promote.run(pipeline)
    assert not again.promoted and "already" in again.reason


def test_margin_is_strict() -> None:
    assert promote.is_better(0.95, 0.90, 0.0)
    assert not promote.is_better(0.95, 0.95, 0.0)
    assert not promote.is_better(0.95, 0.94, 0.02)


def test_a_champion_that_cannot_be_loaded_is_replaced(pipeline: DictConfig, tmp_path: Path) -> None:
    client = MlflowClient(pipeline.tracking.uri)
    name = pipeline.evaluate.registered_model_name
    client.create_registered_model(name)
    gone = client.create_model_version(name, source=str(tmp_path / "deleted-model"))
    client.set_registered_model_alias(name, "champion", gone.version)

    result = _train_and_evaluate(pipeline, good=True)

    assert result["promoted"] and _alias(pipeline, "champion") == "2"
    reason = client.get_model_version(name, "2").tags["promotion"]
    assert "cannot be loaded" in reason and "replaces it" in reason
