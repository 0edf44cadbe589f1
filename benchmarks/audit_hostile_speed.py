"""Worst time and memory of `mlops-kit audit` on hostile repositories (RELIABILITY.md).

    python benchmarks/audit_hostile_speed.py [--guard 300]

Each case is a small git repository (or a baked-shape fragment) holding one hostile input:
text built to make regular expressions backtrack, 5000-digit integers, a YAML alias bomb,
100,000 nested brackets, FIFOs and devices where files belong, a configured baseline that
points out of the repository, names with `:`, `|` and newlines. Every case runs the CLI
in a subprocess; the table gives its exit code, wall time and peak memory (max RSS of the
audit process, from wait4), and the last line the worst of each. Target: every case under
5 s and 1 GB (issue "nothing hangs"); exit codes 0/1 for findings, 2 for refusals.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
BIG = "9" * 5000


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def git_repo(root: Path, files: dict[str, str | bytes]) -> None:
    root.mkdir(parents=True)
    write(root, {"README.md": "# bench\n", **files})
    subprocess.run([*GIT, "init", "-q"], cwd=root, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-qm", "x", "--no-verify"], cwd=root, check=True)


def with_baseline(value: str, make: Callable[[Path], None] | None = None) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        git_repo(
            root, {"pyproject.toml": f"[tool.mlops-kit.audit]\nbaseline = {json.dumps(value)}\n"}
        )
        if make is not None:
            make(root)

    return build


def fifo(root: Path) -> None:
    os.mkfifo(root / "b.json")


def device(root: Path) -> None:
    try:
        os.mknod(root / "b.json", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        (root / "b.json").symlink_to("/dev/zero")


def sparse(root: Path) -> None:
    with (root / "b.json").open("wb") as stream:
        stream.truncate(1 << 30)


CASES: dict[str, Callable[[Path], None]] = {
    "URI bait: a URI, then 'a.' x 450,000": lambda r: git_repo(
        r,
        {"notes.md": "x://u:p@h\n" + "a." * 450_000},  # pragma: allowlist secret
    ),
    "assignment bait: password + 3000 spaces": lambda r: git_repo(
        r, {"deploy/app.yaml": "password: x" + " " * 3000 + "y\n"}
    ),
    "900 KB line of ':@/' in .env.example": lambda r: git_repo(
        r, {".env.example": "x://" + ":@/" * 300_000}
    ),
    "200,000 blank lines in .dvc/config": lambda r: git_repo(
        r, {".dvc/config": "\n" * 200_000 + "[core]\n", "dvc.yaml": "stages: {}\n"}
    ),
    "'mlflow server ' x 20,000 in a Makefile": lambda r: git_repo(
        r, {"Makefile": "all:\n\t" + "mlflow server " * 20_000 + "\n"}
    ),
    "5000-digit integers (yaml, toml, json)": lambda r: git_repo(
        r,
        {
            "dvc.yaml": f"vars:\n  - n: {BIG}\nstages: {{}}\n",
            "params.yaml": f"seed: {BIG}\n",
            "pyproject.toml": f"[project]\nname = 'x'\n[tool.x]\nn = {BIG}\nh = 0x{'f' * 5000}\n",
            "data.json": f'{{"n": {BIG}}}',
        },
    ),
    "YAML alias bomb in params.yaml and dvc.yaml": lambda r: git_repo(
        r, {"params.yaml": BOMB, "dvc.yaml": BOMB}
    ),
    "100,000 nested brackets (yaml, toml, json)": lambda r: git_repo(
        r,
        {
            "dvc.yaml": "[" * 100_000 + "]" * 100_000,
            "pyproject.toml": "a = " + "[" * 100_000 + "]" * 100_000,
            "x.json": "[" * 100_000 + "]" * 100_000,
        },
    ),
    "names with ':', '|', newline": lambda r: git_repo(
        r,
        {
            "creds:prod.env": "TOKEN=ghp_" + "Zx9Kq2Lm" * 5 + "\n",
            "a|b.py": "x = 1\n",
            "evil\n::error::x.py": "x = 1\n",
        },
    ),
    "configured baseline: /etc/passwd": with_baseline("/etc/passwd"),
    "configured baseline: ../../x": with_baseline("../../x"),
    "configured baseline: FIFO": with_baseline("b.json", fifo),
    "configured baseline: device (/dev/zero)": with_baseline("b.json", device),
    "configured baseline: 1 GB sparse file": with_baseline("b.json", sparse),
    "params.yaml is a FIFO": lambda r: (git_repo(r, {}), os.mkfifo(r / "params.yaml")),
}


def measure(root: Path, guard: float) -> tuple[int, float, float]:
    """Exit code, wall seconds and peak RSS (MB) of one audit of `root`."""
    env = {**os.environ, "NO_COLOR": "1", "MLOPS_KIT_NO_CACHE": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mlops_kit", "audit", str(root), "--format", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = start + guard
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            return -9, time.perf_counter() - start, usage.ru_maxrss / 1024
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guard", type=float, default=300, help="seconds before a kill")
    args = parser.parse_args()
    worst_time, worst_memory = (0.0, ""), (0.0, "")
    with tempfile.TemporaryDirectory(prefix="audit-hostile-") as scratch:
        for number, (label, build) in enumerate(CASES.items()):
            root = Path(scratch) / f"case{number}"
            build(root)
            code, seconds, memory = measure(root, args.guard)
            print(f"{label:<46} exit {code:>2}   {seconds:6.2f} s   {memory:7.1f} MB", flush=True)
            worst_time = max(worst_time, (seconds, label))
            worst_memory = max(worst_memory, (memory, label))
    print(f"worst time {worst_time[0]:.2f} s ({worst_time[1]})")
    print(f"worst memory {worst_memory[0]:.1f} MB ({worst_memory[1]})")


if __name__ == "__main__":
    main()
