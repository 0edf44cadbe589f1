"""Load the wine dataset bundled with scikit-learn and split it into train and test sets."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from omegaconf import DictConfig
from sklearn.model_selection import train_test_split

from ..runner import reported_errors, stage_config


def load_dataset() -> pd.DataFrame:
    """Return the wine data (178 rows, 13 features, `target`) with snake_case column names."""
    from sklearn.datasets import load_wine

    frame: pd.DataFrame = load_wine(as_frame=True).frame
    return frame.rename(columns=lambda name: name.replace("/", "_"))


def split(frame: pd.DataFrame, cfg: DictConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows into train and test sets, stratified by the target when configured."""
    labels = frame[cfg.data.target] if cfg.prepare.stratify else None
    train, test = train_test_split(
        frame,
        test_size=cfg.prepare.test_size,
        random_state=cfg.prepare.random_state,
        stratify=labels,
    )
    return train, test


def write_csv(frame: pd.DataFrame, path: str) -> None:
    """Write `frame` without its index, creating the folder if needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def run(cfg: DictConfig) -> dict[str, int]:
    """Write the raw data and its train/test split; return the row count of each file."""
    raw = load_dataset()
    train, test = split(raw, cfg)
    write_csv(raw, cfg.data.raw_path)
    write_csv(train, cfg.data.train_path)
    write_csv(test, cfg.data.test_path)
    rows = {"raw": len(raw), "train": len(train), "test": len(test)}
    print(f"prepare: {rows['raw']} rows -> train {rows['train']}, test {rows['test']}")
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    """Run the stage from the command line."""
    with reported_errors():
        run(stage_config(__doc__, argv))


if __name__ == "__main__":
    main()
