"""The CI that adopt adds runs on the adopted repository as it is: no Makefile, no lock file.

The fast tests read the workflow adopt writes (GitLab's jobs run the same commands as
GitHub's steps); the slow one runs the GitHub workflow's `run:` steps in order in a fresh
virtual environment standing in for the runner's Python, with the kit's wheel on a
stand-in index and nothing preinstalled, as tests/isolation does for bakes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from adopt.repos import write_repo
from helpers import Invoke, run
from isolation.fresh_machine import (
    github_run_steps,
    gitlab_run_steps,
    machine_env,
    run_script,
    system_python,
)

Repo = Callable[[str], Path]
WORKFLOW = ".github/workflows/ci.yml"


def without_ci(root: Path) -> Path:
    """Drop the repository's own CI (the `package` shape has a workflow), and commit."""
    shutil.rmtree(root / ".github")
    (root / "requirements.txt").write_text("PyYAML>=6\n", encoding="utf-8")
    for command in (["git", "add", "-A"], ["git", "commit", "-qm", "no CI yet"]):
        subprocess.run(command, cwd=root, check=True, capture_output=True)
    return root


def run_lines(workflow: Path) -> list[str]:
    """Every shell line the GitHub workflow runs, in order."""
    return [line for _, script, _ in github_run_steps(workflow) for line in script.splitlines()]


def test_workflow_needs_no_makefile_and_installs_what_it_runs(repo: Repo, invoke: Invoke) -> None:
    root = repo("scripts")
    assert not (root / "Makefile").exists()
    assert invoke("adopt", "--repo", root).exit_code == 0
    lines = run_lines(root / WORKFLOW)
    assert not any(line.startswith("make ") for line in lines), lines
    install = lines[0]
    assert install.startswith("python -m pip install --editable . ")
    # Every tool a later step runs is installed by the first one, at the template's bounds.
    baked_bounds = (root / "pyproject.toml").read_text(encoding="utf-8")
    for tool in ("'dvc>=", "'pytest>=", "'mlops-kit>=", "'hydra-core>=", "'pandas>="):
        assert tool in install, tool
        assert tool.strip("'") in baked_bounds
    assert "python -m scripts.config --check" in lines and "dvc repro" in lines
    assert lines[-1] == "mlops-kit audit --format github --fail-on never"


def test_workflow_reads_the_repository_s_requirements_and_branch(
    repo: Repo, invoke: Invoke
) -> None:
    root = without_ci(repo("package"))
    subprocess.run(["git", "branch", "-m", "trunk"], cwd=root, check=True)
    assert invoke("adopt", "--repo", root).exit_code == 0
    workflow = yaml.safe_load((root / WORKFLOW).read_text(encoding="utf-8"))
    assert workflow[True]["push"]["branches"] == ["trunk"]  # YAML 1.1 reads `on` as True
    install = run_lines(root / WORKFLOW)[0]
    assert "--editable . --requirement requirements.txt " in install


def test_a_pyproject_without_build_system_is_run_from_src(repo: Repo, invoke: Invoke) -> None:
    root = repo("hydra")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.split("[build-system]")[0], encoding="utf-8")
    assert invoke("adopt", "--set", "ci=gitlab", "--repo", root).exit_code == 0
    config = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert config["variables"]["PYTHONPATH"] == "src"
    assert "--editable" not in config["default"]["before_script"][0]
    assert config["audit"]["script"] == ["mlops-kit audit --fail-on never"]


def test_gitlab_jobs_run_the_same_commands_as_the_github_steps(
    repo: Repo, invoke: Invoke, tmp_path: Path
) -> None:
    github = repo("hydra")
    assert invoke("adopt", "--repo", github).exit_code == 0
    gitlab = write_repo(tmp_path / "gitlab", "hydra")
    assert invoke("adopt", "--set", "ci=gitlab", "--repo", gitlab).exit_code == 0
    jobs = gitlab_run_steps(gitlab / ".gitlab-ci.yml")
    assert [name for name, _, _ in jobs] == ["test", "audit", "pipeline"]
    lines = run_lines(github / WORKFLOW)
    install = lines[0]
    for _, script, _ in jobs:
        assert script.splitlines()[0] == install  # every job installs first
    gitlab_lines = {line for _, script, _ in jobs for line in script.splitlines()}
    github_lines = {line.replace(" --format github", "") for line in lines}
    assert gitlab_lines == github_lines


def test_ci_none_adds_no_workflow(repo: Repo, invoke: Invoke) -> None:
    root = repo("scripts")
    assert invoke("adopt", "--set", "ci=none", "--repo", root).exit_code == 0
    assert not (root / ".github").exists() and not (root / ".gitlab-ci.yml").exists()


# ---------------------------------------------------------------------------------------
# Running the steps


@pytest.fixture(scope="session")
def runner_env(wheelhouse: Path) -> Callable[[Path], dict[str, str]]:
    """A fresh venv per repository (the runner's Python), the kit's wheel on a stand-in index."""

    def make(where: Path) -> dict[str, str]:
        venv = where / "runner-python"
        run([system_python(), "-m", "venv", str(venv)], cwd=where)
        return {**machine_env(wheelhouse, venv / "bin"), "CI": "true"}

    return make


@pytest.mark.slow
def test_adopted_ci_steps_pass_in_a_fresh_environment(
    repo: Repo, invoke: Invoke, runner_env: Callable[[Path], dict[str, str]], tmp_path: Path
) -> None:
    """A setuptools package with a requirements file, no Makefile, no lock, no CI."""
    root = without_ci(repo("package"))
    assert invoke("adopt", "--repo", root).exit_code == 0
    assert invoke("add-stage", "score", "--after", "featurize", "--repo", root).exit_code == 0
    for command in (["git", "add", "-A"], ["git", "commit", "-qm", "adopt"]):
        subprocess.run(command, cwd=root, check=True, capture_output=True)
    env = runner_env(tmp_path)
    summary = tmp_path / "summary.md"
    outputs = []
    for _, script, step_env in github_run_steps(root / WORKFLOW):
        step = {**env, **step_env, "GITHUB_STEP_SUMMARY": str(summary)}
        outputs.append(run_script(script, root, step).stdout)
    text = "\n".join(outputs)
    assert re.search(r"tests/test_score\.py \.+", text), text  # the stage's own test ran
    assert re.search(r"\b\d+ passed\b", text)
    assert "score: customers 40 rows" in text  # dvc repro ran the stage add-stage wrote
