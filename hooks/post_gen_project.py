"""Prune the files of unselected options and initialise git in the new project.

Runs standalone (stdlib only) as cookiecutter's post-generation hook, with the project
directory as the working directory. Answers reach this file only as JSON inside a raw
string, so they stay data. Optional steps (git) warn and go on when they cannot run.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# (answer, value) -> paths (relative to the project) that only other values need.
PRUNE: dict[tuple[str, str], tuple[str, ...]] = {
    ("ci", "github"): (".gitlab-ci.yml",),
    ("ci", "gitlab"): (".github",),
    ("ci", "none"): (".github", ".gitlab-ci.yml"),
    ("package_manager", "poetry"): ("uv.lock", "requirements.lock"),
    ("package_manager", "uv"): ("poetry.lock", "poetry.toml", "requirements.lock"),
    ("package_manager", "pip"): ("poetry.lock", "poetry.toml", "uv.lock"),
    ("example", "minimal"): (
        "src/{module}/stages/validate.py",
        "src/{module}/stages/evaluate.py",
        "conf/validate",
        "conf/evaluate",
        "tests/test_validate.py",
        "tests/test_evaluate.py",
        # After training: prediction, serving, monitoring and promotion need the validate
        # stage's schema and a registered model, which the minimal skeleton does not have.
        "src/{module}/inputs.py",
        "src/{module}/registry.py",
        "src/{module}/predlog.py",
        "src/{module}/predict.py",
        "src/{module}/serve.py",
        "src/{module}/monitor.py",
        "src/{module}/promote.py",
        "src/{module}/drift_demo.py",
        "conf/predict",
        "conf/serve",
        "conf/monitor",
        "tests/test_predlog.py",
        "tests/test_predict.py",
        "tests/test_serve.py",
        "tests/test_monitor.py",
        "tests/test_promote.py",
        "tests/test_drift_demo.py",
        ".github/workflows/monitor.yml",
        "deploy/model.Dockerfile",
        "deploy/compose.model.yaml",
    ),
}


def paths_to_prune(answers: Mapping[str, Any]) -> list[str]:
    """Return the relative paths that the chosen options do not use."""
    module = str(answers["module_name"])
    paths: list[str] = []
    for (key, value), candidates in PRUNE.items():
        if answers.get(key) == value:
            paths.extend(candidate.format(module=module) for candidate in candidates)
    return paths


def prune(project: Path, answers: Mapping[str, Any]) -> None:
    """Delete the files and folders of unselected options."""
    for relative in paths_to_prune(answers):
        target = project / relative
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()


def remove_bytecode(project: Path) -> None:
    """Delete `__pycache__` folders an installer compiled into the bundled template."""
    for cache in sorted(project.rglob("__pycache__"), reverse=True):
        if cache.is_dir() and not cache.is_symlink():
            shutil.rmtree(cache)


def poetry_content_hash(pyproject: Mapping[str, Any]) -> str:
    """Return the `content-hash` Poetry 2 writes into poetry.lock for this pyproject.

    The same digest as Poetry's `Locker._get_content_hash`: the sorted JSON of the parts of
    pyproject.toml that decide the resolution (`poetry check --lock` compares it).
    """
    project = pyproject.get("project", {})
    relevant_project = {
        key: project[key]
        for key in ("requires-python", "dependencies", "optional-dependencies")
        if key in project
    }
    groups = pyproject.get("dependency-groups", {})
    poetry = pyproject.get("tool", {}).get("poetry", {})
    legacy = ("dependencies", "source", "extras", "dev-dependencies")
    relevant_poetry = {}
    for key in (*legacy, "group"):
        value = poetry.get(key)
        if value is None and (key not in legacy or relevant_project or groups):
            continue
        relevant_poetry[key] = value
    content: dict[str, Any] = {}
    if relevant_project:
        content["project"] = relevant_project
    if groups:
        content["dependency-groups"] = groups
    if content:
        content["tool"] = {"poetry": relevant_poetry}
    else:
        content = relevant_poetry
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def stamp_poetry_lock(project: Path) -> None:
    """Write the content-hash of the rendered pyproject.toml into poetry.lock."""
    lock = project / "poetry.lock"
    if not lock.is_file():
        return
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    text = lock.read_text(encoding="utf-8")
    marker = 'content-hash = "'
    if marker not in text:
        return
    start = text.rindex(marker) + len(marker)
    end = text.index('"', start)
    digest = poetry_content_hash(pyproject)
    lock.write_text(text[:start] + digest + text[end:], encoding="utf-8")


def _git(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=False, timeout=60
    )


def init_git(project: Path) -> None:
    """Make the project a git repository with a first commit, when git allows it."""
    if shutil.which("git") is None:
        print("WARNING: git not found; run `git init` in the project later.", file=sys.stderr)
        return
    if (project / ".git").exists():
        return
    init = _git(project, "-c", "init.defaultBranch=main", "init", "--quiet")
    if init.returncode != 0:
        print(f"WARNING: git init failed: {init.stderr.strip()}", file=sys.stderr)
        return
    _git(project, "add", "--all")
    identity = [_git(project, "config", key).stdout.strip() for key in ("user.name", "user.email")]
    if not all(identity):
        print(
            "NOTE: git has no user.name/user.email; files are staged but not committed. "
            "Set them and run `git commit -m 'Initial project'`.",
            file=sys.stderr,
        )
        return
    commit = _git(project, "commit", "--quiet", "--no-verify", "-m", "Initial project layout")
    if commit.returncode != 0:
        print(f"WARNING: first commit failed: {commit.stderr.strip()}", file=sys.stderr)


def main(answers_json: str) -> int:
    """Prune, then initialise git in the current directory."""
    answers = json.loads(answers_json)
    project = Path.cwd()
    prune(project, answers)
    stamp_poetry_lock(project)
    remove_bytecode(project)
    init_git(project)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(r"""{{ cookiecutter|tojson }}"""))
    except KeyboardInterrupt:
        sys.exit(130)
