"""Shared helpers for benchmark scripts: run a command N times, print the median."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


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
