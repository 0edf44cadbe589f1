"""A drift demo to watch: serve the model, send normal then shifted data, run the monitor.

    python -m <package>.drift_demo                                # make drift-demo

Starts the service on a free loopback port with its own prediction log
(logs/drift-demo.jsonl), sends a normal batch (rows drawn from the training split),
runs the monitor on it (no alarm), then sends a shifted batch (one feature moved up by
one standard deviation) and runs the monitor on the last batch (alarm, naming the
feature). Both reports are kept under reports/drift-demo/. Exits 0 when the monitor
behaved so.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig

from . import monitor
from .inputs import feature_names, schema_spec
from .runner import StageError, reported_errors, stage_config

ROWS = 200
CHUNK = 50
LOG = "logs/drift-demo.jsonl"


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def demo_batches(cfg: DictConfig, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Return a normal batch, the same batch with one feature shifted, and that feature."""
    names = feature_names(cfg)
    train = pd.read_csv(cfg.data.train_path)[names]
    normal = train.sample(ROWS, replace=True, random_state=seed).reset_index(drop=True)
    column = names[0]
    spec = schema_spec(cfg)["columns"][column]
    shifted = normal.copy()
    moved = shifted[column] + train[column].std()
    shifted[column] = np.clip(moved, spec.get("min"), spec.get("max"))
    return normal, shifted, column


def post(url: str, rows: list[dict[str, Any]]) -> None:
    """POST records to /predict; fail on any answer but 200."""
    request = urllib.request.Request(
        url, json.dumps(rows).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()


def wait_until_up(url: str, server: subprocess.Popen[str], timeout: float = 120) -> None:
    """Wait for /health to answer; fail with the server's message if it exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            error = (server.stderr.read() if server.stderr else "").strip().splitlines()
            raise StageError(f"the service did not start: {error[-1] if error else 'no output'}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise StageError(f"the service did not answer {url}/health within {timeout:.0f} s")


def check(cfg: DictConfig, label: str) -> str | None:
    """Run the monitor on the last batch of the demo log; return its alarm, if any."""
    cfg.monitor.current_path = LOG
    cfg.monitor.window = ROWS
    cfg.monitor.html_path = f"reports/drift-demo/{label}.html"
    cfg.monitor.metrics_path = f"reports/drift-demo/{label}.json"
    cfg.monitor.log_to_mlflow = False
    try:
        monitor.run(cfg)
    except monitor.DriftDetected as alarm:
        return str(alarm)
    return None


def run(cfg: DictConfig) -> bool:
    """Run the demo; return whether the normal batch passed and the shifted one alarmed."""
    Path(LOG).unlink(missing_ok=True)
    normal, shifted, column = demo_batches(cfg)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", f"{__package__}.serve", f"serve.port={port}", "serve.workers=1",
        f"predict.log_path={LOG}",
    ]  # fmt: skip
    print(f"drift-demo: starting the service on {url}", flush=True)
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_until_up(url, server)
        outcome = {}
        for label, batch in (("normal", normal), ("shifted", shifted)):
            rows = batch.to_dict("records")
            for start in range(0, len(rows), CHUNK):
                post(f"{url}/predict", rows[start : start + CHUNK])
            print(f"drift-demo: sent {len(rows)} {label} rows", flush=True)
            outcome[label] = check(cfg, label)
            print(f"drift-demo: {label}: {outcome[label] or 'monitor passed'}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGINT)  # gunicorn's quick shutdown
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()
    ok = outcome["normal"] is None and outcome["shifted"] is not None
    shifted_note = f"{column} moved up by one standard deviation"
    print(f"drift-demo: {'as expected' if ok else 'NOT as expected'} ({shifted_note})")
    return ok


def main(argv: Sequence[str] | None = None) -> None:
    """Run the demo from the command line."""
    with reported_errors():
        if not run(stage_config(__doc__, argv)):
            sys.exit(1)


if __name__ == "__main__":
    main()
