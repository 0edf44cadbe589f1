"""The validate stage: clean data passes; broken data fails with a readable report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import DictConfig

from {{ cookiecutter.module_name }}.stages import validate


def read_report(cfg: DictConfig) -> dict[str, object]:
    report: dict[str, object] = json.loads(Path(cfg.validate.report_path).read_text())
    return report


def test_clean_data_passes(tiny_data: DictConfig) -> None:
    tiny_data.validate.min_rows = 5

    report = validate.run(tiny_data)

    assert report["passed"] is True
    assert read_report(tiny_data) == report


def test_broken_data_is_rejected_with_every_problem_named(tiny_data: DictConfig) -> None:
    tiny_data.validate.min_rows = 5
    train = pd.read_csv(tiny_data.data.train_path)
    train.loc[0, "alcohol"] = 99.0  # outside the declared range
    train.loc[1, "ash"] = None  # no missing values allowed
    train = train.drop(columns=["hue"]).assign(notes="x")  # missing and undeclared columns
    train.to_csv(tiny_data.data.train_path, index=False)

    with pytest.raises(validate.ValidationFailed) as failure:
        validate.run(tiny_data)

    message = str(failure.value)
    for expected in ("'alcohol'", "99.0", "'ash'", "missing value", "'hue'", "'notes'"):
        assert expected in message
    assert "test (" not in message  # the untouched test split has no problem
    report = read_report(tiny_data)
    assert report["passed"] is False


def test_too_few_rows_and_wrong_labels_are_rejected(tiny_data: DictConfig) -> None:
    tiny_data.validate.min_rows = 1000
    test = pd.read_csv(tiny_data.data.test_path)
    test.loc[0, tiny_data.data.target] = 7
    test.to_csv(tiny_data.data.test_path, index=False)

    with pytest.raises(validate.ValidationFailed) as failure:
        validate.run(tiny_data)

    assert "fewer than 1000 rows" in str(failure.value)
    assert "isin" in str(failure.value) and "7" in str(failure.value)
