"""Reading and writing the pipeline's files: data splits and small JSON results."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd


def read_split(path: str | Path, target: str) -> tuple[pd.DataFrame, pd.Series]:
    """Read a CSV split; return its feature columns and its target column."""
    frame = pd.read_csv(path)
    return frame.drop(columns=[target]), frame[target]


def write_text(path: str | Path, text: str) -> None:
    """Replace a file with `text` in one step, creating the folder if needed.

    The new text goes to a temporary file beside it first: a failure half-way leaves the
    previous version, never a truncated one.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def write_json(path: str | Path, data: Any) -> None:
    """Write `data` as indented JSON (in one step), creating the folder if needed."""
    write_text(path, json.dumps(data, indent=2) + "\n")
