"""Drift monitoring: compare new data and its predictions with the training reference.

    python -m <package>.monitor                                   # make monitor
    python -m <package>.monitor monitor.current_path=logs/predictions.jsonl

`monitor.current_path` is a CSV batch (the predict stage's output: features,
`prediction`, and the target when labels arrived) or the prediction log (JSON lines;
`monitor.window` keeps the last N records). The reference is the training split.

The tests, each run on every feature the schema (conf/validate/) declares:
- numeric feature: the two-sample Kolmogorov-Smirnov test (scipy.stats.ks_2samp), which
  compares the whole distributions (shift, spread, shape). The population stability
  index (PSI, over `monitor.psi_bins` reference-quantile bins) is reported beside it as
  an effect size; it does not raise the alarm (it is noisy on small samples).
- categorical feature (a column with `allowed` values or a non-numeric dtype):
  Pearson's chi-square test of homogeneity on the category counts
  (scipy.stats.chi2_contingency).
- prediction drift: chi-square test of the predicted classes against the class
  frequencies of the reference target.
A test flags drift when its p-value is below `monitor.family_alpha / m`, where m is the
number of tests in the run (Bonferroni correction): the chance that a run on data from the
reference distribution raises any drift alarm stays below `family_alpha` (0.01).

Also checked: data quality (the batch against the schema; more than
`monitor.max_quality_failures` problems alarms) and, when the current data holds labels,
the live accuracy against the evaluation accuracy (reports/metrics.json; a drop of more
than `monitor.max_metric_drop` alarms). Fewer than `monitor.min_rows` current rows are
too few to judge drift: the drift tests are skipped and the report says so.

Writes JSON metrics (`monitor.metrics_path`, DVC-tracked, also logged to MLflow) and a
self-contained HTML report (`monitor.html_path`, no external resources), then exits 1
with one line naming the drifted features when any alarm is raised.
"""

from __future__ import annotations

import html
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig

from . import predlog
from .files import write_json
from .inputs import check_batch, is_numeric, schema_spec
from .runner import StageError, reported_errors, stage_config

PREDICTION = "prediction"
STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: left; }
tr.drift td { background: #fde2e1; }
.status { font-size: 1.2em; font-weight: bold; }
.key span { display: inline-block; width: 1em; height: 1em; opacity: 0.5; }
"""


class DriftDetected(StageError):
    """A monitored quantity crossed its threshold; the report says which."""


@dataclass
class DriftTest:
    """The outcome of one drift test on one column."""

    column: str
    test: str
    statistic: float
    p_value: float
    drifted: bool
    psi: float | None = None


def psi(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> float:
    """Return the population stability index over reference-quantile bins."""
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)))
    if len(edges) < 2:
        return 0.0
    edges[0], edges[-1] = -np.inf, np.inf
    expected = np.histogram(reference, edges)[0] / len(reference)
    actual = np.histogram(current, edges)[0] / len(current)
    expected, actual = np.clip(expected, 1e-4, None), np.clip(actual, 1e-4, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def _chi_square(reference: pd.Series, current: pd.Series) -> tuple[float, float]:
    """Return Pearson's chi-square statistic and p-value for two samples' category counts."""
    from scipy.stats import chi2_contingency

    categories = sorted(set(reference.dropna()) | set(current.dropna()), key=str)
    table = np.array(
        [
            [int((reference == c).sum()) for c in categories],
            [int((current == c).sum()) for c in categories],
        ]
    )
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, 1.0
    result = chi2_contingency(table)
    return float(result.statistic), float(result.pvalue)


def drift_tests(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    columns: Mapping[str, Mapping[str, Any]],
    family_alpha: float,
    psi_bins: int = 10,
    reference_labels: pd.Series | None = None,
) -> list[DriftTest]:
    """Run one test per column (and on `prediction` when both labels and it are there).

    Drift is flagged at p < family_alpha / number of tests (Bonferroni).
    """
    from scipy.stats import ks_2samp

    planned = [name for name in columns if name in current.columns]
    with_prediction = reference_labels is not None and PREDICTION in current.columns
    per_test_alpha = family_alpha / max(1, len(planned) + int(with_prediction))
    results = []
    for name in planned:
        ref, cur = reference[name].dropna(), current[name].dropna()
        if len(ref) == 0 or len(cur) == 0:
            continue
        if is_numeric(columns[name]):
            with warnings.catch_warnings():
                # Large samples fall back from the exact p-value to the asymptotic one.
                warnings.simplefilter("ignore", RuntimeWarning)
                outcome = ks_2samp(ref.to_numpy(float), cur.to_numpy(float))
            statistic, p_value = float(outcome.statistic), float(outcome.pvalue)
            index = psi(ref.to_numpy(float), cur.to_numpy(float), psi_bins)
            results.append(
                DriftTest(name, "ks", statistic, p_value, p_value < per_test_alpha, index)
            )
        else:
            statistic, p_value = _chi_square(ref, cur)
            results.append(
                DriftTest(name, "chi_square", statistic, p_value, p_value < per_test_alpha)
            )
    if with_prediction and reference_labels is not None:
        statistic, p_value = _chi_square(reference_labels, current[PREDICTION])
        results.append(
            DriftTest(PREDICTION, "chi_square", statistic, p_value, p_value < per_test_alpha)
        )
    return results


def read_current(path: str | Path, window: int = 0) -> pd.DataFrame:
    """Read the current data: a CSV batch, or the prediction log (.jsonl) as a frame."""
    path = Path(path)
    if path.suffix in {".jsonl", ".ndjson"}:
        records = predlog.read(path, last=window or None)
        frame = pd.DataFrame([r["inputs"] for r in records])
        if records:
            frame[PREDICTION] = [r.get("output") for r in records]
        return frame
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    return frame.tail(window) if window else frame


def live_metrics(
    current: pd.DataFrame, target: str, evaluation_path: str | Path, max_drop: float
) -> dict[str, Any]:
    """Return live accuracy vs evaluation accuracy when the current data holds labels."""
    if target not in current.columns or PREDICTION not in current.columns:
        return {}
    labelled = current.dropna(subset=[target, PREDICTION])
    if labelled.empty:
        return {}
    live = float((labelled[target].astype(str) == labelled[PREDICTION].astype(str)).mean())
    result: dict[str, Any] = {"live_accuracy": round(live, 4), "labelled_rows": len(labelled)}
    evaluation = Path(evaluation_path)
    if evaluation.is_file():
        expected = float(json.loads(evaluation.read_text(encoding="utf-8"))["accuracy"])
        result["evaluation_accuracy"] = expected
        result["accuracy_drop"] = round(expected - live, 4)
        result["metric_alarm"] = int(expected - live > max_drop)
    return result


def run(cfg: DictConfig) -> dict[str, Any]:
    """Compare the current data with the reference; write metrics and report; alarm."""
    settings = cfg.monitor
    reference = pd.read_csv(settings.reference_path)
    current = read_current(settings.current_path, int(settings.window))
    if current.empty:
        raise StageError(
            f"no current data in {settings.current_path}; predict first (make predict, "
            "or requests to the service), or set monitor.current_path"
        )
    columns = schema_spec(cfg)["columns"]
    target = str(cfg.data.target)
    for name, column in columns.items():
        # JSON has one number type: whole numbers logged for a float column read as ints.
        if (
            name in current
            and str(column["dtype"]).startswith("float")
            and pd.api.types.is_integer_dtype(current[name])
        ):
            current[name] = current[name].astype(float)
    features = current[[c for c in columns if c in current.columns]]
    quality = check_batch(features, cfg)
    enough = len(current) >= int(settings.min_rows)
    tests = (
        drift_tests(
            reference,
            current,
            columns,
            float(settings.family_alpha),
            int(settings.psi_bins),
            reference[target] if target in reference.columns else None,
        )
        if enough
        else []
    )
    live = live_metrics(
        current, target, settings.evaluation_metrics_path, float(settings.max_metric_drop)
    )
    drifted = [t.column for t in tests if t.drifted]
    feature_tests = [t for t in tests if t.column != PREDICTION]
    alarms = [f"drift in {', '.join(drifted)}"] if drifted else []
    if len(quality) > int(settings.max_quality_failures):
        alarms.append(f"{len(quality)} data-quality problem(s): {quality[0]['message']}")
    if live.get("metric_alarm"):
        alarms.append(
            f"live accuracy {live['live_accuracy']:.3f} is {live['accuracy_drop']:.3f} below "
            f"the evaluation's {live['evaluation_accuracy']:.3f}"
        )
    metrics = {
        "rows": len(current),
        "reference_rows": len(reference),
        "drift_tested": int(enough),
        "drifted_features": sum(t.drifted for t in feature_tests),
        "drift_share": round(sum(t.drifted for t in feature_tests) / max(1, len(feature_tests)), 4),
        "prediction_drift": int(PREDICTION in drifted),
        "quality_failures": len(quality),
        "alarm": int(bool(alarms)),
        **live,
        "tests": {
            t.column: {
                "statistic": round(t.statistic, 6),
                "p_value": float(f"{t.p_value:.6g}"),
                "drifted": int(t.drifted),
                **({"psi": round(t.psi, 4)} if t.psi is not None else {}),
            }
            for t in tests
        },
    }
    write_json(settings.metrics_path, metrics)
    Path(settings.html_path).parent.mkdir(parents=True, exist_ok=True)
    Path(settings.html_path).write_text(
        render_html(metrics, tests, quality, alarms, reference, current, cfg), encoding="utf-8"
    )
    if settings.log_to_mlflow:
        log_to_mlflow(cfg, metrics)
    if alarms:
        raise DriftDetected(f"monitor: {'; '.join(alarms)} (report: {settings.html_path})")
    note = "" if enough else f" (drift not tested: fewer than {settings.min_rows} rows)"
    print(f"monitor: no drift in {len(current)} rows{note}; report: {settings.html_path}")
    return metrics


def log_to_mlflow(cfg: DictConfig, metrics: Mapping[str, Any]) -> None:
    """Log the monitor's numbers and report to a `monitor` run in the project's experiment."""
    from .tracking import tracked_run

    flat = {k: float(v) for k, v in metrics.items() if isinstance(v, int | float)}
    for column, values in metrics["tests"].items():
        flat.update({f"{column}.{k}": float(v) for k, v in values.items()})
    with tracked_run(cfg, run_name="monitor"):
        import mlflow

        mlflow.set_tag("stage", "monitor")
        mlflow.log_metrics(flat)
        mlflow.log_artifact(str(cfg.monitor.html_path))
        mlflow.log_artifact(str(cfg.monitor.metrics_path))


def _histogram_svg(reference: np.ndarray, current: np.ndarray, bins: int = 20) -> str:
    """Return an inline SVG of two overlaid normalised histograms (reference, current)."""
    values = np.concatenate([reference, current])
    low, high = float(np.min(values)), float(np.max(values))
    if not math.isfinite(low) or not math.isfinite(high) or low == high:
        return ""
    edges = np.linspace(low, high, bins + 1)
    ref = np.histogram(reference, edges)[0] / max(1, len(reference))
    cur = np.histogram(current, edges)[0] / max(1, len(current))
    top = max(float(ref.max()), float(cur.max()), 1e-9)
    width, height, step = 240, 60, 240 / bins
    bars = []
    for index in range(bins):
        for share, colour in ((ref[index], "#4c78a8"), (cur[index], "#f58518")):
            bar = height * share / top
            bars.append(
                f'<rect x="{index * step:.1f}" y="{height - bar:.1f}" width="{step:.1f}" '
                f'height="{bar:.1f}" fill="{colour}" fill-opacity="0.5"/>'
            )
    return f'<svg width="{width}" height="{height}" role="img">{"".join(bars)}</svg>'


def render_html(
    metrics: Mapping[str, Any],
    tests: Sequence[DriftTest],
    quality: Sequence[Mapping[str, Any]],
    alarms: Sequence[str],
    reference: pd.DataFrame,
    current: pd.DataFrame,
    cfg: DictConfig,
) -> str:
    """Return the report as one HTML page with inline CSS and SVG (opens offline)."""
    esc = html.escape
    rows = []
    for test in tests:
        picture = ""
        if test.test == "ks":
            picture = _histogram_svg(
                reference[test.column].dropna().to_numpy(float),
                current[test.column].dropna().to_numpy(float),
            )
        values = asdict(test)
        rows.append(
            f"<tr class={'drift' if test.drifted else 'ok'}><td>{esc(test.column)}</td>"
            f"<td>{esc(test.test)}</td><td>{values['statistic']:.4f}</td>"
            f"<td>{values['p_value']:.3g}</td>"
            f"<td>{'' if test.psi is None else f'{test.psi:.3f}'}</td>"
            f"<td>{'DRIFT' if test.drifted else 'ok'}</td><td>{picture}</td></tr>"
        )
    status = "ALARM: " + "; ".join(alarms) if alarms else "No alarm"
    problems = "".join(f"<li>{esc(str(p['message']))}</li>" for p in quality) or "<li>none</li>"
    summary = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>"
        for k, v in metrics.items()
        if k != "tests"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Drift report</title>
<style>{STYLE}</style></head><body>
<h1>Drift report</h1>
<p class="status" style="color: {"#b00020" if alarms else "#1b5e20"}">{esc(status)}</p>
<p>Reference: {esc(str(cfg.monitor.reference_path))} ({len(reference)} rows).
Current: {esc(str(cfg.monitor.current_path))} ({len(current)} rows).
Drift is flagged at p &lt; {float(cfg.monitor.family_alpha)} / number of tests (Bonferroni).</p>
<h2>Summary</h2><table>{summary}</table>
<h2>Tests</h2>
<p class="key"><span style="background:#4c78a8"></span> reference
<span style="background:#f58518"></span> current</p>
<table><tr><th>column</th><th>test</th><th>statistic</th><th>p-value</th><th>PSI</th>
<th>result</th><th>distributions</th></tr>{"".join(rows)}</table>
<h2>Data quality</h2><ul>{problems}</ul>
</body></html>
"""


def main(argv: Sequence[str] | None = None) -> None:
    """Run the monitor from the command line."""
    with reported_errors():
        run(stage_config(__doc__, argv))


if __name__ == "__main__":
    main()
