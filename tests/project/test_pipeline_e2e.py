"""Bake, install and run two projects end to end, as a data scientist would.

The default project and a non-default one (minimal example, GitLab CI, BSD licence,
Python 3.12) are each baked, installed into the shared environment and run with
`dvc repro` once per module; the tests then check what a user sees: the project's own
tests, a no-op second `dvc repro`, `dvc metrics show`, pre-commit, pdoc, what MLflow holds,
readable failures, and `dvc exp run --set-param` (last: it changes params.yaml).
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import bake_project, install_project, run

pytestmark = pytest.mark.slow

NON_DEFAULT = {
    "project_name": "Grape Quality",
    "example": "minimal",
    "ci": "gitlab",
    "license": "BSD-3-Clause",
    "python_version": "3.12",
}

# Reads the project's MLflow store in a child process (mlflow's import-time warnings stay
# out of this strict pytest session) and prints what it holds as JSON.
MLFLOW_SUMMARY = """
import json, sys
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

uri, experiment, model_name = sys.argv[1:4]
client = MlflowClient(uri)
found = client.get_experiment_by_name(experiment)
runs = client.search_runs([found.experiment_id]) if found else []
try:
    version = client.get_model_version_by_alias(model_name, "candidate")
    candidate = {"version": int(version.version), "run_id": version.run_id}
except MlflowException:
    candidate = None
print(json.dumps({
    "runs": [
        {"status": r.info.status, "params": r.data.params, "metrics": r.data.metrics,
         "tags": r.data.tags, "run_id": r.info.run_id}
        for r in runs
    ],
    "candidate": candidate,
    "registered": [m.name for m in client.search_registered_models()],
}))
"""


def is_training(run: dict[str, Any]) -> bool:
    """A training run (validate logs a run of its own, with the data it checked)."""
    return bool(run["tags"].get("stage") == "train")


@dataclass
class Baked:
    """A baked, installed project after its first `dvc repro`."""

    path: Path
    module: str
    full: bool
    env: dict[str, str]
    first_repro: subprocess.CompletedProcess[str]

    @property
    def stages(self) -> list[str]:
        return ["prepare", "validate", "train", "evaluate"] if self.full else ["prepare", "train"]

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(list(command), cwd=self.path, env=self.env, timeout=900, check=check)

    def lock(self) -> dict[str, Any]:
        """dvc.lock: what DVC recorded of each stage's last run (behaviour, not DVC's words)."""
        data: dict[str, Any] = yaml.safe_load((self.path / "dvc.lock").read_text(encoding="utf-8"))
        return data

    def mlflow(self) -> dict[str, Any]:
        result = self.run(
            "python", "-c", MLFLOW_SUMMARY, "sqlite:///mlflow.db", self.module, self.module
        )
        summary: dict[str, Any] = json.loads(result.stdout)
        return summary


def bake_and_repro(
    tmp_path_factory: pytest.TempPathFactory, env: dict[str, str], **answers: str
) -> Baked:
    project = bake_project(tmp_path_factory.mktemp("e2e"), **answers)
    install_project(project, env)
    project_env = {k: v for k, v in env.items() if k != "MLFLOW_TRACKING_URI"}
    start = time.perf_counter()
    first = run(["dvc", "repro"], cwd=project, env=project_env, timeout=900)
    print(f"\n{project.name}: cold dvc repro {time.perf_counter() - start:.1f} s")
    full = answers.get("example", "full") == "full"
    return Baked(project, project.name, full, project_env, first)


@pytest.fixture(scope="module")
def default_project(tmp_path_factory: pytest.TempPathFactory, project_env: dict[str, str]) -> Baked:
    return bake_and_repro(tmp_path_factory, project_env)


@pytest.fixture(scope="module")
def non_default_project(
    tmp_path_factory: pytest.TempPathFactory, project_env: dict[str, str]
) -> Baked:
    return bake_and_repro(tmp_path_factory, project_env, **NON_DEFAULT)


@pytest.fixture(params=["default_project", "non_default_project"])
def baked(request: pytest.FixtureRequest) -> Baked:
    project: Baked = request.getfixturevalue(request.param)
    return project


def test_first_repro_runs_every_stage_and_says_where_to_look(baked: Baked) -> None:
    output = baked.first_repro.stdout
    assert set(baked.stages) <= set(baked.lock()["stages"])  # every stage ran and is recorded
    assert (baked.path / "data" / "processed" / "train.csv").is_file()
    assert (baked.path / "models" / "model" / "MLmodel").is_file()
    if baked.full:
        assert f"registered {baked.module} version 1 (alias @candidate)" in output
        assert json.loads((baked.path / "reports" / "validation.json").read_text())["passed"]


def test_second_repro_does_nothing(baked: Baked) -> None:
    outputs = [baked.path / "data/processed/train.csv", baked.path / "models/model/MLmodel"]
    before = baked.lock(), [path.stat().st_mtime_ns for path in outputs]
    start = time.perf_counter()
    baked.run("dvc", "repro")
    print(f"\n{baked.module}: no-op dvc repro {time.perf_counter() - start:.1f} s")
    assert (baked.lock(), [path.stat().st_mtime_ns for path in outputs]) == before


def test_outputs_stay_out_of_git_and_reports_do_not(baked: Baked) -> None:
    status = baked.run("git", "status", "--porcelain", "--untracked-files=all").stdout
    changed = sorted(line[3:] for line in status.splitlines())
    assert "dvc.lock" in changed
    assert all(path == "dvc.lock" or path.startswith("reports/") for path in changed), changed


def test_dvc_metrics_show_lists_the_metrics(baked: Baked) -> None:
    shown = baked.run("dvc", "metrics", "show")
    assert "cv_accuracy_mean" in shown.stdout
    metrics = json.loads(baked.run("dvc", "metrics", "show", "--json").stdout)
    (workspace,) = metrics.values()  # the workspace only, keyed "" by DVC 3
    files = workspace["data"]
    assert files["reports/train_metrics.json"]["data"]["cv_accuracy_mean"] > 0.5
    if baked.full:
        assert files["reports/metrics.json"]["data"]["accuracy"] >= 0.85


def test_dvc_plots_show_renders_the_plots(default_project: Baked) -> None:
    shown = json.loads(default_project.run("dvc", "plots", "show", "--json").stdout)["data"]
    names = ("confusion_matrix", "roc", "precision_recall")
    assert set(shown) == {f"reports/plots/{name}.json" for name in names}
    assert all(plot["type"] == "vega" for plots in shown.values() for plot in plots)


def test_project_tests_pass(baked: Baked) -> None:
    result = baked.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider")
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary


def test_pre_commit_passes_and_changes_nothing(baked: Baked) -> None:
    baked.run("pre-commit", "run", "--all-files")
    baked.run("git", "diff", "--exit-code")


def test_make_docs_builds_the_api_docs(baked: Baked) -> None:
    baked.run("make", "docs")
    docs = baked.path / "build" / "docs"
    assert (docs / f"{baked.module}.html").is_file()
    assert (docs / baked.module / "stages" / "train.html").is_file()


def test_mlflow_holds_the_run_its_lineage_and_the_registered_model(baked: Baked) -> None:
    summary = baked.mlflow()
    finished = [r for r in summary["runs"] if r["status"] == "FINISHED" and is_training(r)]
    # The full example's monitor stage logs a run of its own (stage: monitor).
    monitored = [r for r in summary["runs"] if r["tags"].get("stage") == "monitor"]
    assert len(monitored) == int(baked.full)
    assert len(finished) == 1
    trained = finished[0]
    assert trained["params"]["model.name"] == "logistic_regression"
    assert "cv_accuracy_mean" in trained["metrics"]
    head = baked.run("git", "rev-parse", "HEAD").stdout.strip()
    assert trained["tags"]["mlflow.source.git.commit"] == head
    lock = yaml.safe_load((baked.path / "dvc.lock").read_text(encoding="utf-8"))
    train_md5 = next(
        out["md5"]
        for out in lock["stages"]["prepare"]["outs"]
        if out["path"] == "data/processed/train.csv"
    )
    assert trained["tags"]["data.train_md5"] == train_md5
    if baked.full:
        assert trained["metrics"]["test_accuracy"] >= 0.85
        assert trained["tags"]["quality_gate"] == "passed"
        assert summary["candidate"] == {"version": 1, "run_id": trained["run_id"]}
    else:
        assert summary["registered"] == []


def test_bad_data_stops_validate_with_a_readable_report(
    default_project: Baked, tmp_path: Path
) -> None:
    result = default_project.run(
        "python",
        "-m",
        f"{default_project.module}.stages.validate",
        "validate.min_rows=1000",
        f"validate.report_path={tmp_path / 'validation.json'}",
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the data breaks the schema")
    assert "fewer than 1000 rows" in result.stderr and "Traceback" not in result.stderr
    assert json.loads((tmp_path / "validation.json").read_text())["passed"] is False


def test_unreachable_tracking_server_fails_in_one_line(
    default_project: Baked, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        uri = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = {**default_project.env, "MLFLOW_TRACKING_URI": uri}
    start = time.perf_counter()
    result = run(
        [
            "python",
            "-m",
            f"{default_project.module}.stages.train",
            f"train.model_dir={tmp_path / 'model'}",
            f"train.run_info_path={tmp_path / 'run.json'}",
            f"train.metrics_path={tmp_path / 'metrics.json'}",
        ],
        cwd=default_project.path,
        env=env,
        check=False,
    )
    print(f"\ntracking server down: train failed after {time.perf_counter() - start:.1f} s")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: MLflow tracking server {uri} ")
    assert "make server" in lines[0]
    assert not (tmp_path / "model").exists()


def test_a_conf_edit_stops_dvc_repro_until_params_are_refreshed(default_project: Baked) -> None:
    conf = default_project.path / "conf" / "prepare" / "default.yaml"
    original = conf.read_text(encoding="utf-8")
    conf.write_text(original.replace("test_size: 0.2", "test_size: 0.25"), encoding="utf-8")
    stopped = default_project.run("dvc", "repro", check=False)
    assert stopped.returncode != 0
    assert "Running stage 'prepare'" not in stopped.stdout
    output = (stopped.stdout + stopped.stderr).splitlines()
    (line,) = [text for text in output if "params.yaml is stale" in text]
    assert "make repro" in line
    # `make repro` refreshes params.yaml first; its `make params` half, then what DVC sees.
    default_project.run("make", "params")
    params = yaml.safe_load((default_project.path / "params.yaml").read_text(encoding="utf-8"))
    assert params["prepare"]["test_size"] == 0.25
    status = default_project.run("dvc", "status").stdout
    assert "prepare" in status and "modified" in status
    conf.write_text(original, encoding="utf-8")
    default_project.run("make", "params")
    assert "Data and pipelines are up to date." in default_project.run("dvc", "repro").stdout


# Runs last in this module: `dvc exp run` rewrites params.yaml and logs another run.
def test_dvc_exp_run_set_param_switches_the_model(default_project: Baked) -> None:
    before = default_project.lock()["stages"]
    result = default_project.run("dvc", "exp", "run", "--set-param", "model=random_forest")
    after = default_project.lock()["stages"]
    assert after["train"] != before["train"]  # retrained ...
    assert after["prepare"] == before["prepare"]  # ... on the same data
    params = yaml.safe_load((default_project.path / "params.yaml").read_text(encoding="utf-8"))
    assert params["model"]["name"] == "random_forest"
    summary = default_project.mlflow()
    models = {
        r["params"]["model.name"]
        for r in summary["runs"]
        if r["status"] == "FINISHED" and is_training(r)
    }
    assert models == {"logistic_regression", "random_forest"}
    assert summary["candidate"]["version"] == 1  # a trial is registered but moves no alias
    assert "trials never move @champion" in result.stdout
    experiments = json.loads(default_project.run("dvc", "exp", "show", "--json").stdout)
    assert "random_forest" in json.dumps(experiments)
