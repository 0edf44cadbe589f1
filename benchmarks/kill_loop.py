"""SIGKILL `add-stage` and `remove-stage` at random moments; count trees left half-changed.

Each run copies a small project of the standard (the stage tests' fixture), starts the
command and kills it with SIGKILL: every other run after a random delay spread over the
whole run and a third past it (a loaded machine runs the command slower than the timing
runs before the loop, and some kills must still land after it finished), the others a
random 0-150 ms after its journal appears (the write phase, tens of milliseconds of a
run of a few hundred). Then the next command runs, which settles whatever the killed one
left. The tree must then equal, byte for byte, either the state before the command or
the state after it, with no temporary file or journal left. Prints the counts, how many
kills hit the write phase (a journal was settled), the worst wall time of a settling run
and the peak memory of any run.

Usage: python benchmarks/kill_loop.py [RUNS_PER_COMMAND]   (default 500)
"""

from __future__ import annotations

import importlib.util
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The stage tests' fixture project, completed with the template's kit modules.
FIXTURE_PROJECT = REPO_ROOT / "tests" / "stages" / "fixture_project.py"
LOCK_NAME = ".mlops-kit.lock"
JOURNAL = ".mlops-kit.journal"
# Seconds after the journal appears over which write-phase kills are spread (fsyncs make
# the phase tens of milliseconds long; a kill after it ends finds the command done).
WRITE_WINDOW = 0.15
STAGE = "featurize"
ENV = {**os.environ, "DVC_NO_ANALYTICS": "1", "MLFLOW_DISABLE_TELEMETRY": "true"}

Tree = dict[str, bytes | None]
# Runs the command that settles a killed run's leftovers; returns its stderr.
Settle = Callable[[Path], str]


def tree(root: Path) -> Tree:
    """Every file (bytes) and folder (None) under `root`, except the lock file."""
    state: Tree = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative == LOCK_NAME:
            continue
        state[relative] = None if path.is_dir() and not path.is_symlink() else path.read_bytes()
    return state


def leftovers(root: Path) -> list[str]:
    """Temporary files and journals a run should never leave behind."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.name.endswith(".mlops-kit.tmp") or path.name == ".mlops-kit.journal"
    )


def cli(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "mlops_kit", *[str(arg) for arg in args]]


# A disk whose fsync takes FSYNC_SECONDS, as a busy or networked one does: on a quiet local
# disk the write phase lasts well under a millisecond and a timed kill would almost never
# land inside it. Only the kills aimed at the write phase run on this slow disk.
FSYNC_SECONDS = 0.01
_SLOW_DISK_BOOT = (
    "import os, sys, time\n"
    "_fsync = os.fsync\n"
    "def _slow_fsync(fd):\n"
    f"    time.sleep({FSYNC_SECONDS})\n"
    "    _fsync(fd)\n"
    "os.fsync = _slow_fsync\n"
    "from mlops_kit.app import main\n"
    "sys.argv = ['mlops-kit', *sys.argv[1:]]\n"
    "main()\n"
)


def cli_on_slow_disk(*args: str | Path) -> list[str]:
    return [sys.executable, "-c", _SLOW_DISK_BOOT, *[str(arg) for arg in args]]


def settle_with_cli(root: Path) -> str:
    """The next writing command: remove-stage of a stage that does not exist settles first."""
    done = subprocess.run(
        cli("remove-stage", "zz_not_a_stage", "--repo", root),
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    if done.returncode != 2 or "no stage 'zz_not_a_stage'" not in done.stderr:
        raise RuntimeError(f"the settling run failed: {done.stderr}")
    return done.stderr


@dataclass
class Stats:
    """What the kills of one command left."""

    command: str
    before: int = 0
    after: int = 0
    partial: list[str] = field(default_factory=list)
    undone: int = 0
    finished: int = 0
    settle_seconds: list[float] = field(default_factory=list)
    peak_kib: int = 0

    def line(self) -> str:
        worst = max(self.settle_seconds, default=0.0)
        median = statistics.median(self.settle_seconds) if self.settle_seconds else 0.0
        return (
            f"{self.command:<13} runs {self.before + self.after + len(self.partial):>4}  "
            f"before {self.before:>4}  after {self.after:>4}  partial {len(self.partial):>2}  "
            f"journal undone {self.undone:>3} finished {self.finished:>3}  "
            f"settling run median {median:.2f} s worst {worst:.2f} s  "
            f"peak memory {self.peak_kib / 1024:.0f} MiB"
        )


@dataclass(frozen=True)
class Scenario:
    """A command, the tree it starts from and the tree it leaves when it completes."""

    command: list[str]
    start: Path
    before: Tree
    after: Tree
    duration: float


def copy_fixture_project(target: Path) -> Path:
    """Copy the stage tests' fixture project to `target` (see its module)."""
    spec = importlib.util.spec_from_file_location("fixture_project", FIXTURE_PROJECT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    copied: Path = module.copy_fixture_project(target)
    return copied


def prepare(command: str, workdir: Path, settle: Settle) -> Scenario:
    """Build the before and after trees of one command and time an uninterrupted run."""
    start = workdir / f"{command}-start"
    copy_fixture_project(start)
    if command == "remove-stage":
        subprocess.run(cli("add-stage", STAGE, "--repo", start), env=ENV, check=True,
                       capture_output=True)  # fmt: skip
    args = [command, STAGE]
    durations = []
    after: Tree = {}
    for attempt in range(3):
        scratch = workdir / f"{command}-timing-{attempt}"
        shutil.copytree(start, scratch)
        began = time.perf_counter()
        subprocess.run(cli(*args, "--repo", scratch), env=ENV, check=True, capture_output=True)
        durations.append(time.perf_counter() - began)
        after = tree(scratch)
        shutil.rmtree(scratch)
    return Scenario(args, start, tree(start), after, statistics.median(durations))


def _kill_in_write_phase(pid: int, journal: Path, delay: float) -> resource.struct_rusage:
    """Wait for the journal to appear, then SIGKILL `delay` seconds later."""
    while True:
        done, _, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return usage  # finished before any kill
        if os.path.lexists(journal):
            time.sleep(delay)
            break
        time.sleep(0.0005)
    os.kill(pid, signal.SIGKILL)
    return os.wait4(pid, 0)[2]


def kill_once(
    scenario: Scenario, run_dir: Path, delay: float, settle: Settle, stats: Stats, *, in_write: bool
) -> None:
    """Run the command, SIGKILL it (after `delay` s, or in its write phase), settle, classify."""
    shutil.copytree(scenario.start, run_dir)
    command = cli_on_slow_disk if in_write else cli
    process = subprocess.Popen(
        command(*scenario.command, "--repo", run_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    if in_write:
        usage = _kill_in_write_phase(process.pid, run_dir / JOURNAL, delay)
    else:
        time.sleep(delay)
        # Not reaped yet (no poll): the pid is still ours even if the command has finished.
        os.kill(process.pid, signal.SIGKILL)
        usage = os.wait4(process.pid, 0)[2]
    process.returncode = -9  # reaped above
    stats.peak_kib = max(stats.peak_kib, usage.ru_maxrss)
    began = time.perf_counter()
    note = settle(run_dir)
    stats.settle_seconds.append(time.perf_counter() - began)
    stats.undone += "undid" in note
    stats.finished += "finished" in note
    state = tree(run_dir)
    left = leftovers(run_dir)
    if left:
        stats.partial.append(f"delay {delay:.3f}s left {', '.join(left)}")
    elif state == scenario.before:
        stats.before += 1
    elif state == scenario.after:
        stats.after += 1
    else:
        changed = sorted(
            name
            for name in set(state) | set(scenario.before)
            if state.get(name, b"?") != scenario.before.get(name, b"?")
        )
        stats.partial.append(f"delay {delay:.3f}s changed {', '.join(changed)}")
    shutil.rmtree(run_dir)


# Delays of the timed kills reach this many times the uninterrupted run's median duration.
_PAST_THE_END = 1.5


def kill_loop(command: str, runs: int, workdir: Path, settle: Settle, seed: int = 11) -> Stats:
    """SIGKILL `command` `runs` times at random moments; return what the kills left."""
    scenario = prepare(command, workdir, settle)
    stats = Stats(command)
    chooser = random.Random(seed)
    for number in range(runs):
        in_write = bool(number % 2)
        if in_write:
            delay = chooser.uniform(0.0, WRITE_WINDOW)
        else:
            delay = chooser.uniform(0.0, _PAST_THE_END) * scenario.duration
        run_dir = workdir / f"run-{number}"
        kill_once(scenario, run_dir, delay, settle, stats, in_write=in_write)
    return stats


def main() -> None:
    """Run the loop for add-stage and remove-stage and print one line each."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    print(f"SIGKILL at random moments, {runs} runs per command, then the next command settles")
    for command in ("add-stage", "remove-stage"):
        with tempfile.TemporaryDirectory(prefix="kill-loop-") as folder:
            started = time.perf_counter()
            stats = kill_loop(command, runs, Path(folder), settle_with_cli)
            print(stats.line() + f"  ({time.perf_counter() - started:.0f} s)")
            for problem in stats.partial[:10]:
                print(f"  PARTIAL: {problem}")
    # Every process this script waited for: the killed runs, the settling runs, the setup.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak memory of any child process (killed or settling run): {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
