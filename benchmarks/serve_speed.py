"""The baked project's model service next to `mlflow models serve`, same model, same run.

Bakes the default project, runs its pipeline (the @champion is registered), then starts
both servers on loopback with the same number of workers and times, in turns:
single-row /predict latency (p50, p99, sequential), requests/s with 8 concurrent clients
(one row each) and one 10,000-row batch (median of 3). Each request opens a connection,
as a simple client does. Prints the numbers; asserts nothing.

Usage: python benchmarks/serve_speed.py [SEQUENTIAL_REQUESTS] [WORKERS]
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from timing import BIN, REPO_ROOT

CLIENTS = 8
CONCURRENT_REQUESTS = 800
BATCH_ROWS = 10_000
ENV = {
    **os.environ,
    "DVC_NO_ANALYTICS": "1",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def baked_project(scratch: Path) -> Path:
    sys.path.insert(0, str(REPO_ROOT / "cli"))
    from mlops_kit.new import bake_new_project

    project = bake_new_project(["project_name=Bench Serve"], output_dir=scratch, no_input=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--editable", str(project)],
        check=True, env=ENV,
    )  # fmt: skip
    subprocess.run(["dvc", "repro"], cwd=project, env=ENV, check=True, capture_output=True)
    return project


@contextmanager
def server(command: list[str], cwd: Path, url: str) -> Iterator[None]:
    process = subprocess.Popen(
        command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{' '.join(command)} did not start") from None
                time.sleep(0.3)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def poster(url: str, body: bytes) -> Callable[[], float]:
    def post() -> float:
        request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()
            if answer.status != 200:
                raise RuntimeError(f"{url} answered {answer.status}")
        return time.perf_counter() - start

    return post


def measure(
    label: str, one: Callable[[], float], batch: Callable[[], float], n: int
) -> dict[str, float]:
    for _ in range(20):  # warm-up
        one()
    latencies = sorted(one() for _ in range(n))
    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda _: one(), range(CONCURRENT_REQUESTS)))
    throughput = CONCURRENT_REQUESTS / (time.perf_counter() - start)
    batches = [batch() for _ in range(3)]
    result = {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000,
        "rps_8_clients": throughput,
        "batch_10k_ms": statistics.median(batches) * 1000,
    }
    print(
        f"{label:<34} p50 {result['p50_ms']:7.2f} ms   p99 {result['p99_ms']:7.2f} ms   "
        f"{result['rps_8_clients']:7.1f} req/s (8 clients)   "
        f"10k rows {result['batch_10k_ms']:8.1f} ms"
    )
    return result


def main() -> None:
    sequential = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with tempfile.TemporaryDirectory() as scratch:
        project = baked_project(Path(scratch))
        module = project.name
        test = (project / "data" / "processed" / "test.csv").read_text().splitlines()
        names = test[0].split(",")
        rows = [
            {n: float(v) for n, v in zip(names, line.split(","), strict=True) if n != "target"}
            for line in test[1:]
        ]
        big = [rows[i % len(rows)] for i in range(BATCH_ROWS)]
        print(
            f"# model service vs mlflow models serve ({workers} workers each, {sequential} "
            f"sequential single-row requests, {CONCURRENT_REQUESTS} with {CLIENTS} clients)"
        )
        ours_port, theirs_port = free_port(), free_port()
        ours = [
            sys.executable, "-m", f"{module}.serve", f"serve.port={ours_port}",
            f"serve.workers={workers}", "predict.log_path=logs/bench.jsonl",
        ]  # fmt: skip
        theirs = [
            str(BIN / "mlflow"), "models", "serve", "-m", f"models:/{module}@champion",
            "--host", "127.0.0.1", "--port", str(theirs_port), "--env-manager", "local",
            "--workers", str(workers),
        ]  # fmt: skip
        url = f"http://127.0.0.1:{ours_port}"
        with server(ours, project, f"{url}/health"):
            measure(
                "project service (gunicorn+Flask)",
                poster(f"{url}/predict", json.dumps(rows[0]).encode()),
                poster(f"{url}/predict", json.dumps(big).encode()),
                sequential,
            )
        url = f"http://127.0.0.1:{theirs_port}"
        with server(theirs, project, f"{url}/ping"):
            measure(
                "mlflow models serve",
                poster(f"{url}/invocations", json.dumps({"dataframe_records": rows[:1]}).encode()),
                poster(f"{url}/invocations", json.dumps({"dataframe_records": big}).encode()),
                sequential,
            )


if __name__ == "__main__":
    main()
