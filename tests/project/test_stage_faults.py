"""A baked project's stages facing bad data files and a tracking store that vanishes mid-run.

An empty or binary split, or text in a numeric column, gives a validation report that says
so (the previous report replaced, not left stale) and one readable failure, not a pandas
traceback. Deleting mlflow.db while a stage logs to it gives one `Error:` line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import bake_project, run

pytestmark = pytest.mark.slow

# Runs a stage after making MLflow lose its database the moment the stage logs: the file is
# deleted just before the named mlflow call, as a user or a cleanup job might.
DELETE_DB_THEN_RUN = """
import importlib, os, sys
import mlflow

stage, call = sys.argv[1:3]
original = getattr(mlflow, call)

def deleting(*args, **kwargs):
    if os.path.exists("mlflow.db"):
        os.remove("mlflow.db")
    return original(*args, **kwargs)

setattr(mlflow, call, deleting)
importlib.import_module(stage).main([])
"""


class Project:
    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path = path
        self.module = path.name
        self.env = env

    def stage(self, *command: str) -> subprocess.CompletedProcess[str]:
        return run(["python", *command], cwd=self.path, env=self.env, timeout=900, check=False)

    def report(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(
            (self.path / "reports" / "validation.json").read_text(encoding="utf-8")
        )
        return data


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, project_env: dict[str, str]) -> Project:
    path = bake_project(tmp_path_factory.mktemp("faults"))
    project = Project(path, {**project_env, "PYTHONPATH": str(path / "src")})
    done = project.stage("-m", f"{project.module}.stages.prepare")
    assert done.returncode == 0, done.stderr
    return project


@pytest.fixture
def project(prepared: Project, tmp_path: Path) -> Iterator[Project]:
    """The prepared project; its data splits are put back after each test."""
    processed = prepared.path / "data" / "processed"
    saved = tmp_path / "processed"
    shutil.copytree(processed, saved)
    yield prepared
    shutil.rmtree(processed)
    shutil.copytree(saved, processed)


def problems(report: dict[str, object], split: str) -> list[str]:
    datasets = report["datasets"]
    assert isinstance(datasets, dict)
    return [str(problem["message"]) for problem in datasets[split]["problems"]]


def test_empty_and_binary_splits_give_a_report_that_says_so(project: Project) -> None:
    reports = project.path / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "validation.json").write_text('{"passed": true, "stale": true}\n')
    (project.path / "data" / "processed" / "train.csv").write_bytes(b"")
    (project.path / "data" / "processed" / "test.csv").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"
    )
    done = project.stage("-m", f"{project.module}.stages.validate")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Error: " in done.stderr
    report = project.report()
    assert report["passed"] is False and "stale" not in report  # replaced, not left stale
    assert any("empty" in message for message in problems(report, "train"))
    assert any("not UTF-8" in message for message in problems(report, "test"))
    assert (reports / "validation.html").is_file()


def test_text_in_a_numeric_column_is_reported_as_such(project: Project) -> None:
    train = project.path / "data" / "processed" / "train.csv"
    header, first, *rest = train.read_text(encoding="utf-8").splitlines()
    column = header.split(",")[0]
    cells = first.split(",")
    cells[0] = "lots"
    train.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")
    done = project.stage("-m", f"{project.module}.stages.validate")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (message,) = [m for m in problems(project.report(), "train") if column in m]
    assert "not numbers" in message and "'lots'" in message and "row index 0" in message
    assert "dtype lots" not in done.stderr


def test_mlflow_db_deleted_during_a_run_gives_one_line(project: Project) -> None:
    stage = f"{project.module}.stages.train"
    done = project.stage("-c", DELETE_DB_THEN_RUN, stage, "log_params")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith("Error: MLflow store sqlite:///mlflow.db")
    assert "deleted" in errors[0]
