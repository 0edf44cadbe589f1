"""The model's input contract: the validate stage's schema (conf/validate/), without the target.

Batch prediction, the service and the monitor check their data against this one schema.
Batches (files) are checked with pandera, like the training data, and get the same
report. A request to the service is checked here, row by row and field by field, so that
the error names the field and the row, and a one-row request stays fast.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from .runner import StageError

NUMERIC_DTYPES = ("float", "int", "uint")


class BadInput(StageError):
    """Input that breaks the schema: says which field (and row) and why."""

    def __init__(self, message: str, field: str | None = None, row: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.row = row

    def as_json(self) -> dict[str, Any]:
        """Return the error as a JSON object for an HTTP response."""
        return {"error": str(self), "field": self.field, "row": self.row}


def schema_spec(cfg: DictConfig, with_target: bool = False) -> dict[str, Any]:
    """Return the `validate` section as plain data; without the target column by default."""
    spec = cast("dict[str, Any]", OmegaConf.to_container(cfg.validate, resolve=True))
    if not with_target:
        spec["columns"] = {
            name: column for name, column in spec["columns"].items() if name != cfg.data.target
        }
    return spec


def feature_names(cfg: DictConfig) -> list[str]:
    """Return the model's input columns, in schema order."""
    return list(schema_spec(cfg)["columns"])


def is_numeric(column: Mapping[str, Any]) -> bool:
    """Return whether a schema column holds numbers (and no list of allowed values)."""
    return str(column["dtype"]).startswith(NUMERIC_DTYPES) and column.get("allowed") is None


def check_batch(frame: pd.DataFrame, cfg: DictConfig) -> list[dict[str, Any]]:
    """Return the problems the validate stage's checks find in a batch of features.

    The target column may be present (labels that arrived later) or absent; the minimum
    row count is a training requirement and does not apply to a batch.
    """
    from .stages.validate import build_schema, check_frame

    spec = schema_spec(cfg, with_target=cfg.data.target in frame.columns)
    spec["min_rows"] = 1
    return check_frame(frame, build_schema(spec))


def _number(value: Any, name: str, row: int, integer: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "an integer" if integer else "a number"
        raise BadInput(
            f"field {name!r} in row {row} must be {kind}, got {type(value).__name__}", name, row
        )
    if integer and isinstance(value, float) and not value.is_integer():
        raise BadInput(f"field {name!r} in row {row} must be an integer", name, row)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise BadInput(f"field {name!r} in row {row} must be a finite number", name, row)
    return number


def _numbers(values: list[Any], name: str, integer: bool, nullable: bool) -> np.ndarray:
    """Return a column's values as floats, or raise BadInput naming the first bad row."""
    kinds = {type(value) for value in values}
    if kinds <= {float, int}:  # the common case, checked with numpy (bool is not int here)
        try:
            numbers = np.asarray(values, dtype=float)
        except OverflowError:
            numbers = None
        if (
            numbers is not None
            and np.isfinite(numbers).all()
            and (not integer or (numbers == np.floor(numbers)).all())
        ):
            return numbers
    # Find the first bad value, row by row.
    checked = np.empty(len(values), dtype=float)
    for row, value in enumerate(values):
        if value is None:
            if not nullable:
                raise BadInput(f"field {name!r} in row {row} has no value", name, row)
            checked[row] = np.nan
        else:
            checked[row] = _number(value, name, row, integer)
    return checked


def frame_from_records(
    records: Sequence[Any], cfg: DictConfig, spec: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Check JSON records against the schema; return them as a frame in schema order.

    Raises BadInput naming the first field (and row) that is missing, unexpected, of the
    wrong type, missing a value, out of range or not an allowed value. A caller that
    checks many requests passes `spec` (`schema_spec(cfg)`) once.
    """
    spec = spec if spec is not None else schema_spec(cfg)
    columns: dict[str, Any] = spec["columns"]
    expected = columns.keys()
    for row, record in enumerate(records):
        if not isinstance(record, dict):
            raise BadInput(f"row {row} must be a JSON object of field: value", None, row)
        if record.keys() != expected:
            missing = sorted(expected - record.keys())
            if missing:
                raise BadInput(f"row {row} is missing field {missing[0]!r}", missing[0], row)
            if spec.get("strict", True):
                extra = sorted(str(key) for key in record.keys() - expected)
                raise BadInput(f"row {row} has unexpected field {extra[0]!r}", extra[0], row)
    data: dict[str, Any] = {}
    default_share = float(spec.get("max_missing_share", 0))
    for name, column in columns.items():
        values = [record[name] for record in records]
        dtype = str(column["dtype"])
        if dtype.startswith(NUMERIC_DTYPES):
            integer = not dtype.startswith("float")
            nullable = float(column.get("max_missing_share", default_share)) > 0
            numbers = _numbers(values, name, integer, nullable)
            _check_range(numbers, column, name)
            data[name] = (
                numbers.astype(dtype) if integer and not np.isnan(numbers).any() else numbers
            )
        else:
            data[name] = values
        allowed = column.get("allowed")
        if allowed is not None:
            for row, value in enumerate(values):
                if value not in allowed:
                    raise BadInput(
                        f"field {name!r} in row {row} is {value!r}, allowed: {allowed}", name, row
                    )
    return pd.DataFrame(data, columns=list(columns))


def _check_range(numbers: np.ndarray, column: Mapping[str, Any], name: str) -> None:
    for bound, bad in (
        ("min", numbers < _bound(column, "min")),
        ("max", numbers > _bound(column, "max")),
    ):
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise BadInput(
                f"field {name!r} in row {row} is {numbers[row]:g}, out of range "
                f"[{column.get('min')}, {column.get('max')}] ({bound} in conf/validate/)",
                name,
                row,
            )


def _bound(column: Mapping[str, Any], key: str) -> float:
    value = column.get(key)
    if value is None:
        return -math.inf if key == "min" else math.inf
    return float(value)
