"""The model card of the model that serves: what it is for, its data, how well it does.

The written part (intended use, out-of-scope uses, limitations, owner) comes from
models/card.yaml; the measured part (metrics per class, permutation importance: which
features drive the predictions) is what the evaluate stage wrote for that model, or is
computed here on the test split when it did not (a pipeline without evaluate, or a
champion trained at another commit).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..explain import REPEATS
from .sources import Missing, read_json, read_yaml

CARD_FILE = Path("models/card.yaml")
CARD_FIELDS = (
    ("intended_use", "Intended use"),
    ("out_of_scope", "Out of scope"),
    ("users", "Users"),
    ("limitations", "Limitations"),
    ("ethical_considerations", "Ethical considerations"),
    ("owner", "Owner"),
)


@dataclass
class Measured:
    """Metrics per class and feature importance of one model on the test split."""

    model_from: str
    per_class: dict[str, dict[str, float]]
    importance: dict[str, float]
    importance_std: dict[str, float]
    rows: int
    repeats: int


def written_card(root: Path) -> dict[str, str] | Missing:
    """Return the fields of models/card.yaml, or what to write."""
    data = read_yaml(root / CARD_FILE, fix="describe the model's intended use there")
    if isinstance(data, Missing):
        return data
    if not isinstance(data, dict):
        return Missing(f"{CARD_FILE} holds no mapping", "write `intended_use: ...` and so on")
    return {str(k): str(v).strip() for k, v in data.items() if v is not None}


def local_run_id(root: Path, run_info: str) -> str | None:
    """Return the MLflow run of the workspace model (models/run.json), if known."""
    try:
        data = json.loads((root / run_info).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    run_id = data.get("run_id") if isinstance(data, dict) else None
    return str(run_id) if run_id else None


def load_model(
    root: Path, model_dir: str, run_info: str, uri: str | None, run_id: str | None
) -> tuple[Any, str]:
    """Return (model, where it came from): the workspace copy when it is the same run as
    the registered one (no download), else the registry's copy at `uri`."""
    import mlflow.sklearn

    if uri and run_id and run_id != local_run_id(root, run_info):
        return mlflow.sklearn.load_model(uri), uri
    return mlflow.sklearn.load_model(str(root / model_dir)), model_dir


def _measured(data: dict[str, Any], model_from: str) -> Measured:
    return Measured(
        model_from=model_from,
        per_class=data["per_class"],
        importance=data["importance"],
        importance_std=data["importance_std"],
        rows=int(data["rows"]),
        repeats=int(data.get("repeats", REPEATS)),
    )


def from_file(path: Path, run_id: str | None) -> Measured | None:
    """Return what the evaluate stage measured (its explanation file), if it is of `run_id`."""
    data = read_json(path)
    if not isinstance(data, dict) or run_id is None or data.get("run_id") != run_id:
        return None
    try:
        return _measured(data, f"{path.name}, written by the evaluate stage")
    except (KeyError, TypeError, ValueError):
        return None


def measure(model: Any, model_from: str, test_path: Path, target: str) -> Measured | Missing:
    """Return per-class metrics and permutation importance of `model` on the test split."""
    import pandas as pd

    from ..explain import explain

    try:
        frame = pd.read_csv(test_path)
    except (OSError, ValueError) as error:
        return Missing(f"the test split {test_path} cannot be read ({error})", "run `dvc repro`")
    if target not in frame.columns or frame.empty:
        return Missing(f"the test split {test_path} has no rows or no `{target}` column")
    try:
        data = explain(model, frame.drop(columns=[target]), frame[target])
    except (ValueError, KeyError, TypeError) as error:
        return Missing(f"the model cannot score {test_path} ({error})")
    return _measured(data, model_from)
