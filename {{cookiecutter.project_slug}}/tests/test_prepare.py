"""The prepare stage: bundled data in, raw file and a stratified train/test split out."""

from __future__ import annotations

import pandas as pd
from omegaconf import DictConfig

from {{ cookiecutter.module_name }}.stages import prepare


def test_writes_raw_data_and_a_stratified_split(cfg: DictConfig) -> None:
    rows = prepare.run(cfg)

    raw = pd.read_csv(cfg.data.raw_path)
    train = pd.read_csv(cfg.data.train_path)
    test = pd.read_csv(cfg.data.test_path)
    assert rows == {"raw": len(raw), "train": len(train), "test": len(test)}
    assert len(train) + len(test) == len(raw) == 178
    assert abs(len(test) / len(raw) - cfg.prepare.test_size) < 0.01
    assert list(train.columns) == list(raw.columns)
    assert all("/" not in column for column in raw.columns)
    shares = raw[cfg.data.target].value_counts(normalize=True)
    test_shares = test[cfg.data.target].value_counts(normalize=True)
    assert (shares - test_shares).abs().max() < 0.05


def test_split_is_reproducible(cfg: DictConfig) -> None:
    frame = prepare.load_dataset()
    first_train, _ = prepare.split(frame, cfg)
    second_train, _ = prepare.split(frame, cfg)
    assert first_train.equals(second_train)
