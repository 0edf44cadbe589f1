"""Median wall time of `mlops-kit audit`, next to `import typer` and repo-review.

    python benchmarks/audit_speed.py [--runs 15] [--bake-only] [--against REV]

1. A freshly baked default project: `mlops-kit audit` vs `python -c "import typer"` (target:
   within 2x) vs `repo-review` with sp-repo-review's checks (target: under half; install
   the `bench` dependency group for it).
2. Synthetic git repositories of 20,000 and 40,000 files with 300- and 600-stage dvc.yaml
   pipelines (target: under 2 s, growing linearly); `--bake-only` leaves them out.

`--against REV` also times the audit of another revision (its `cli/` extracted from git)
and of this working tree, both run the same way, interleaved with the rest.

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
from timing import LAUNCH, REPO_ROOT, extract  # noqa: E402

GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]


def environment(scratch: Path, user_cache: str = "user-cache") -> dict[str, str]:
    """The benchmark's environment: private bytecode and user cache folders."""
    env = {**os.environ, "NO_COLOR": "1", "DVC_NO_ANALYTICS": "1"}
    env["XDG_CACHE_HOME"] = str(scratch / user_cache)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    for name in ("PYTHONDONTWRITEBYTECODE", "CI", "MLOPS_KIT_NO_CACHE"):
        env.pop(name, None)
    return env


class Command:
    """A command to time, its environment, and what to do (untimed) before each run."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        before_each: Callable[[], None] | None = None,
    ) -> None:
        self.argv = argv
        self.env = env
        self.before_each = before_each
        self.times: list[float] = []

    def run(self, cwd: Path) -> float:
        """Run once; return the wall time in seconds."""
        if self.before_each is not None:
            self.before_each()
        start = time.perf_counter()
        subprocess.run(self.argv, cwd=cwd, env=self.env, capture_output=True, check=False)
        return time.perf_counter() - start


def medians(commands: dict[str, Command], runs: int, cwd: Path) -> dict[str, float]:
    """Median wall time of each command, run in turns so that load changes hit all alike.

    One untimed warm-up run each, then `runs` rounds of one run of every command.
    """
    for command in commands.values():
        command.run(cwd)
    for _ in range(runs):
        for command in commands.values():
            command.times.append(command.run(cwd))
    return {name: statistics.median(c.times) for name, c in commands.items()}


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


def row(label: str, seconds: float, note: str = "") -> str:
    """One aligned line: label, milliseconds, note."""
    return f"  {label:<30}{seconds * 1000:6.0f} ms   {note}".rstrip()


def main() -> None:
    """Print the medians and how they compare with the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--against", help="also time the audit of this git revision (and this tree) on the bake"
    )
    parser.add_argument(
        "--bake-only", action="store_true", help="time the fresh bake only, not the synthetic repos"
    )
    args = parser.parse_args()
    runs = args.runs
    kit = tool("mlops-kit")
    assert kit
    print(f"load average before: {load()}   ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        env = environment(scratch)
        cold_env = environment(scratch, "cold-user-cache")
        cold_cache = Path(cold_env["XDG_CACHE_HOME"])

        def clear_cold_cache() -> None:
            shutil.rmtree(cold_cache, ignore_errors=True)

        project = bake(scratch / "baked", env)
        commands = {
            "typer": Command([sys.executable, "-c", "import typer"], env),
            "cold": Command([kit, "audit", str(project)], cold_env, clear_cold_cache),
            "warm": Command([kit, "audit", str(project)], env),
        }
        review = tool("repo-review")
        if review:
            commands["review"] = Command([review, str(project)], env)
        if args.against:
            # The same audit from another revision's source, run the same way as this one.
            older = extract(args.against, scratch / "against")
            # Each version keeps its own parse cache: their entries would replace each other's.
            for name, source in (("before", older), ("after", REPO_ROOT / "cli")):
                argv = [sys.executable, "-c", LAUNCH, str(source), "audit", str(project)]
                commands[f"{name} cold"] = Command(argv, cold_env, clear_cold_cache)
                commands[f"{name} warm"] = Command(argv, environment(scratch, f"{name}-cache"))
        times = medians(commands, runs, scratch)
        typer_time, review_time = times["typer"], times.get("review", 0.0)
        print(f"fresh bake ({runs} rounds, median):")
        print(row("python -c 'import typer'", typer_time))
        for label in ("cold", "warm"):
            seconds = times[label]
            versus = f"{seconds / typer_time:.2f}x typer (target <= 2x)"
            if review_time:
                versus += f", {seconds / review_time:.2f}x repo-review (target < 0.5x)"
            print(row(f"mlops-kit audit, {label} cache", seconds, versus))
        if review_time:
            print(row("repo-review (sp-repo-review)", review_time))
        else:
            print("  repo-review: not installed (pip install -e . --group bench)")
        for name in ("before cold", "after cold", "before warm", "after warm"):
            if name in times:
                label = f"{args.against if name.startswith('before') else 'working tree'}"
                print(
                    row(
                        f"{label}, {name.split()[1]} cache",
                        times[name],
                        f"{times[name] / typer_time:.2f}x typer",
                    )
                )
        if args.bake_only:
            print(f"load average after: {load()}")
            return
        print("synthetic repositories (5 rounds, median; target < 2 s, linear growth):")
        previous: tuple[float, float] | None = None
        for files, stages in ((20_000, 300), (40_000, 600)):
            repo = synthetic_repo(scratch / f"synthetic{files}", files, stages)
            argv = [kit, "audit", str(repo), "--fail-on", "never"]
            big = medians(
                {"cold": Command(argv, cold_env, clear_cold_cache), "warm": Command(argv, env)},
                5,
                scratch,
            )
            growth = ""
            if previous:
                growth = (
                    f"   x{big['cold'] / previous[0]:.2f} / x{big['warm'] / previous[1]:.2f} for 2x"
                )
            print(
                f"  {files:,} files, {stages} stages: cold {big['cold']:5.2f} s, "
                f"warm {big['warm']:5.2f} s{growth}"
            )
            previous = (big["cold"], big["warm"])
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
