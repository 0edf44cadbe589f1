"""The prediction log: one JSON line per predicted row, appended, read by the monitor.

Every served or batch prediction is appended as `{"ts", "request_id", "source",
"model": {name, version, run_id}, "inputs": {...}, "output": ...}`. The file is opened
with O_APPEND and each call writes all its lines in one `write` under an exclusive
`flock`, so lines from concurrent gunicorn workers or batch jobs never interleave and
none is lost. A symlink at the log's path is refused (the log never writes elsewhere).
The path is `serve.prediction_log_path` (conf/serve/): a local file by default, a path
on a shared mount for a team.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .runner import StageError

if TYPE_CHECKING:
    import pandas as pd


def new_request_id() -> str:
    """Return a fresh request id."""
    return uuid.uuid4().hex


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def records_for(
    inputs: Sequence[Mapping[str, Any]],
    outputs: Sequence[Any],
    model: Mapping[str, Any],
    request_id: str,
    source: str,
) -> list[dict[str, Any]]:
    """Return one log record per predicted row."""
    now = time.time()
    lineage = {key: model.get(key) for key in ("name", "version", "run_id")}
    return [
        {
            "ts": now,
            "request_id": request_id,
            "source": source,
            "model": lineage,
            "inputs": dict(row),
            "output": output,
        }
        for row, output in zip(inputs, outputs, strict=True)
    ]


def lines_for_frame(
    features: pd.DataFrame,
    outputs: Sequence[Any],
    model: Mapping[str, Any],
    request_id: str,
    source: str,
) -> list[str]:
    """Return the log lines of `records_for`, serialising the inputs with pandas (fast)."""
    head = {
        "ts": time.time(),
        "request_id": request_id,
        "source": source,
        "model": {key: model.get(key) for key in ("name", "version", "run_id")},
    }
    prefix = json.dumps(head, separators=(",", ":"), default=_json_default)[:-1] + ',"inputs":'
    if all(kind in "fiub" for kind in features.dtypes.map(lambda d: d.kind)):
        # Numbers only: no text can hold "},{", so pandas' fast records JSON splits safely.
        text = features.to_json(orient="records", double_precision=15)
        inputs = ["{" + row + "}" for row in text[2:-2].split("},{")] if len(features) else []
    else:
        inputs = [
            json.dumps(row, separators=(",", ":"), default=_json_default)
            for row in features.to_dict("records")
        ]
    return [
        f'{prefix}{row},"output":{json.dumps(output, default=_json_default)}}}'
        for row, output in zip(inputs, outputs, strict=True)
    ]


def append(path: str | Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Append records as JSON lines in one locked write; return how many were written."""
    lines = [json.dumps(r, separators=(",", ":"), default=_json_default) for r in records]
    return append_lines(path, lines)


def append_lines(path: str | Path, lines: Sequence[str]) -> int:
    """Append ready JSON lines in one locked write; return how many were written."""
    if not lines:
        return 0
    data = ("\n".join(lines) + "\n").encode("utf-8")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(target, flags, 0o644)
    except OSError as error:
        raise StageError(f"cannot open the prediction log {target}: {error.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)  # also releases the lock
    return len(lines)


def read(path: str | Path, last: int | None = None) -> list[dict[str, Any]]:
    """Return the log's records (the `last` ones only, if given); skip a torn last line."""
    records: list[dict[str, Any]] = []
    with Path(path).open(encoding="utf-8", errors="replace") as stream:
        for line in stream:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("inputs"), dict):
                records.append(record)
    return records[-last:] if last else records
