"""Score the trained model on the test set, apply the quality gate, register a passing model.

Writes metrics (reports/metrics.json) and plot data (reports/plots/) for `dvc metrics show`
and `dvc plots show`, logs the test metrics to the training run in MLflow, and registers
the model in MLflow's model registry only when every metric meets its minimum in
`evaluate.gate`; otherwise the stage fails and nothing is registered. A registered model
gets the `@candidate` alias and becomes `@champion` only when it beats the current one
(promote.py; `dvc exp run` trials are registered but move no alias).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

from ..charts import bar_figure, plot_figure
from ..evidence import log_figures, log_files
from ..explain import explain
from ..files import read_split, write_json
from ..lineage import git_state
from ..promote import experiment_trial, promote
from ..registry import point_alias
from ..runner import StageError, reported_errors, stage_config
from ..tracking import start_tracking, tracked_run

DIGITS = 4
# How each plot is drawn as an image for MLflow (dvc.yaml says the same for `dvc plots`).
PLOT_AXES: dict[str, dict[str, str]] = {
    "confusion_matrix": {
        "template": "confusion",
        "x": "predicted",
        "y": "actual",
        "title": "Confusion matrix (test set)",
    },
    "roc": {"x": "fpr", "y": "tpr", "title": "ROC curve, micro-averaged (test set)"},
    "precision_recall": {
        "x": "recall",
        "y": "precision",
        "title": "Precision-recall curve, micro-averaged (test set)",
    },
}


class GateFailed(StageError):
    """A test metric is below its minimum; the model was not registered."""


def score(labels: pd.Series, predicted: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Return the test metrics: accuracy, macro F1/precision/recall, one-vs-rest ROC AUC."""
    values = {
        "accuracy": skm.accuracy_score(labels, predicted),
        "f1_macro": skm.f1_score(labels, predicted, average="macro"),
        "precision_macro": skm.precision_score(labels, predicted, average="macro", zero_division=0),
        "recall_macro": skm.recall_score(labels, predicted, average="macro", zero_division=0),
        "roc_auc_ovr": skm.roc_auc_score(labels, proba, multi_class="ovr"),
    }
    return {name: round(float(value), DIGITS) for name, value in values.items()}


def plot_data(
    labels: pd.Series, predicted: np.ndarray, proba: np.ndarray, classes: Sequence[Any]
) -> dict[str, list[dict[str, Any]]]:
    """Return rows for a confusion matrix and micro-averaged ROC and precision-recall curves."""
    truth = label_binarize(labels, classes=list(classes)).ravel()
    fpr, tpr, _ = skm.roc_curve(truth, proba.ravel())
    precision, recall, _ = skm.precision_recall_curve(truth, proba.ravel())
    return {
        "confusion_matrix": [
            {"actual": int(a), "predicted": int(p)} for a, p in zip(labels, predicted, strict=True)
        ],
        "roc": [
            {"fpr": round(float(x), 6), "tpr": round(float(y), 6)}
            for x, y in zip(fpr, tpr, strict=True)
        ],
        "precision_recall": [
            {"recall": round(float(r), 6), "precision": round(float(p), 6)}
            for r, p in zip(recall, precision, strict=True)
        ],
    }


def gate_failures(metrics: Mapping[str, float], gate: Mapping[str, Any]) -> list[str]:
    """Return one phrase per metric below its `min_<metric>` threshold."""
    failures = []
    for key, minimum in gate.items():
        name = key.removeprefix("min_")
        if name not in metrics:
            raise StageError(f"evaluate.gate.{key} names no metric; known: {', '.join(metrics)}")
        if metrics[name] < float(minimum):
            failures.append(f"{name} {metrics[name]:.4f} < {float(minimum):.4f}")
    return failures


def run(cfg: DictConfig) -> dict[str, Any]:
    """Evaluate, write metrics and plots, gate; return the metrics and registered version."""
    start_tracking(cfg)  # an unreachable tracking server fails the stage before any work
    import mlflow
    import mlflow.sklearn

    trained = json.loads(Path(cfg.train.run_info_path).read_text(encoding="utf-8"))
    features, labels = read_split(cfg.data.test_path, cfg.data.target)
    model = mlflow.sklearn.load_model(cfg.train.model_dir)
    predicted = model.predict(features)
    proba = model.predict_proba(features)
    metrics = score(labels, predicted, proba)
    write_json(cfg.evaluate.metrics_path, metrics)
    plots_dir = Path(cfg.evaluate.plots_dir)
    figures = {}
    for name, rows in plot_data(labels, predicted, proba, model.classes_).items():
        write_json(plots_dir / f"{name}.json", rows)
        figures[name] = plot_figure(rows, PLOT_AXES[name], PLOT_AXES[name]["title"])
    explanation = explain(model, features, labels)
    write_json(cfg.evaluate.explain_path, {"run_id": trained["run_id"], **explanation})
    figures["permutation_importance"] = bar_figure(
        explanation["importance"],
        explanation["importance_std"],
        "Permutation importance (drop in test accuracy)",
    )
    failures = gate_failures(metrics, cfg.evaluate.gate)
    version = None
    # The results join the training run, so one run holds the model and all its metrics.
    with tracked_run(cfg, run_id=trained["run_id"]):
        test_metrics = {f"test_{name}": value for name, value in metrics.items()}
        mlflow.log_metrics(test_metrics, model_id=trained["model_id"])
        mlflow.log_artifacts(str(plots_dir), "plots")
        log_figures(figures, "plots")
        log_files([Path(cfg.evaluate.metrics_path), Path(cfg.evaluate.explain_path)], "evaluation")
        mlflow.set_tag("quality_gate", "failed" if failures else "passed")
        if not failures:
            version = register(cfg, trained["model_uri"], metrics)
    promotion = None if version is None else promote(cfg, str(version), metrics)
    if failures:
        raise GateFailed(
            f"quality gate failed: {'; '.join(failures)} (evaluate.gate in conf/evaluate/); "
            "the model was not registered"
        )
    print(
        f"evaluate: accuracy {metrics['accuracy']:.3f}, f1_macro {metrics['f1_macro']:.3f}; "
        f"registered {cfg.evaluate.registered_model_name} version {version} "
        f"(alias @{cfg.evaluate.alias})"
    )
    if promotion is not None:
        print(f"evaluate: {'promoted' if promotion.promoted else 'kept'}: {promotion.reason}")
    return {
        "metrics": metrics,
        "version": version,
        "promoted": bool(promotion and promotion.promoted),
    }


def register(cfg: DictConfig, model_uri: str, metrics: Mapping[str, float]) -> int:
    """Register the logged model, tag the version with its lineage, point the alias at it."""
    import mlflow

    name = str(cfg.evaluate.registered_model_name)
    tags = {**git_state(), **{f"test_{k}": str(v) for k, v in metrics.items()}}
    version = mlflow.register_model(model_uri, name, tags=tags)
    if experiment_trial() is None:  # trials are registered but move no alias
        point_alias(name, str(cfg.evaluate.alias), version.version)
    return int(version.version)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the stage from the command line."""
    with reported_errors():
        run(stage_config(__doc__, argv))


if __name__ == "__main__":
    main()
