"""Check the train and test splits against the schema declared in conf/validate/.

Columns, dtypes, value ranges, allowed values, the share of missing values and the row
count are checked with pandera. Every split is checked in full (not stopping at the first
problem); the findings go to a JSON report and, on any violation, to stderr, and the stage
fails so that DVC stops the pipeline before training.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from ..evidence import log_datasets, log_files
from ..files import write_json, write_text
from ..profile import column_stats, validation_page
from ..runner import StageError, reported_errors, stage_config
from ..tracking import tracked_run

MAX_EXAMPLES = 3


class ValidationFailed(StageError):
    """The data broke the declared schema; the report says where."""


def build_schema(spec: Mapping[str, Any]) -> Any:
    """Return a pandera DataFrameSchema for the `validate` section of the config."""
    import pandera.pandas as pa

    default_share = float(spec.get("max_missing_share", 0.0))
    columns = {}
    for name, column in spec["columns"].items():
        checks = []
        if column.get("min") is not None:
            checks.append(pa.Check.ge(column["min"]))
        if column.get("max") is not None:
            checks.append(pa.Check.le(column["max"]))
        if column.get("allowed") is not None:
            checks.append(pa.Check.isin(list(column["allowed"])))
        share = float(column.get("max_missing_share", default_share))
        if share > 0:
            checks.append(
                pa.Check(
                    lambda values, share=share: float(values.isna().mean()) <= share,
                    ignore_na=False,
                    error=f"more than {100 * share:g}% of values missing",
                )
            )
        columns[name] = pa.Column(column["dtype"], checks=checks, nullable=share > 0)
    min_rows = int(spec["min_rows"])
    too_few = f"fewer than {min_rows} rows"
    enough_rows = pa.Check(lambda frame: len(frame) >= min_rows, error=too_few)
    return pa.DataFrameSchema(columns, checks=[enough_rows], strict=bool(spec.get("strict", True)))


def _plain(value: Any) -> Any:
    """Return a JSON-friendly version of a failure value (numpy scalars, NaN)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)


def describe_problem(column: str | None, check: str, cases: list[dict[str, Any]]) -> str:
    """Return one readable sentence for the failures of one check on one column."""
    first = cases[0]["value"]
    if check == "column_in_schema":
        names = ", ".join(repr(c["value"]) for c in cases)
        return f"unexpected column(s) {names} (declare them or set validate.strict: false)"
    if check == "column_in_dataframe":
        return f"missing column(s) {', '.join(repr(c['value']) for c in cases)}"
    if column is None:
        return check
    if check.startswith("dtype("):
        return f"column {column!r} has dtype {first}, the schema says {check[6:-1]}"
    rows = [c["row"] for c in cases if c["row"] is not None]
    where = f" at row index {', '.join(map(str, rows[:MAX_EXAMPLES]))}" if rows else ""
    if check == "not_nullable":
        return f"column {column!r}: {len(cases)} missing value(s){where}"
    examples = ", ".join(repr(c["value"]) for c in cases[:MAX_EXAMPLES])
    return f"column {column!r}: {len(cases)} value(s) fail {check}, e.g. {examples}{where}"


def check_frame(frame: pd.DataFrame, schema: Any) -> list[dict[str, Any]]:
    """Return the problems `schema` finds in `frame`, grouped by column and check."""
    import pandera.pandas as pa

    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        grouped: dict[tuple[str | None, str], list[dict[str, Any]]] = {}
        for case in errors.failure_cases.to_dict("records"):
            column = case["column"] if isinstance(case["column"], str) else None
            row = _plain(case["index"])
            grouped.setdefault((column, str(case["check"])), []).append(
                {"value": _plain(case["failure_case"]), "row": row}
            )
        return [
            {
                "column": column,
                "check": check,
                "failures": len(cases),
                "message": describe_problem(column, check, cases),
            }
            for (column, check), cases in grouped.items()
        ]
    return []


def read_table(path: str | Path) -> tuple[pd.DataFrame | None, str]:
    """Read a CSV split; return (frame, "") or (None, what is wrong with the file)."""
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return None, "the file is empty (no header row, no data)"
    except UnicodeDecodeError:
        return None, "the file is not UTF-8 text (binary data?)"
    except (pd.errors.ParserError, ValueError) as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else "parse error"
        return None, f"the file is not valid CSV ({detail})"
    if frame.empty:
        return None, "the file has no data rows"
    return frame, ""


def _is_number_dtype(dtype: Any) -> bool:
    try:
        return pd.api.types.pandas_dtype(dtype).kind in "iuf"
    except TypeError:
        return False


def not_numbers(frame: pd.DataFrame, spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return a problem per column declared numeric that holds values that are not numbers."""
    problems = []
    for name, column in spec["columns"].items():
        if name not in frame or not _is_number_dtype(column["dtype"]):
            continue
        values = frame[name]
        if pd.api.types.is_numeric_dtype(values):
            continue
        bad = values[values.notna() & pd.to_numeric(values, errors="coerce").isna()]
        if bad.empty:
            continue
        examples = ", ".join(repr(_plain(v)) for v in bad.iloc[:MAX_EXAMPLES])
        rows = ", ".join(str(_plain(i)) for i in bad.index[:MAX_EXAMPLES])
        problems.append(
            {
                "column": name,
                "check": "numeric",
                "failures": len(bad),
                "message": f"column {name!r}: {len(bad)} value(s) are not numbers, "
                f"e.g. {examples} at row index {rows} (the schema says {column['dtype']})",
            }
        )
    return problems


def run(cfg: DictConfig) -> dict[str, Any]:
    """Validate every split, write the report; raise ValidationFailed on any problem."""
    spec = cast("dict[str, Any]", OmegaConf.to_container(cfg.validate, resolve=True))
    schema = build_schema(spec)
    datasets: dict[str, Any] = {}
    frames: dict[str, tuple[str, pd.DataFrame]] = {}
    for name, path in (("train", cfg.data.train_path), ("test", cfg.data.test_path)):
        frame, unreadable = read_table(path)
        if frame is None:
            problem = {"column": None, "check": "readable", "failures": 1, "message": unreadable}
            datasets[name] = {"path": str(path), "rows": 0, "problems": [problem]}
            continue
        problems = not_numbers(frame, spec)
        reported = {problem["column"] for problem in problems}
        # A column holding text where numbers belong fails every other check on it too.
        problems += [p for p in check_frame(frame, schema) if p["column"] not in reported]
        datasets[name] = {"path": str(path), "rows": len(frame), "problems": problems}
        datasets[name]["statistics"] = column_stats(frame)
        frames[name] = (str(path), frame)
    passed = not any(entry["problems"] for entry in datasets.values())
    report = {"passed": passed, "datasets": datasets}
    report_path = Path(cfg.validate.report_path)
    write_json(report_path, report)
    html_path = report_path.with_suffix(".html")
    write_text(html_path, validation_page(report))
    with tracked_run(cfg, run_name="validate"):
        import mlflow

        mlflow.set_tags({"stage": "validate", "validation": "passed" if passed else "failed"})
        log_datasets(frames, str(cfg.data.target))
        log_files([report_path, html_path], "validation")
    if not passed:
        lines = [
            f"  {name} ({entry['path']}): {problem['message']}"
            for name, entry in datasets.items()
            for problem in entry["problems"]
        ]
        raise ValidationFailed(
            f"the data breaks the schema in conf/validate/ ({len(lines)} problem(s); "
            f"report: {report_path}):\n" + "\n".join(lines)
        )
    rows = ", ".join(f"{name} {entry['rows']} rows" for name, entry in datasets.items())
    print(f"validate: passed ({rows}); report: {report_path}")
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """Run the stage from the command line."""
    with reported_errors():
        run(stage_config(__doc__, argv))


if __name__ == "__main__":
    main()
