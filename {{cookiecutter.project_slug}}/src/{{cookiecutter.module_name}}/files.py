"""Reading and writing the pipeline's files: data splits and small JSON results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd


def read_split(path: str | Path, target: str) -> tuple[pd.DataFrame, pd.Series]:
    """Read a CSV split; return its feature columns and its target column."""
    frame = pd.read_csv(path)
    return frame.drop(columns=[target]), frame[target]


def write_json(path: str | Path, data: Any) -> None:
    """Write `data` as indented JSON, creating the folder if needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
