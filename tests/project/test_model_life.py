"""A baked project's model after training: promotion, the real service, the drift demo.

One default project is baked and installed; a weak model is trained and evaluated first
(it passes the gate and becomes @champion), then `dvc repro` trains the default model,
which beats it and is promoted. The service is started with gunicorn on a free loopback
port and gets real HTTP: every kind of bad input, and many requests at once. That
`dvc exp run` trials move no alias is checked by test_pipeline_e2e.py (embedded store)
and tests/servers/test_champion_on_server.py (team server).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import bake_project, install_project, run
from servers.local_servers import free_port

pytestmark = pytest.mark.slow

# Reads the registry in a child process (mlflow's import-time warnings stay out of this
# strict pytest session): alias -> version, and the number of versions.
ALIASES = """
import json, sys
from mlflow import MlflowClient
client = MlflowClient(sys.argv[1])
versions = client.search_model_versions(f"name = '{sys.argv[2]}'")
aliases = client.get_registered_model(sys.argv[2]).aliases
print(json.dumps({"versions": len(versions), "aliases": {k: str(v) for k, v in aliases.items()}}))
"""
WEAK = ["model.scale_features=false", "model.estimator.C=0.000001"]
NO_GATE = ["evaluate.gate.min_accuracy=0.0", "evaluate.gate.min_f1_macro=0.0"]


@dataclass
class Project:
    """A baked, installed default project."""

    path: Path
    module: str
    env: dict[str, str]

    def run(
        self, *command: str, check: bool = True, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return run(list(command), cwd=self.path, env={**self.env, **env}, timeout=900, check=check)

    def stage(self, name: str, *overrides: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", f"{self.module}.stages.{name}", *overrides)

    def registry(self) -> dict[str, Any]:
        result = self.run(sys.executable, "-c", ALIASES, "sqlite:///mlflow.db", self.module)
        found: dict[str, Any] = json.loads(result.stdout)
        return found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, project_env: dict[str, str]) -> Project:
    """Weak model first (the first @champion), then `dvc repro` with the default model."""
    path = bake_project(tmp_path_factory.mktemp("life"), project_name="Model Life")
    install_project(path, project_env)
    baked = Project(
        path, path.name, {k: v for k, v in project_env.items() if k != "MLFLOW_TRACKING_URI"}
    )
    baked.stage("prepare")
    baked.stage("train", *WEAK)
    weak = baked.stage("evaluate", *NO_GATE)
    assert "promoted: version 1 is the first @champion" in weak.stdout
    repro = baked.run("dvc", "repro")
    assert "promoted: version 2 beats @champion version 1" in repro.stdout
    return baked


def test_repro_promotes_the_better_model_and_predicts_with_it(project: Project) -> None:
    assert project.registry()["aliases"] == {"champion": "2", "candidate": "2"}
    predictions = (project.path / "data" / "predictions" / "predictions.csv").read_text()
    header, first = predictions.splitlines()[:2]
    assert header.endswith("model_name,model_version,run_id,batch_md5")
    assert f",{project.module},2," in first
    monitor = json.loads((project.path / "reports" / "monitor" / "metrics.json").read_text())
    assert monitor["alarm"] == 0 and monitor["live_accuracy"] >= 0.85
    report = (project.path / "reports" / "monitor" / "drift.html").read_text()
    assert "No alarm" in report and "https://" not in report


def test_a_worse_model_is_registered_but_not_promoted(project: Project) -> None:
    project.stage("train", *WEAK)
    result = project.stage("evaluate", *NO_GATE)

    assert "kept: version 3 does not beat @champion version 2" in result.stdout
    assert project.registry()["aliases"] == {"champion": "2", "candidate": "3"}
    by_hand = project.run("make", "promote")
    assert "not promoted: version 3 does not beat @champion version 2" in by_hand.stdout
    assert project.registry()["aliases"]["champion"] == "2"


@dataclass
class Service:
    url: str
    process: subprocess.Popen[str]
    log: Path


def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, body, {"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.status, answer.read()


@pytest.fixture(scope="module")
def service(project: Project) -> Iterator[Service]:
    """The project's service under gunicorn (2 workers) on a free loopback port."""
    port = free_port()
    log = project.path / "logs" / "service-test.jsonl"
    command = [
        sys.executable, "-m", f"{project.module}.serve", f"serve.port={port}",
        "serve.workers=2", "serve.max_body_bytes=100000", f"predict.log_path={log}",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=project.path, env=project.env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            _get(f"{url}/health")
            break
        except OSError:
            assert time.monotonic() < deadline, "the service did not come up"
            time.sleep(0.3)
    try:
        yield Service(url, process, log)
    finally:
        os.killpg(process.pid, signal.SIGINT)  # gunicorn's quick shutdown
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="module")
def record(project: Project) -> dict[str, float]:
    lines = (project.path / "data" / "processed" / "test.csv").read_text().splitlines()
    names, values = lines[0].split(","), lines[1].split(",")
    return {n: float(v) for n, v in zip(names, values, strict=True) if n != "target"}


def test_service_answers_with_lineage(service: Service, record: dict[str, float]) -> None:
    status, body = _post(f"{service.url}/predict", json.dumps(record).encode())
    assert status == 200 and body["model_version"] == "2" and len(body["predictions"]) == 1
    metadata = json.loads(_get(f"{service.url}/metadata")[1])
    assert metadata["alias"] == "champion" and metadata["version"] == "2"
    assert len(metadata["training_data_version"]) == 12 and metadata["run_id"]


def _changed(record: dict[str, float], **changes: Any) -> bytes:
    return json.dumps({**record, **changes}).encode()


def test_every_bad_input_gets_a_4xx_naming_the_field(
    service: Service, record: dict[str, float]
) -> None:
    missing = {k: v for k, v in record.items() if k != "hue"}
    cases: list[tuple[bytes, int, str | None]] = [
        (json.dumps(missing).encode(), 422, "hue"),
        (_changed(record, hue="blue"), 422, "hue"),
        (_changed(record, hue=40.0), 422, "hue"),
        (_changed(record, shade=1.0), 422, "shade"),
        (b"not json at all", 400, None),
        (b"\xff\xfe", 400, None),
        (b"", 400, None),
        (b"[" * 100_001, 413, None),
    ]
    for body, status, field in cases:
        got, answer = _post(f"{service.url}/predict", body)
        assert (got, answer["field"]) == (status, field), (body[:60], answer)
        assert answer["error"]
    assert service.process.poll() is None


def test_concurrent_requests_are_all_answered_and_logged(
    service: Service, record: dict[str, float]
) -> None:
    before = len(service.log.read_text().splitlines()) if service.log.exists() else 0
    body = json.dumps([record, record]).encode()

    def call(index: int) -> int:
        status, answer = _post(f"{service.url}/predict", body, {"X-Request-ID": f"c{index}"})
        assert answer["request_id"] == f"c{index}"
        return status

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(call, range(200)))

    assert statuses == [200] * 200
    lines = service.log.read_text().splitlines()[before:]
    records = [json.loads(line) for line in lines]
    assert len(records) == 400
    assert {r["request_id"] for r in records} == {f"c{i}" for i in range(200)}
    assert all(r["model"]["version"] == "2" and r["inputs"] == record for r in records)
    metrics = _get(f"{service.url}/metrics")[1].decode()
    served = [
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith('predict_requests_total{endpoint="predict",status="200"}')
    ]
    assert sum(served) >= 201  # both workers' counts, through the multiprocess collector
    assert "predict_latency_seconds_bucket" in metrics


def test_the_monitor_reads_the_service_log(project: Project, service: Service) -> None:
    result = project.run(
        sys.executable, "-m", f"{project.module}.monitor",
        f"monitor.current_path={service.log}", "monitor.log_to_mlflow=false",
        "monitor.metrics_path=reports/service-monitor.json",
        "monitor.html_path=reports/service-monitor.html", check=False,
    )  # fmt: skip
    # One record sent 400 times is not the training distribution: drift, in one line.
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: monitor: drift in ")


def test_a_missing_alias_fails_fast_in_one_line(project: Project) -> None:
    result = project.run(
        sys.executable, "-m", f"{project.module}.serve",
        f"predict.model_uri=models:/{project.module}@nobody", check=False,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "@nobody" in lines[0] and lines[0].startswith("Error: ")


def test_make_drift_demo_passes_then_alarms(project: Project) -> None:
    result = project.run("make", "drift-demo")

    assert "normal: monitor passed" in result.stdout
    assert "shifted: monitor: drift in alcohol" in result.stdout
    assert "as expected" in result.stdout
    assert (project.path / "reports" / "drift-demo" / "shifted.html").is_file()
