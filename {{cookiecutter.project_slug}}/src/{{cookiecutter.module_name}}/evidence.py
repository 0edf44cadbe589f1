"""What the stages show in MLflow besides params and metrics: data inputs, reports, images.

With these, MLflow's UI alone tells which data made which model: each run lists its train
and test files as dataset inputs (named as in data/catalog.yaml, with the file's md5 as
digest, the hash dvc.lock and the project report show), and carries its reports and charts
as artifacts. Call these inside an active run (`tracking.tracked_run`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from .lineage import file_md5
from .tracking import asked_again

CATALOG = Path("data/catalog.yaml")


def catalog_names(catalog: Path = CATALOG) -> dict[str, str]:
    """Return dataset path -> catalog entry name, from data/catalog.yaml (empty if none)."""
    import yaml

    try:
        data = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    entries = data.get("datasets") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        return {}
    return {
        str(entry["path"]): str(name)
        for name, entry in entries.items()
        if isinstance(entry, dict) and isinstance(entry.get("path"), str)
    }


def log_datasets(splits: Mapping[str, tuple[str | Path, pd.DataFrame]], target: str) -> None:
    """Log each split (context -> (path, frame)) as a dataset input of the active run."""
    import mlflow
    import mlflow.data

    names = catalog_names()
    for context, (path, frame) in splits.items():
        with warnings.catch_warnings():
            # MLflow says which kind of source it guessed a path is, and hints that integer
            # columns cannot hold missing values (when the dataset is made, and again when
            # its schema is inferred on logging): neither applies to logging a file.
            warnings.simplefilter("ignore", UserWarning)
            dataset = mlflow.data.from_pandas(
                frame,
                source=str(path),
                name=names.get(Path(path).as_posix(), Path(path).stem),
                targets=target if target in frame.columns else None,
                digest=file_md5(path),
            )
            asked_again(partial(mlflow.log_input, dataset, context=context))


def log_files(paths: list[Path], artifact_dir: str) -> None:
    """Log the files that exist among `paths` as artifacts under `artifact_dir`."""
    import mlflow

    for path in paths:
        if path.is_file():
            mlflow.log_artifact(str(path), artifact_dir)


def log_figures(figures: Mapping[str, Any], artifact_dir: str) -> None:
    """Log matplotlib figures as PNG images named `<artifact_dir>/<name>.png`."""
    import mlflow

    for name, figure in figures.items():
        mlflow.log_figure(figure, f"{artifact_dir}/{name}.png")
