"""A baked project works on a fresh machine with each package manager, hooks and CI included.

For the default bake (Poetry, GitHub CI) and one variant per other manager: bake from the
kit's wheel in a venv of its own, run the README's plain install commands in a project with
no kit installed, commit with the hooks running from a shell where the project's env is not
activated, run `make lint repro audit` (default bake), then every `run:` step of the
generated CI (`.github/workflows/ci.yml` or `.gitlab-ci.yml`) in order, `make test` included.

uv and Poetry install the kit, like every package, from the lock's entry on the public index;
until a release is there, the kit's wheel is put into the project's .venv beforehand from the
stand-in index (pip --find-links), which the manager then finds installed at the locked
version. pip installs it from the stand-in index itself.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO_ROOT
from isolation.fresh_machine import (
    KIT_VERSION,
    ensure_tools_venv,
    expand,
    github_run_steps,
    gitlab_run_steps,
    machine_env,
    plain_commands,
    run,
    run_script,
    system_python,
)

pytestmark = pytest.mark.slow

VARIANTS = {
    "poetry-github": {},  # the default answers
    "uv-gitlab-minimal": {"package_manager": "uv", "ci": "gitlab", "example": "minimal"},
    "pip-github-minimal-server": {
        "package_manager": "pip",
        "example": "minimal",
        "tracking": "server",
    },
}


@pytest.fixture(scope="session")
def machine(wheelhouse: Path) -> Iterator[dict[str, str]]:
    """A new user's shell: the kit's wheel on a stand-in index, uv and poetry on PATH."""
    yield machine_env(wheelhouse, ensure_tools_venv())


@pytest.fixture(scope="session")
def kit_bin(machine: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mlops-kit` installed from the wheel into a venv of its own (as `pipx install` would)."""
    venv = tmp_path_factory.mktemp("kit-venv")
    run([system_python(), "-m", "venv", str(venv)], cwd=venv, env=machine)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*pip, f"mlops-kit=={KIT_VERSION}"], cwd=venv, env=machine, timeout=900)
    return venv / "bin"


def timed(label: str, started: float) -> None:
    print(f"TIMING {label}: {time.monotonic() - started:.1f} s")


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_baked_project_works_on_a_fresh_machine(
    variant: str, machine: dict[str, str], kit_bin: Path, tmp_path: Path
) -> None:
    answers = VARIANTS[variant]
    pairs = [f"{key}={value}" for key, value in answers.items()]
    run([str(kit_bin / "mlops-kit"), "new", "--no-input", "-o", str(tmp_path), *pairs],
        cwd=tmp_path, env=machine)  # fmt: skip
    project = tmp_path / "wine_classifier"
    manager = answers.get("package_manager", "poetry")
    env = {**machine, "MLFLOW_TRACKING_URI": "sqlite:///mlflow.db"}

    # The lock is valid for these answers, offline, as baked.
    if manager == "uv":
        run(["uv", "lock", "--check", "--offline"], cwd=project, env=env)
    elif manager == "poetry":
        run(["poetry", "check", "--lock"], cwd=project, env=env)

    if manager != "pip":
        # Stand-in for the public index's copy of the kit (see the module docstring).
        run([system_python(), "-m", "venv", ".venv"], cwd=project, env=env)
        run([".venv/bin/python", "-m", "pip", "install", "--quiet", "--no-deps",
             f"mlops-kit=={KIT_VERSION}"], cwd=project, env=env)  # fmt: skip

    started = time.monotonic()
    readme = (project / "README.md").read_text(encoding="utf-8")
    run_script("\n".join(plain_commands(readme)), project, env)  # one shell, as typed
    timed(f"{variant}: README install commands and dvc repro", started)
    assert not (Path(env["PATH"].split(os.pathsep)[0]) / "mlops-kit").exists()

    # A commit from a shell where .venv is not activated: every hook finds its tool.
    with (project / "src/wine_classifier/__init__.py").open("a", encoding="utf-8") as init:
        init.write("# edited\n")
    (project / "README.md").write_text(readme + "\nEdited.\n", encoding="utf-8")
    run(["git", "add", "--all"], cwd=project, env=env)
    commit = run(["git", "commit", "-m", "First change"], cwd=project, env=env)
    for hook in ("ruff check", "mypy", "mlops-kit audit", "check for added large files"):
        assert hook in commit.stdout + commit.stderr, hook

    if not answers:
        # `make test` runs below as a CI step (the project's suite is the slowest target);
        # the generated CI runs the same targets for the other variants.
        started = time.monotonic()
        run(["make", "lint", "repro", "audit"], cwd=project, env=env)
        timed(f"{variant}: make lint repro audit", started)

    # The generated CI, step by step.
    started = time.monotonic()
    if (project / ".github").exists():
        summary = tmp_path / "summary.md"
        for name, script, step_env in github_run_steps(project / ".github/workflows/ci.yml"):
            ci_env = {**env, **step_env, "CI": "true", "GITHUB_STEP_SUMMARY": str(summary)}
            step_started = time.monotonic()
            run_script(script, project, ci_env)
            timed(f"{variant}: CI step {name}", step_started)
        assert "|" in summary.read_text(encoding="utf-8")  # the metrics table
    else:
        base = {**env, "CI": "true", "CI_PROJECT_DIR": str(project)}
        for name, script, variables in gitlab_run_steps(project / ".gitlab-ci.yml"):
            ci_env = {**base, **{k: expand(v, base) for k, v in variables.items()}}
            step_started = time.monotonic()
            run_script(script, project, ci_env)
            timed(f"{variant}: CI job {name}", step_started)
    timed(f"{variant}: CI steps", started)
    assert not run(["git", "status", "--porcelain"], cwd=project, env=env).stdout.strip()


def test_kit_distributions_pass_twine_check(wheelhouse: Path) -> None:
    dist = wheelhouse
    files = sorted(p.name for p in dist.iterdir())
    assert any(f.endswith(".whl") for f in files) and any(f.endswith(".tar.gz") for f in files)
    result = run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
        cwd=REPO_ROOT,
    )
    assert result.stdout.count("PASSED") == 2
