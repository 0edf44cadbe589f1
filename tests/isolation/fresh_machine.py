"""A fresh machine for a baked project: the kit's wheel on a stand-in index, no kit installed.

The rest of the suite runs baked projects inside the suite's own environment, where the kit
and the whole stack are already installed. These helpers give a project nothing but what a
new user has: python3, git, make, the package manager of its choice (installed from the
index into a tools venv of its own), and the kit's wheel served through `--find-links`
(standing in for the public index, where the released kit lives).

Downloads are shared through cache folders under ~/.cache/mlops-kit-tests (UV_CACHE_DIR,
POETRY_CACHE_DIR, PIP_CACHE_DIR), so only a first run on a machine pays for them.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from helpers import REPO_ROOT, run

CACHE_ROOT = Path.home() / ".cache" / "mlops-kit-tests"
TEMPLATE_JSON = json.loads((REPO_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
UV_VERSION = TEMPLATE_JSON["_uv_version"]
POETRY_VERSION = TEMPLATE_JSON["_poetry_version"]
KIT_VERSION = TEMPLATE_JSON["_template_version"]


def system_python() -> str:
    """The machine's python3 outside any virtual environment (what a new user has)."""
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    return str(base) if base.exists() else "python3"


def clean_path() -> str:
    """PATH without any virtual environment's bin folder (the suite's included)."""
    parts = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(p for p in parts if not (Path(p).parent / "pyvenv.cfg").exists())


def pip_config() -> dict[str, str]:
    """The machine's pip settings (`pip config list`), e.g. {'global.index-url': ...}."""
    result = subprocess.run(
        [system_python(), "-m", "pip", "config", "list"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    config: dict[str, str] = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            config[key.strip()] = value.strip().strip("'\"")
    return config


def machine_env(wheelhouse: Path, tools_bin: Path) -> dict[str, str]:
    """Environment of a new user's shell: no venv on PATH, the index reachable, caches shared."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX"}
    }
    config = pip_config()
    find_links = " ".join(filter(None, [str(wheelhouse), config.get("global.find-links")]))
    env.update(
        PATH=f"{tools_bin}{os.pathsep}{clean_path()}",
        PIP_FIND_LINKS=find_links,
        PIP_CACHE_DIR=str(CACHE_ROOT / "pip"),
        UV_CACHE_DIR=str(CACHE_ROOT / "uv"),
        POETRY_CACHE_DIR=str(CACHE_ROOT / "pypoetry"),
        UV_PYTHON_DOWNLOADS="never",
        POETRY_NO_INTERACTION="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    index = config.get("global.index-url")
    if index:
        env["UV_INDEX_URL"] = index
    return env


def ensure_tools_venv() -> Path:
    """A venv holding uv and poetry at the template's versions; reused across sessions."""
    venv = CACHE_ROOT / f"tools-uv{UV_VERSION}-poetry{POETRY_VERSION}"
    marker = venv / ".complete"
    if not marker.exists():
        run([system_python(), "-m", "venv", "--clear", str(venv)], cwd=REPO_ROOT)
        run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
             f"uv=={UV_VERSION}", f"poetry=={POETRY_VERSION}"],
            cwd=REPO_ROOT,
            env={**os.environ, "PIP_CACHE_DIR": str(CACHE_ROOT / "pip")},
            timeout=900,
        )  # fmt: skip
        marker.touch()
    return venv / "bin"


def build_wheelhouse(where: Path) -> Path:
    """Build the kit's wheel (and sdist) from this checkout into `where`."""
    run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(where), str(REPO_ROOT)],
        cwd=REPO_ROOT,
    )
    return where


def plain_commands(readme: str) -> list[str]:
    """The README's 'Without make, the same in plain commands' block, one command a line."""
    match = re.search(
        r"Without make, the same in plain commands:\n\n```bash\n(.*?)```", readme, re.S
    )
    assert match, "the project README lost its plain install commands"
    return [line.split("  #")[0].strip() for line in match.group(1).splitlines() if line.strip()]


def github_run_steps(workflow: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(name, script, env) of each `run:` step of every job, in order, as on a push to main.

    Steps whose `if:` asks for a pull request are left out.
    """
    data: Any = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    steps: list[tuple[str, str, dict[str, str]]] = []
    for job in data["jobs"].values():
        for step in job["steps"]:
            if "pull_request" in str(step.get("if", "")):
                continue
            if "run" in step:
                env = {**data.get("env", {}), **job.get("env", {}), **step.get("env", {})}
                steps.append((step.get("name", step["run"]), step["run"], plain_values(env)))
    return steps


def gitlab_run_steps(config_file: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(job, script, variables) of each job in stage order, before_script first."""
    data: Any = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    default = data.get("default", {})
    stages = data.get("stages", ["test"])
    jobs = [
        (name, job) for name, job in data.items()
        if isinstance(job, dict) and "script" in job and gitlab_rule(job, PUSH_TO_MAIN) is not None
    ]  # fmt: skip
    jobs.sort(key=lambda item: stages.index(item[1].get("stage", "test")))
    steps: list[tuple[str, str, dict[str, str]]] = []
    for name, job in jobs:
        rule = gitlab_rule(job, PUSH_TO_MAIN) or {}
        variables = plain_values(
            {**data.get("variables", {}), **job.get("variables", {}), **rule.get("variables", {})}
        )
        script = [*job.get("before_script", default.get("before_script", [])), *job["script"]]
        steps.append((name, "\n".join(script), variables))
    return steps


# The predefined variables of a pipeline for a push to the default branch.
PUSH_TO_MAIN = {
    "CI_PIPELINE_SOURCE": "push",
    "CI_COMMIT_BRANCH": "main",
    "CI_DEFAULT_BRANCH": "main",
}


def gitlab_rule(job: Mapping[str, Any], ci: Mapping[str, str]) -> dict[str, Any] | None:
    """The first of a job's `rules:` that matches `ci` ({} without rules); None: not run.

    Understands the clauses the template uses: `$A == "x"`, `$A != $B`, `$A`, joined by &&.
    """
    rules = job.get("rules")
    if rules is None:
        return {}
    for rule in rules:
        if all(_clause(part.strip(), ci) for part in str(rule.get("if", "")).split("&&")):
            return None if rule.get("when") == "never" else dict(rule)
    return None


def _clause(text: str, ci: Mapping[str, str]) -> bool:
    def value(token: str) -> str:
        token = token.strip()
        return ci.get(token[1:], "") if token.startswith("$") else token.strip("\"'")

    for operator in ("==", "!="):
        if operator in text:
            left, right = text.split(operator, 1)
            return (value(left) == value(right)) is (operator == "==")
    return bool(value(text)) if text else True


def plain_values(env: Mapping[str, Any]) -> dict[str, str]:
    """Environment values as CI would set them; GitHub expressions take their fallback."""
    plain: dict[str, str] = {}
    for key, value in env.items():
        text = str(value)
        fallback = re.fullmatch(r"\$\{\{.*\|\|\s*'([^']*)'\s*\}\}", text)
        if fallback:
            text = fallback.group(1)
        elif "${{" in text:
            text = ""  # a secret CI would hold: none here
        plain[key] = text
    return plain


def run_script(
    script: str, cwd: Path, env: Mapping[str, str], timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """Run a CI step's script with bash -e, as the runners do."""
    return run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env=env, timeout=timeout)


def expand(value: str, env: Mapping[str, str]) -> str:
    """Expand $VAR references in a GitLab variable."""
    return re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), ""), value)


def shell_line(command: str) -> list[str]:
    """Split a README command line into arguments."""
    return shlex.split(command)
