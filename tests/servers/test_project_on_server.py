"""A baked project's pipeline against a real MLflow server on PostgreSQL (loopback only).

One project runs `dvc repro` against the server; two copies of another run at once; and
stages meet a server that is down, a port that is not HTTP and an HTTP server that is not
MLflow. Timings are printed (`-s`), never asserted.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import bake_project, install_project, run
from servers.compose_env import load_compose
from servers.local_servers import MlflowServer, Postgres, free_port, running_mlflow_server

pytestmark = pytest.mark.slow

REPRO_TIMEOUT = 600


def bake_served_project(
    output_dir: Path, name: str, server: MlflowServer, env: dict[str, str]
) -> Path:
    project = bake_project(
        output_dir, project_name=name, tracking="server", tracking_uri=server.url
    )
    install_project(project, env)
    return project


def timed_repro(project: Path, env: dict[str, str], label: str) -> float:
    started = time.perf_counter()
    run(["dvc", "repro"], cwd=project, env=env, timeout=REPRO_TIMEOUT)
    seconds = time.perf_counter() - started
    print(f"\nTIMING {label}: {seconds:.1f} s")
    return seconds


def run_info(project: Path) -> dict[str, Any]:
    """What the train stage recorded about its MLflow run (run id, model id and URI)."""
    info: dict[str, Any] = json.loads((project / "models" / "run.json").read_text("utf-8"))
    return info


def experiment_runs(server: MlflowServer, experiment: str) -> list[Any]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=server.url)
    found = client.get_experiment_by_name(experiment)
    assert found is not None, f"no experiment {experiment!r} on the server"
    return list(client.search_runs([found.experiment_id], max_results=1000))


@pytest.fixture(scope="module")
def served_project(
    tracking_server: MlflowServer,
    tmp_path_factory: pytest.TempPathFactory,
    project_env: dict[str, str],
) -> Path:
    """A project baked for the tracking server, installed, with one `dvc repro` done."""
    project = bake_served_project(
        tmp_path_factory.mktemp("served"), "Served Project", tracking_server, project_env
    )
    timed_repro(project, project_env, "dvc repro against the tracking server")
    return project


def test_repro_logs_run_metrics_model_and_version_to_the_server(
    served_project: Path, tracking_server: MlflowServer
) -> None:
    import mlflow
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=tracking_server.url)
    info = run_info(served_project)
    logged = client.get_run(info["run_id"])
    assert logged.info.status == "FINISHED"
    assert logged.data.params, "params logged"
    assert any(name.startswith("test_") for name in logged.data.metrics), logged.data.metrics
    assert any(name.startswith("cv_") for name in logged.data.metrics), logged.data.metrics

    versions = client.search_model_versions("name='served_project'")
    assert [v.run_id for v in versions] == [info["run_id"]]
    assert versions[0].status == "READY"
    # The model went through the server's artifact proxy and comes back loadable.
    assert list(tracking_server.artifacts.rglob("MLmodel"))
    mlflow.set_tracking_uri(tracking_server.url)
    try:
        model = mlflow.sklearn.load_model(f"models:/served_project/{versions[0].version}")
    finally:
        mlflow.set_tracking_uri(None)
    assert hasattr(model, "predict")
    # Nothing was written to an embedded store next to the project instead.
    assert not (served_project / "mlflow.db").exists()
    assert not (served_project / "mlruns").exists()


def test_second_repro_is_a_no_op_and_logs_nothing(
    served_project: Path, tracking_server: MlflowServer, project_env: dict[str, str]
) -> None:
    before = len(experiment_runs(tracking_server, "served_project"))
    lock = (served_project / "dvc.lock").read_bytes()
    run(["dvc", "repro"], cwd=served_project, env=project_env)
    assert (served_project / "dvc.lock").read_bytes() == lock  # nothing ran again
    assert len(experiment_runs(tracking_server, "served_project")) == before


def test_report_reads_runs_and_registry_from_the_server(
    served_project: Path, tracking_server: MlflowServer, project_env: dict[str, str]
) -> None:
    started = time.perf_counter()
    result = run(["python", "-m", "served_project.report"], cwd=served_project, env=project_env)
    print(
        f"\nTIMING make report against the tracking server: {time.perf_counter() - started:.1f} s"
    )
    page = (served_project / "reports" / "site" / "index.html").read_text(encoding="utf-8")
    assert tracking_server.url in page
    assert 'id="version-1"' in page and "@candidate" in page
    assert "not shown" not in result.stdout, result.stdout


def test_two_pipelines_log_to_one_server_at_once(
    tracking_server: MlflowServer,
    tmp_path_factory: pytest.TempPathFactory,
    project_env: dict[str, str],
) -> None:
    """Two teammates' copies of one project, same experiment and model, run together."""
    first = bake_served_project(
        tmp_path_factory.mktemp("team"), "Team Project", tracking_server, project_env
    )
    second = first.parent / "team_project_copy"
    run(["git", "clone", "--quiet", str(first), str(second)], cwd=first.parent)

    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            ["dvc", "repro"],
            cwd=copy,
            env=project_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for copy in (first, second)
    ]
    try:
        outputs = [p.communicate(timeout=REPRO_TIMEOUT)[0] for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    print(f"\nTIMING two concurrent dvc repro: {time.perf_counter() - started:.1f} s")
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output[-4000:]

    run_ids = {run_info(copy)["run_id"] for copy in (first, second)}
    assert len(run_ids) == 2
    runs = {r.info.run_id: r for r in experiment_runs(tracking_server, "team_project")}
    assert run_ids <= set(runs), "both runs are in the project's experiment"
    for run_id in run_ids:
        assert runs[run_id].info.status == "FINISHED"
        assert any(name.startswith("test_") for name in runs[run_id].data.metrics)
    from mlflow import MlflowClient

    versions = MlflowClient(tracking_uri=tracking_server.url).search_model_versions(
        "name='team_project'"
    )
    assert sorted(v.run_id for v in versions) == sorted(run_ids)
    assert sorted(int(v.version) for v in versions) == [1, 2]


@contextlib.contextmanager
def not_mlflow_http_server() -> Iterator[str]:
    """An HTTP server on loopback that answers every request with 404."""

    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_error(404)

        do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("target", ["nothing listening", "not HTTP", "HTTP but not MLflow"])
def test_train_stage_fails_fast_with_one_line_naming_the_uri(
    target: str,
    served_project: Path,
    postgres_server: Postgres,
    tracking_server: MlflowServer,
    project_env: dict[str, str],
) -> None:
    with contextlib.ExitStack() as stack:
        if target == "nothing listening":
            uri = f"http://127.0.0.1:{free_port()}"
        elif target == "not HTTP":
            uri = f"http://127.0.0.1:{postgres_server.port}"
        else:
            uri = stack.enter_context(not_mlflow_http_server())
        before = len(experiment_runs(tracking_server, "served_project"))
        started = time.perf_counter()
        result = run(
            ["python", "-m", "served_project.stages.train", f"tracking.uri={uri}"],
            cwd=served_project,
            env=project_env,
            timeout=300,
            check=False,
        )
        seconds = time.perf_counter() - started
    print(f"\nTIMING train stage failure, {target}: {seconds:.1f} s")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and uri in lines[0], lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert len(experiment_runs(tracking_server, "served_project")) == before
    assert not (served_project / "mlflow.db").exists()


def test_repro_with_the_server_down_stops_at_the_first_logging_stage(
    served_project: Path, tracking_server: MlflowServer, project_env: dict[str, str]
) -> None:
    """A fresh clone, MLFLOW_TRACKING_URI pointing at a dead port: dvc repro stops cleanly."""
    clone = served_project.parent / "served_clone"
    run(["git", "clone", "--quiet", str(served_project), str(clone)], cwd=served_project.parent)
    dead = f"http://127.0.0.1:{free_port()}"
    started = time.perf_counter()
    result = run(
        ["dvc", "repro"],
        cwd=clone,
        env={**project_env, "MLFLOW_TRACKING_URI": dead},
        timeout=300,
        check=False,
    )
    print(
        f"\nTIMING dvc repro in a fresh clone, server down: {time.perf_counter() - started:.1f} s"
    )
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors and dead in errors[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (clone / "models" / "run.json").exists()
    assert not (clone / "mlflow.db").exists()


def http_status(url: str, credentials: tuple[str, str] | None = None) -> int:
    request = urllib.request.Request(url)
    if credentials:
        token = base64.b64encode(":".join(credentials).encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_basic_auth_setup_from_deploy_guards_the_server_and_projects_log_with_env_credentials(
    served_project: Path,
    postgres_server: Postgres,
    tmp_path: Path,
    project_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """deploy/basic_auth.ini + compose.auth.yaml's settings, on the same database as compose."""
    settings = (served_project / "deploy" / "basic_auth.ini").read_text("utf-8")
    assert "@postgres:5432/" in settings
    config = tmp_path / "basic_auth.ini"
    config.write_text(
        settings.replace("@postgres:5432/", f"@127.0.0.1:{postgres_server.port}/"), "utf-8"
    )
    # The mlflow service's environment and arguments as compose.auth.yaml sets them.
    service = load_compose(served_project, "deploy/compose.auth.yaml")["services"]["mlflow"]
    auth_env = {k: v for k, v in service["environment"].items() if k.startswith("MLFLOW_")}
    admin = (auth_env["MLFLOW_AUTH_ADMIN_USERNAME"], auth_env["MLFLOW_AUTH_ADMIN_PASSWORD"])
    server_env = {
        **project_env,
        **postgres_server.libpq_env,
        **auth_env,
        "MLFLOW_AUTH_CONFIG_PATH": str(config),
    }
    app_args = service["command"][2:4]
    with running_mlflow_server(
        postgres_server.sqlalchemy_uri, tmp_path, server_env, app_args
    ) as server:
        print(f"\nTIMING mlflow server with basic auth start-up: {server.startup_seconds:.1f} s")
        search = f"{server.url}/api/2.0/mlflow/experiments/search?max_results=1"
        assert http_status(f"{server.url}/health") == 200, "compose's healthcheck needs no login"
        assert http_status(search) == 401
        assert http_status(search, admin) == 200

        denied = run(
            ["python", "-m", "served_project.stages.train", f"tracking.uri={server.url}"],
            cwd=served_project,
            env=project_env,
            check=False,
        )
        assert denied.returncode == 1
        lines = denied.stderr.strip().splitlines()
        assert len(lines) == 1 and server.url in lines[0] and "401" in lines[0], denied.stderr
        status = run(["dvc", "status", "--json"], cwd=served_project, env=project_env)
        assert json.loads(status.stdout) == {}, "the refused stage changed nothing"

        clone = tmp_path / "auth_clone"
        run(["git", "clone", "--quiet", str(served_project), str(clone)], cwd=tmp_path)
        signed_in = {
            **project_env,
            "MLFLOW_TRACKING_URI": server.url,
            "MLFLOW_TRACKING_USERNAME": admin[0],
            "MLFLOW_TRACKING_PASSWORD": admin[1],
        }
        run(["dvc", "repro"], cwd=clone, env=signed_in)
        from mlflow import MlflowClient

        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", admin[0])
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", admin[1])
        logged = MlflowClient(tracking_uri=server.url).get_run(run_info(clone)["run_id"])
        assert logged.info.status == "FINISHED"
        assert logged.info.user_id == admin[0]


def test_no_run_is_left_running_on_the_server(tracking_server: MlflowServer) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=tracking_server.url)
    experiments = [e.experiment_id for e in client.search_experiments()]
    running = client.search_runs(experiments, filter_string="attributes.status = 'RUNNING'")
    assert [r.info.run_id for r in running] == []
