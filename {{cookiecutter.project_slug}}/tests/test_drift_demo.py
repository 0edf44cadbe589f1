"""The drift demo's batches: normal rows from the training split, one feature shifted."""

from __future__ import annotations

import pandas as pd
from omegaconf import DictConfig

from {{ cookiecutter.module_name }} import drift_demo
from {{ cookiecutter.module_name }}.inputs import check_batch


def test_shifted_batch_moves_one_feature_and_stays_valid(tiny_data: DictConfig) -> None:
    normal, shifted, column = drift_demo.demo_batches(tiny_data)

    assert len(normal) == len(shifted) == drift_demo.ROWS
    train = pd.read_csv(tiny_data.data.train_path)
    assert shifted[column].mean() > normal[column].mean() + 0.5 * train[column].std()
    others = [c for c in normal.columns if c != column]
    pd.testing.assert_frame_equal(normal[others], shifted[others])
    assert check_batch(normal, tiny_data) == [] and check_batch(shifted, tiny_data) == []


def test_free_port_is_a_port() -> None:
    assert 0 < drift_demo.free_port() < 65536
