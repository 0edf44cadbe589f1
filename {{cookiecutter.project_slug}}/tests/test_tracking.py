"""Tracking set-up: the environment overrides the config; failures are quick and recorded."""

from __future__ import annotations

import socket
import time

import pytest
from mlflow import MlflowClient
from omegaconf import DictConfig

from {{ cookiecutter.module_name }} import tracking


def test_environment_overrides_the_configured_uri(
    cfg: DictConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tracking.tracking_uri(cfg) == cfg.tracking.uri
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow.example.com")
    assert tracking.tracking_uri(cfg) == "http://mlflow.example.com"


def test_a_server_nobody_answers_on_is_named_in_the_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        uri = f"http://127.0.0.1:{probe.getsockname()[1]}"

    with pytest.raises(tracking.TrackingError, match=uri):
        tracking.check_server(uri, timeout=2)


def test_a_run_that_raises_is_marked_failed(cfg: DictConfig) -> None:
    with pytest.raises(RuntimeError), tracking.tracked_run(cfg, run_name="boom") as run:
        raise RuntimeError("boom")

    status = MlflowClient(cfg.tracking.uri).get_run(run.info.run_id).info.status
    assert status == "FAILED"


def test_a_record_a_concurrent_run_stored_first_is_asked_for_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mlflow.exceptions import MlflowException

    answers: list[str] = []

    def refused_once() -> None:
        answers.append("asked")
        if len(answers) == 1:
            raise MlflowException("another run inserted the same record first")

    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    tracking.asked_again(refused_once)
    assert len(answers) == 2


def test_a_store_that_keeps_refusing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlflow.exceptions import MlflowException

    answers: list[str] = []

    def refused() -> None:
        answers.append("asked")
        raise MlflowException("refused")

    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    with pytest.raises(MlflowException):
        tracking.asked_again(refused, attempts=3)
    assert len(answers) == 3
