"""Train the model chosen in the config and log it to MLflow with where it came from.

The run records the parameters, cross-validated metrics, the model (signature and input
example included), the git commit and the md5 of the data files. The model is also saved
under models/ (a DVC output) with the run's id, for the evaluate stage.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ..evidence import log_datasets, log_files
from ..files import read_split, write_json
from ..lineage import data_version, git_state
from ..runner import reported_errors, stage_config
from ..tracking import tracked_run


def build_model(model_cfg: DictConfig) -> Pipeline:
    """Return an unfitted pipeline: optional feature scaling, then the configured estimator."""
    from hydra.utils import instantiate

    steps: list[tuple[str, Any]] = []
    if model_cfg.scale_features:
        steps.append(("scale", StandardScaler()))
    steps.append(("model", instantiate(model_cfg.estimator)))
    return Pipeline(steps)


def flat_params(cfg: DictConfig, sections: Sequence[str]) -> dict[str, Any]:
    """Return the given config sections as `section.key.sub_key` -> value, for MLflow."""
    flat: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}", value)
        else:
            flat[prefix] = node

    for section in sections:
        walk(section, OmegaConf.to_container(cfg[section], resolve=True))
    return flat


def sklearn_types_to_trust(model: Pipeline) -> list[str]:
    """Return the scikit-learn types in `model` that skops does not trust by default.

    MLflow stores models with skops, which refuses to load types outside its allow-list
    (e.g. a random forest's trees) unless they are named when saving. This model was fitted
    right here, so its own scikit-learn types are safe to name.
    """
    from skops.io import dumps, get_untrusted_types

    return [name for name in get_untrusted_types(data=dumps(model)) if name.startswith("sklearn.")]


def save_model(model: Pipeline, path: str, **mlflow_model: Any) -> None:
    """Save `model` in MLflow's format to `path`, replacing an older copy."""
    import mlflow.sklearn

    if Path(path).exists():
        shutil.rmtree(path)
    mlflow.sklearn.save_model(model, path, **mlflow_model)


def log_training_story(cfg: DictConfig) -> None:
    """Log the train and test files as dataset inputs and the validation report, if any."""
    import pandas as pd

    splits = {"train": cfg.data.train_path, "test": cfg.data.test_path}
    log_datasets(
        {context: (path, pd.read_csv(path)) for context, path in splits.items()},
        str(cfg.data.target),
    )
    report = OmegaConf.select(cfg, "validate.report_path", default=None)
    if report:
        log_files([Path(report), Path(report).with_suffix(".html")], "validation")


def run(cfg: DictConfig) -> dict[str, Any]:
    """Fit, cross-validate, log and save the model; return the run's id, model and metrics."""
    features, labels = read_split(cfg.data.train_path, cfg.data.target)
    model = build_model(cfg.model)
    with tracked_run(cfg, run_name=str(cfg.model.name)) as active:
        import mlflow
        import mlflow.sklearn
        from mlflow.models import infer_signature

        mlflow.log_params(flat_params(cfg, ("model", "train", "prepare")))
        mlflow.set_tags(
            {
                "stage": "train",
                **git_state(),
                **data_version({"train": cfg.data.train_path, "test": cfg.data.test_path}),
            }
        )
        mlflow.log_dict(OmegaConf.to_container(cfg, resolve=True), "config.yaml")
        log_training_story(cfg)
        folds = StratifiedKFold(n_splits=cfg.train.cv_folds, shuffle=True, random_state=0)
        scores = cross_val_score(model, features, labels, cv=folds, scoring="accuracy")
        model.fit(features, labels)
        metrics = {
            "cv_accuracy_mean": round(float(scores.mean()), 4),
            "cv_accuracy_std": round(float(scores.std()), 4),
            "train_accuracy": round(float(model.score(features, labels)), 4),
        }
        mlflow.log_metrics(metrics)
        model_args: dict[str, Any] = {
            "signature": infer_signature(features, model.predict(features)),
            "input_example": features.head(5),
            # Listing requirements skips MLflow's slow environment inference.
            "pip_requirements": mlflow.sklearn.get_default_pip_requirements(include_skops=True),
            "skops_trusted_types": sklearn_types_to_trust(model),
        }
        logged = mlflow.sklearn.log_model(model, name="model", **model_args)
    save_model(model, cfg.train.model_dir, **model_args)
    result = {
        "run_id": active.info.run_id,
        "model_id": logged.model_id,
        "model_uri": logged.model_uri,
        "model": str(cfg.model.name),
    }
    write_json(cfg.train.run_info_path, result)
    write_json(cfg.train.metrics_path, metrics)
    print(
        f"train: {cfg.model.name} cv accuracy {metrics['cv_accuracy_mean']:.3f}; "
        f"MLflow run {active.info.run_id}"
    )
    return {**result, "metrics": metrics}


def main(argv: Sequence[str] | None = None) -> None:
    """Run the stage from the command line."""
    with reported_errors():
        run(stage_config(__doc__, argv))


if __name__ == "__main__":
    main()
