"""Batch prediction: score a CSV batch with the registered model, lineage beside each row.

Loads `predict.model_uri` (`models:/<name>@champion` by default), checks the batch
(`predict.batch_path`) against the validate stage's schema and writes the predictions to
`predict.output_path` with the model's name, version and run id and the batch's md5 in
every row. The rows are also appended to the prediction log for the monitor. A batch
that breaks the schema fails with the validation report (also written to
`predict.report_path`) and writes no predictions.

    python -m <package>.predict                                # make predict
    python -m <package>.predict predict.batch_path=new.csv predict.output_path=out.csv
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from . import predlog
from .files import write_json
from .inputs import check_batch, feature_names
from .lineage import file_md5
from .registry import LoadedModel, load_model
from .runner import StageError, reported_errors, stage_config

PREDICTION = "prediction"


class BadBatch(StageError):
    """The batch breaks the schema; the report says where."""


def read_batch(path: str | Path) -> pd.DataFrame:
    """Read a CSV batch; refuse an empty or unreadable file in one line."""
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise BadBatch(f"the batch {path} is empty") from None
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise BadBatch(f"the batch {path} is not a readable CSV file ({error})") from None
    if frame.empty:
        raise BadBatch(f"the batch {path} has no rows")
    return frame


def predict_frame(loaded: LoadedModel, features: pd.DataFrame) -> pd.DataFrame:
    """Return the predicted class and, for classifiers, one probability column per class."""
    result = pd.DataFrame({PREDICTION: loaded.model.predict(features)}, index=features.index)
    if hasattr(loaded.model, "predict_proba"):
        proba = loaded.model.predict_proba(features)
        for index, label in enumerate(loaded.classes):
            result[f"proba_{label}"] = proba[:, index].round(6)
    return result


def run(cfg: DictConfig, loaded: LoadedModel | None = None) -> dict[str, Any]:
    """Check the batch, predict, write predictions with lineage, append them to the log."""
    batch_path = Path(cfg.predict.batch_path)
    frame = read_batch(batch_path)
    problems = check_batch(frame, cfg)
    report_path = Path(cfg.predict.report_path)
    write_json(report_path, {"batch": str(batch_path), "rows": len(frame), "problems": problems})
    if problems:
        raise BadBatch(
            f"the batch {batch_path} breaks the schema in conf/validate/: "
            + "; ".join(problem["message"] for problem in problems)
            + f" (report: {report_path})"
        )
    loaded = loaded or load_model(cfg, str(cfg.predict.model_uri))
    features = frame[feature_names(cfg)]
    predictions = predict_frame(loaded, features)
    lineage = {
        "model_name": loaded.name,
        "model_version": loaded.version,
        "run_id": loaded.run_id,
        "batch_md5": file_md5(batch_path),
    }
    output = pd.concat([frame, predictions], axis=1).assign(**lineage)
    output_path = Path(cfg.predict.output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    output.to_csv(output_path, index=False)
    if cfg.predict.log_predictions:
        predlog.append_lines(
            cfg.predict.log_path,
            predlog.lines_for_frame(
                features,
                predictions[PREDICTION].tolist(),
                loaded.metadata(),
                predlog.new_request_id(),
                source=f"batch:{batch_path.name}",
            ),
        )
    print(
        f"predict: {len(output)} rows with {loaded.uri} (version {loaded.version}) -> {output_path}"
    )
    return {"rows": len(output), "output": str(output_path), **lineage}


def main(argv: Sequence[str] | None = None) -> None:
    """Run batch prediction from the command line."""
    with reported_errors():
        run(stage_config(__doc__, argv))


if __name__ == "__main__":
    main()
