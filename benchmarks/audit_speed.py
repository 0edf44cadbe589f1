"""Median wall time of `mlops-kit audit`, next to `import typer` and repo-review.

    python benchmarks/audit_speed.py [--runs 15]

1. A freshly baked default project: `mlops-kit audit` vs `python -c "import typer"` (target:
   within 3x) vs `repo-review` with sp-repo-review's checks (target: under half; install
   the `bench` dependency group for it).
2. Synthetic git repositories of 20,000 and 40,000 files with 300- and 600-stage dvc.yaml
   pipelines (target: under 2 s, growing linearly).

Every command runs with the same bytecode conditions: a private `PYTHONPYCACHEPREFIX`, so
each tool's modules are byte-compiled by the untimed warm-up run and loaded from bytecode
afterwards, as for any pip-installed package. (Under `PYTHONDONTWRITEBYTECODE=1` an
editable install recompiles the kit's modules on every run while typer and repo-review
still load the bytecode pip wrote: an unequal comparison.) The audit keeps parsed
YAML/TOML in the user's cache folder (here a private one): "cold" runs start with it
empty, "warm" runs find the previous run's entries.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent
GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]


def environment(scratch: Path) -> dict[str, str]:
    """The benchmark's environment: private bytecode and user cache folders."""
    env = {**os.environ, "NO_COLOR": "1", "DVC_NO_ANALYTICS": "1"}
    env["XDG_CACHE_HOME"] = str(scratch / "user-cache")
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    for name in ("PYTHONDONTWRITEBYTECODE", "CI", "MLOPS_KIT_NO_CACHE"):
        env.pop(name, None)
    return env


def median_seconds(
    command: list[str],
    runs: int,
    cwd: Path,
    env: dict[str, str],
    before_each: Callable[[], None] | None = None,
) -> float:
    """Median wall time of `command` over `runs` runs (after one untimed warm-up run)."""
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        if before_each is not None:
            before_each()
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def tool(name: str) -> str | None:
    """Path of a console script in this environment (or on PATH)."""
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def bake(folder: Path, env: dict[str, str]) -> Path:
    """Bake the default project with the kit's CLI."""
    kit = tool("mlops-kit")
    assert kit, "mlops-kit is not installed in this environment"
    command = [kit, "new", "--no-input", "-o", str(folder)]
    subprocess.run(command, check=True, capture_output=True, env=env)
    return folder / "wine_classifier"


def synthetic_repo(root: Path, files: int, stages: int) -> Path:
    """A git repository with `files` files and a linear `stages`-stage pipeline."""
    package = root / "src" / "pkg"
    (package / "stages").mkdir(parents=True)
    (root / "tests").mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    lines = ["stages:"]
    for i in range(stages):
        (package / "stages" / f"s{i}.py").write_text(
            f"def run(cfg):\n    return {i}\n", encoding="utf-8"
        )
        (root / "tests" / f"test_s{i}.py").write_text("def test():\n    pass\n", encoding="utf-8")
        dep = f"\n      - data/s{i - 1}.csv" if i else ""
        lines.append(
            f"  s{i}:\n    cmd: python -m pkg.stages.s{i}\n    deps:\n"
            f"      - src/pkg/stages/s{i}.py{dep}\n    outs:\n      - data/s{i}.csv"
        )
    (root / "dvc.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / ".gitignore").write_text("/data/\n", encoding="utf-8")
    made = 2 * stages + 3
    for i in range(files - made):
        folder = package / f"lib{i // 200}"
        folder.mkdir(exist_ok=True)
        (folder / f"m{i}.py").write_text(f'"""Module {i}."""\nVALUE = {i}\n', encoding="utf-8")
    subprocess.run([*GIT, "init", "-q"], cwd=root, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-q", "--no-verify", "-m", "synthetic"], cwd=root, check=True)
    return root


def load() -> str:
    """The 1/5/15-minute load averages (the machine may be shared)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def ms(seconds: float) -> str:
    """Seconds as right-aligned milliseconds."""
    return f"{seconds * 1000:6.0f} ms"


def main() -> None:
    """Print the medians and how they compare with the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    runs = args.runs
    kit = tool("mlops-kit")
    assert kit
    print(f"load average before: {load()}   ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        env = environment(scratch)
        user_cache = scratch / "user-cache"

        def clear_cache() -> None:
            shutil.rmtree(user_cache, ignore_errors=True)

        project = bake(scratch / "baked", env)
        audit = [kit, "audit", str(project)]
        typer_time = median_seconds([sys.executable, "-c", "import typer"], runs, scratch, env)
        cold = median_seconds(audit, runs, scratch, env, before_each=clear_cache)
        warm = median_seconds(audit, runs, scratch, env)
        review = tool("repo-review")
        review_time = median_seconds([review, str(project)], runs, scratch, env) if review else 0
        print(f"fresh bake ({runs} runs each, median):")
        print(f"  python -c 'import typer'        {ms(typer_time)}")
        for label, seconds in (("cold", cold), ("warm", warm)):
            versus = f"{seconds / typer_time:.1f}x typer (target <= 3x)"
            if review_time:
                versus += f", {seconds / review_time:.2f}x repo-review (target < 0.5x)"
            print(f"  mlops-kit audit, {label} cache   {ms(seconds)}   {versus}")
        if review_time:
            print(f"  repo-review (sp-repo-review)    {ms(review_time)}")
        else:
            print("  repo-review: not installed (pip install -e . --group bench)")
        print("synthetic repositories (5 runs each, median; target < 2 s, linear growth):")
        previous: tuple[float, float] | None = None
        for files, stages in ((20_000, 300), (40_000, 600)):
            repo = synthetic_repo(scratch / f"synthetic{files}", files, stages)
            command = [kit, "audit", str(repo), "--fail-on", "never"]
            big_cold = median_seconds(command, 5, scratch, env, before_each=clear_cache)
            big_warm = median_seconds(command, 5, scratch, env)
            growth = ""
            if previous:
                growth = f"   x{big_cold / previous[0]:.2f} / x{big_warm / previous[1]:.2f} for 2x"
            print(
                f"  {files:,} files, {stages} stages: cold {big_cold:5.2f} s, "
                f"warm {big_warm:5.2f} s{growth}"
            )
            previous = (big_cold, big_warm)
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
