"""Median wall time of `mlops-kit audit`, next to `import typer` and repo-review.

    python benchmarks/audit_speed.py [--runs 15]

1. A freshly baked default project: `mlops-kit audit` vs `python -c "import typer"` (target:
   within 3x) vs `repo-review` with sp-repo-review's checks (target: under half; install
   the `bench` dependency group for it).
2. Synthetic git repositories of 20,000 and 40,000 files with 300- and 600-stage dvc.yaml
   pipelines (target: under 2 s, growing linearly).
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
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_COLOR": "1", "DVC_NO_ANALYTICS": "1"}
GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]


def median_seconds(command: list[str], runs: int, cwd: Path) -> float:
    """Median wall time of `command` over `runs` runs (after one warm-up run)."""
    subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def tool(name: str) -> str | None:
    """Path of a console script in this environment (or on PATH)."""
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def bake(folder: Path) -> Path:
    """Bake the default project with the kit's CLI."""
    kit = tool("mlops-kit")
    assert kit, "mlops-kit is not installed in this environment"
    subprocess.run([kit, "new", "--no-input", "-o", str(folder)], check=True, capture_output=True, env=ENV)
    return folder / "wine_classifier"


def synthetic_repo(root: Path, files: int, stages: int) -> Path:
    """A git repository with `files` files and a linear `stages`-stage pipeline."""
    package = root / "src" / "pkg"
    (package / "stages").mkdir(parents=True)
    (root / "tests").mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    lines = ["stages:"]
    for i in range(stages):
        (package / "stages" / f"s{i}.py").write_text(f"def run(cfg):\n    return {i}\n", encoding="utf-8")
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


def main() -> None:
    """Print the medians and how they compare with the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    kit = tool("mlops-kit")
    assert kit
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        project = bake(base / "baked")
        typer_time = median_seconds([sys.executable, "-c", "import typer"], args.runs, base)
        audit_time = median_seconds([kit, "audit", str(project)], args.runs, base)
        print(f"fresh bake ({args.runs} runs, median):")
        print(f"  python -c 'import typer'   {typer_time * 1000:7.0f} ms")
        print(f"  mlops-kit audit            {audit_time * 1000:7.0f} ms   "
              f"{audit_time / typer_time:.1f}x import typer (target <= 3x)")  # fmt: skip
        review = tool("repo-review")
        if review:
            review_time = median_seconds([review, str(project)], args.runs, base)
            print(f"  repo-review (sp-repo-review) {review_time * 1000:5.0f} ms   "
                  f"audit = {audit_time / review_time:.2f}x repo-review (target < 0.5x)")  # fmt: skip
        else:
            print("  repo-review: not installed (pip install -e . --group bench)")
        print("synthetic repositories (5 runs, median):")
        previous = None
        for files, stages in ((20_000, 300), (40_000, 600)):
            repo = synthetic_repo(base / f"synthetic{files}", files, stages)
            seconds = median_seconds([kit, "audit", str(repo), "--fail-on", "never"], 5, base)
            growth = f"   x{seconds / previous:.2f} for 2x size" if previous else ""
            print(f"  {files:,} files, {stages} stages  {seconds:6.2f} s (target < 2 s){growth}")
            previous = seconds


if __name__ == "__main__":
    main()
