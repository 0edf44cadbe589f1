"""Shared fixtures: the project's config pointed at a temp folder, tiny data, an MLflow store.

Every path in the config (keys ending in `_path` or `_dir`) is moved under the test's
temp folder, and MLflow logs to a throw-away SQLite store, so tests never touch the
project's data/, models/, reports/ or mlflow.db.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import DictConfig

from {{ cookiecutter.module_name }}.config import compose_config
from {{ cookiecutter.module_name }}.stages import prepare

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ROWS_PER_CLASS = 20


@pytest.fixture(scope="session")
def mlflow_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for one SQLite MLflow store shared by the session (creating one is slow)."""
    return tmp_path_factory.mktemp("mlflow")


def config_under(folder: Path) -> DictConfig:
    """The project's configuration (conf/) with every `*_path`/`*_dir` moved under `folder`."""
    config = compose_config(root=PROJECT_ROOT)
    for section in config.values():
        if not isinstance(section, DictConfig):
            continue
        for key, value in section.items():
            if str(key).endswith(("_path", "_dir")) and isinstance(value, str):
                section[key] = str(folder / value)
    return config


@pytest.fixture
def cfg(tmp_path: Path, mlflow_dir: Path, monkeypatch: pytest.MonkeyPatch) -> DictConfig:
    """The project's configuration with its files under tmp_path and a test MLflow store."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(mlflow_dir)  # MLflow puts run artifacts (mlruns/) in the cwd
    config = config_under(tmp_path)
    config.tracking.uri = f"sqlite:///{mlflow_dir / 'mlflow.db'}"
    return config


@pytest.fixture
def tiny_data(cfg: DictConfig) -> DictConfig:
    """Write a small stratified train/test split (60 rows) where `cfg` expects it."""
    frame = prepare.load_dataset().groupby(cfg.data.target).head(ROWS_PER_CLASS)
    train, test = prepare.split(frame, cfg)
    prepare.write_csv(train, cfg.data.train_path)
    prepare.write_csv(test, cfg.data.test_path)
    return cfg
