"""Shared helpers for benchmark scripts: run a command N times, print the median."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Sequence
from io import BytesIO
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Run the CLI from a given source folder, ahead of the installed (editable) package.
LAUNCH = "import sys; sys.path.insert(0, sys.argv.pop(1)); from mlops_kit.app import main; main()"


def wall_times(
    command: Sequence[str],
    runs: int,
    cwd: Path | None = None,
    before_each: Callable[[], None] | None = None,
) -> list[float]:
    """Wall-clock seconds of `runs` executions of `command` (output discarded)."""
    env = {**os.environ, "DVC_NO_ANALYTICS": "1", "MLFLOW_DISABLE_TELEMETRY": "true"}
    times = []
    for _ in range(runs):
        if before_each is not None:
            before_each()
        start = time.perf_counter()
        subprocess.run(
            list(command),
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float]) -> float:
    """Print one aligned line: label, median and min in milliseconds; return the median."""
    median = statistics.median(times)
    fastest = min(times)
    print(
        f"{label:<48} median {median * 1000:8.1f} ms   "
        f"min {fastest * 1000:8.1f} ms   (n={len(times)})"
    )
    return median


def extract(revision: str, into: Path) -> Path:
    """Write the `cli/` folder of `revision` below `into`; return that cli folder."""
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", revision, "cli"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "cli"
