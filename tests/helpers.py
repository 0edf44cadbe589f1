"""Plain helpers shared by tests: bake a project, run a command, install a project."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from typer.testing import Result

if TYPE_CHECKING:
    from mlops_kit.edits import FileChange

REPO_ROOT = Path(__file__).resolve().parent.parent
# Runs `mlops-kit ARGS...` in-process (the `invoke` fixture of conftest.py).
Invoke = Callable[..., Result]


def bake_project(output_dir: Path, **answers: str) -> Path:
    """Bake the template with `mlops-kit new --no-input` semantics; return the project."""
    from mlops_kit.new import bake_new_project

    pairs = [f"{key}={value}" for key, value in answers.items()]
    return bake_new_project(pairs, output_dir=output_dir, no_input=True)


def run(
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command; on an unexpected exit code fail with its output in the message."""
    result = subprocess.run(
        list(command),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"
        )
    return result


def install_project(project: Path, env: Mapping[str, str]) -> None:
    """Install a baked project (editable, no deps) into the shared test environment."""
    run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
            "--no-build-isolation", "--ignore-requires-python", "--editable", str(project),
        ],
        cwd=project,
        env=env,
    )  # fmt: skip


def parse_generated_files(project: Path) -> int:
    """Parse every YAML, TOML, JSON and Python file of a baked project; return how many."""
    parsed = 0
    for path in sorted(project.rglob("*")):
        if not path.is_file() or ".git" in path.relative_to(project).parts:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix in {".yaml", ".yml"}:
            list(yaml.safe_load_all(text))
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".py":
            ast.parse(text, filename=str(path))
        else:
            continue
        parsed += 1
    return parsed


def leave_killed_edit(
    root: Path, changes: Sequence[FileChange], *, written: int, committed: bool = False
) -> None:
    """Leave what a run killed inside `edits.apply_changes` leaves behind.

    The intent journal of `changes`, the first `written` of them on disk, the next one's
    temporary copy half written, and (with `committed`) the commit marker of a run that
    was killed after its last write.
    """
    from mlops_kit import edits

    intent = edits._plan_intent(changes, root)
    folder = edits._write_journal(intent, root)
    for directory in intent.made_dirs:
        directory.mkdir()
    for change in changes[:written]:
        if change.after is None:
            change.path.unlink()
        else:
            change.path.write_bytes(change.after)
    if written < len(changes):
        edits.temp_path(changes[written].path).write_bytes(b"half")
    if committed:
        (folder / edits.COMMIT_MARKER).touch()
