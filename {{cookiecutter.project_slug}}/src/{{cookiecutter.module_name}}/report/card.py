"""The model card of the model that serves: what it is for, its data, how well it does.

The written part (intended use, out-of-scope uses, limitations, owner) comes from
models/card.yaml; the measured part is computed here on the test split: metrics per class
and permutation importance (how much the test accuracy drops when one feature's values
are shuffled), which says which features drive the predictions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .sources import Missing, read_yaml

CARD_FILE = Path("models/card.yaml")
REPEATS = 5
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


def written_card(root: Path) -> dict[str, str] | Missing:
    """Return the fields of models/card.yaml, or what to write."""
    data = read_yaml(root / CARD_FILE, fix="describe the model's intended use there")
    if isinstance(data, Missing):
        return data
    if not isinstance(data, dict):
        return Missing(f"{CARD_FILE} holds no mapping", "write `intended_use: ...` and so on")
    return {str(k): str(v).strip() for k, v in data.items() if v is not None}


def load_model(
    root: Path, model_dir: str, run_info: str, uri: str | None, run_id: str | None
) -> Any:
    """Return (model, where it came from): the workspace copy when it is the same run as
    the registered one (no download), else the registry's copy at `uri`."""
    import mlflow.sklearn

    local = root / model_dir
    info_path = root / run_info
    local_run = None
    if info_path.is_file():
        try:
            local_run = json.loads(info_path.read_text(encoding="utf-8")).get("run_id")
        except (ValueError, OSError, AttributeError):
            local_run = None
    if uri and run_id and run_id != local_run:
        return mlflow.sklearn.load_model(uri), uri
    return mlflow.sklearn.load_model(str(local)), model_dir


def measure(model: Any, model_from: str, test_path: Path, target: str) -> Measured | Missing:
    """Return per-class metrics and permutation importance of `model` on the test split."""
    import pandas as pd
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import classification_report

    try:
        frame = pd.read_csv(test_path)
    except (OSError, ValueError) as error:
        return Missing(f"the test split {test_path} cannot be read ({error})", "run `dvc repro`")
    if target not in frame.columns or frame.empty:
        return Missing(f"the test split {test_path} has no rows or no `{target}` column")
    features, labels = frame.drop(columns=[target]), frame[target]
    try:
        predicted = model.predict(features)
        report = classification_report(labels, predicted, output_dict=True, zero_division=0)
        result = permutation_importance(
            model, features, labels, n_repeats=REPEATS, random_state=0, scoring="accuracy"
        )
    except (ValueError, KeyError, TypeError) as error:
        return Missing(f"the model cannot score {test_path} ({error})")
    per_class = {
        str(name): {k: float(v) for k, v in values.items()}
        for name, values in report.items()
        if isinstance(values, dict)
    }
    names = [str(c) for c in features.columns]
    return Measured(
        model_from=model_from,
        per_class=per_class,
        importance=dict(zip(names, map(float, result.importances_mean), strict=True)),
        importance_std=dict(zip(names, map(float, result.importances_std), strict=True)),
        rows=len(frame),
    )
