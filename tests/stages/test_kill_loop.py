"""SIGKILL add-stage and remove-stage at random moments: never a half-changed project.

After each kill the next writing command settles what was left; the tree must then be
byte for byte the state before or after the command, with no temporary file or journal.
The loop itself lives in benchmarks/kill_loop.py (which runs 500 kills per command and
prints the counts); here it runs 60 per command in the slow suite.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from helpers import REPO_ROOT
from mlops_kit.app import app
from typer.testing import CliRunner

RUNS = 60


def kill_loop_module() -> ModuleType:
    path = REPO_ROOT / "benchmarks" / "kill_loop.py"
    spec = importlib.util.spec_from_file_location("kill_loop", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kill_loop"] = module
    spec.loader.exec_module(module)
    return module


def settle_in_process(root: Path) -> str:
    """The next writing command, run in this process (faster than a new interpreter)."""
    result = CliRunner().invoke(app, ["remove-stage", "zz_not_a_stage", "--repo", str(root)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return str(result.stderr)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["add-stage", "remove-stage"])
def test_a_kill_at_any_moment_leaves_before_or_after(tmp_path: Path, command: str) -> None:
    loop = kill_loop_module()
    stats = loop.kill_loop(command, RUNS, tmp_path, settle_in_process, seed=7)
    assert stats.partial == []
    assert stats.before + stats.after == RUNS
    # The kills reached both ends: some runs were stopped early, some finished.
    assert stats.before > 0
    assert stats.after > 0
    # ...and some landed in the write phase, leaving a journal the next run settled.
    assert stats.undone + stats.finished > 0
