"""The prediction log: append-only JSON lines, nothing lost or torn under concurrent writers."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from {{ cookiecutter.module_name }} import predlog
from {{ cookiecutter.module_name }}.runner import StageError

WRITERS = 4
BATCHES = 50


def _write(path: str, writer: int) -> None:
    for batch in range(BATCHES):
        records = predlog.records_for(
            [{"x": float(i), "pad": "p" * 2000} for i in range(3)],
            [writer, batch, 0],
            {"name": "m", "version": "1", "run_id": "r"},
            f"{writer}-{batch}",
            "test",
        )
        predlog.append(path, records)


def test_records_carry_inputs_output_model_and_request(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "predictions.jsonl"
    rows = predlog.records_for(
        [{"a": 1.0}], [2], {"name": "m", "version": "3", "run_id": "r1"}, "req", "serve"
    )

    assert predlog.append(path, rows) == 1

    (record,) = predlog.read(path)
    assert record["inputs"] == {"a": 1.0} and record["output"] == 2
    assert record["model"] == {"name": "m", "version": "3", "run_id": "r1"}
    assert record["request_id"] == "req" and record["source"] == "serve" and record["ts"] > 0


def test_concurrent_writers_lose_and_tear_nothing(tmp_path: Path) -> None:
    path = tmp_path / "predictions.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write, args=(str(path), w)) for w in range(WRITERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0

    lines = path.read_text(encoding="utf-8").splitlines()
    records = predlog.read(path)
    assert len(lines) == len(records) == WRITERS * BATCHES * 3
    assert {r["request_id"] for r in records} == {
        f"{w}-{b}" for w in range(WRITERS) for b in range(BATCHES)
    }


def test_a_torn_last_line_is_skipped_and_window_keeps_the_last(tmp_path: Path) -> None:
    path = tmp_path / "predictions.jsonl"
    for index in range(5):
        predlog.append(path, predlog.records_for([{"i": index}], [index], {}, str(index), "t"))
    with path.open("a", encoding="utf-8") as stream:
        stream.write('{"inputs": {"i": ')

    assert [r["output"] for r in predlog.read(path)] == [0, 1, 2, 3, 4]
    assert [r["output"] for r in predlog.read(path, last=2)] == [3, 4]


def test_a_symlink_at_the_log_path_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "predictions.jsonl"
    link.symlink_to(elsewhere)

    with pytest.raises(StageError, match="prediction log"):
        predlog.append(link, predlog.records_for([{"a": 1}], [0], {}, "r", "t"))

    assert elsewhere.read_text(encoding="utf-8") == "keep\n"


def test_lines_from_a_frame_read_back_as_its_rows(tmp_path: Path) -> None:
    import pandas as pd

    numbers = pd.DataFrame({"a": [1.5, 2.25, 1e-300], "b": [3.0, -0.1, 7.0]})
    text = numbers.assign(c=["x", "},{", 'q"uote'])
    path = tmp_path / "predictions.jsonl"
    for frame in (numbers, text):
        predlog.append_lines(
            path, predlog.lines_for_frame(frame, [0, 1, 2], {"version": "4"}, "req", "t")
        )

    records = predlog.read(path)
    assert [r["inputs"] for r in records] == numbers.to_dict("records") + text.to_dict("records")
    assert [r["output"] for r in records] == [0, 1, 2] * 2
    assert all(r["model"]["version"] == "4" and r["request_id"] == "req" for r in records)
