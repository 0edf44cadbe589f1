"""The CI that adopt adds to a repository without one, written from what the repository has.

A baked project's CI runs `make install`, `make test` and `make repro`: its Makefile, lock
file and package manager come with the bake. An adopted repository may have none of them,
so its CI is built from what adopt found instead, and runs on the repository as it is
after adopt:

- install: one `pip install` of the project itself (editable, when it has a build
  system), its root requirements files, and the tools the steps below and the kit's stage
  code run (hydra-core, dvc, pandas, pytest, mlops-kit), at the template's version bounds,
  resolved together so a clash with the project's own pins fails here, not later;
- tests: `python -m pytest` (no test collected yet is not a failure: add-stage adds one
  per stage);
- the pipeline: `python -m <module>.config --check` (params.yaml is conf/'s snapshot), then
  `dvc repro`;
- the audit, reporting findings without failing the build (`--fail-on never`): an adopted
  repository starts with some; the comment says how to make it gate.
"""

from __future__ import annotations

import json
import re
import shlex
import textwrap
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What the workflow's own steps and the kit's stage runner need, by distribution name.
KIT_RUNTIME = ("hydra-core", "dvc", "pandas")
KIT_DEV = ("pytest", "mlops-kit")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*+")
# A YAML plain scalar in block context: no indicator first, no ` #` or `: ` inside.
_PLAIN = re.compile(r"^[A-Za-z0-9_./$(](?:[^\n:#]|:(?! )|(?<! )#)*+$")


@dataclass(frozen=True)
class Step:
    """One CI step: a name, its shell lines, and a comment saying why."""

    name: str
    lines: tuple[str, ...]
    comment: str = ""


@dataclass(frozen=True)
class RepoCommands:
    """How the adopted repository is installed and run, as found by adopt."""

    module: str
    python_version: str
    branch: str
    installable: bool
    requirements: tuple[str, ...]
    kit_pins: tuple[str, ...]


def kit_pins(baked_pyproject: str) -> tuple[str, ...]:
    """Return the template's requirement strings for the tools the adopted CI installs."""
    data: dict[str, Any] = tomllib.loads(baked_pyproject)
    found = [*data.get("project", {}).get("dependencies", [])]
    found += [r for r in data.get("dependency-groups", {}).get("dev", []) if isinstance(r, str)]
    by_name: dict[str, str] = {}
    for requirement in found:
        match = _NAME.match(requirement)
        if match:
            by_name.setdefault(match.group(0).lower(), requirement)
    return tuple(by_name[name] for name in (*KIT_RUNTIME, *KIT_DEV) if name in by_name)


def current_branch(root: Path) -> str:
    """Return the branch checked out in `root` (read from .git/HEAD), else "main"."""
    head = root / ".git" / "HEAD"
    try:
        text = head.read_text(encoding="utf-8") if head.is_file() else ""
    except (OSError, UnicodeDecodeError):
        text = ""
    match = re.fullmatch(r"ref: refs/heads/([A-Za-z0-9._/-]{1,100})\s*", text)
    return match.group(1) if match else "main"


def steps(commands: RepoCommands, *, github: bool = True) -> list[Step]:
    """Return the CI steps, in order, for the repository `commands` describes.

    On GitHub the audit's findings become annotations on the files (`--format github`).
    """
    install = ["python", "-m", "pip", "install"]
    if commands.installable:
        install += ["--editable", "."]
    for requirements in commands.requirements:
        install += ["--requirement", requirements]
    install += commands.kit_pins
    what = ["the project"] if commands.installable else []
    what += [", ".join(commands.requirements)] if commands.requirements else []
    what.append("the tools the steps below run")
    listed = f"{', '.join(what[:-1])} and {what[-1]}" if len(what) > 1 else what[0]
    return [
        Step(
            "Install the project and the tools this workflow runs",
            (shlex.join(install),),
            f"{listed}, resolved together (bounds from the mlops-kit template)",
        ),
        Step(
            "Unit tests",
            ("python -m pytest || test $? -eq 5",),
            "exit 5: no test collected yet (mlops-kit add-stage adds one per stage)",
        ),
        Step(
            "Run the pipeline",
            (f"python -m {commands.module}.config --check", "dvc repro"),
            "params.yaml must be the snapshot of conf/ (else: python -m "
            f"{commands.module}.config, commit); then the stages that are out of date",
        ),
        Step(
            "Audit the repository",
            (
                "mlops-kit audit --format github --fail-on never"
                if github
                else "mlops-kit audit --fail-on never",
            ),
            "reports the findings without failing the build (an adopted repository starts "
            "with some); once `mlops-kit audit` is clean, drop `--fail-on never` so it gates",
        ),
    ]


def _scalar(text: str) -> str:
    """Return `text` as a YAML scalar: plain when safe, else a double-quoted (JSON) one."""
    plain = _PLAIN.match(text) and not text.endswith((" ", ":"))
    return text if plain else json.dumps(text)


def _comment(text: str, indent: str) -> str:
    lines = textwrap.wrap(text, width=92 - len(indent)) if text else []
    return "".join(f"{indent}# {line}\n" for line in lines)


def _run(lines: Sequence[str], indent: str) -> str:
    if len(lines) == 1:
        return f"{indent}run: {_scalar(lines[0])}\n"
    body = "".join(f"{indent}  {line}\n" for line in lines)
    return f"{indent}run: |\n{body}"


HEADER = (
    "# Written by `mlops-kit adopt` for this repository as it is (no Makefile or lock file\n"
    "# needed): install with pip, run the tests, the pipeline and the audit. Edit freely.\n"
)


def github_workflow(commands: RepoCommands) -> bytes:
    """Return .github/workflows/ci.yml for the adopted repository."""
    env = {"DVC_NO_ANALYTICS": "1", "MLFLOW_DISABLE_TELEMETRY": "true"}
    if not commands.installable:
        env["PYTHONPATH"] = "src"  # the package under src/ is not installed: import it from there
    text = HEADER + "name: CI\n\non:\n  push:\n"
    text += f"    branches: [{_scalar(commands.branch)}]\n  pull_request:\n\n"
    text += "permissions:\n  contents: read\n\nenv:\n"
    text += "".join(f"  {key}: {json.dumps(value)}\n" for key, value in env.items())
    text += "\njobs:\n  pipeline:\n    runs-on: ubuntu-latest\n    timeout-minutes: 30\n"
    text += "    steps:\n      - uses: actions/checkout@v4\n\n"
    text += "      - uses: actions/setup-python@v5\n        with:\n"
    text += f"          python-version: {json.dumps(commands.python_version)}\n"
    for step in steps(commands):
        text += f"\n      - name: {_scalar(step.name)}\n"
        text += _comment(step.comment, "        ")
        text += _run(step.lines, "        ")
    return text.encode()


def gitlab_ci(commands: RepoCommands) -> bytes:
    """Return .gitlab-ci.yml for the adopted repository."""
    install, tests, pipeline, audit = steps(commands, github=False)
    text = HEADER + f"default:\n  image: {_scalar('python:' + commands.python_version)}\n"
    text += "  before_script:\n" + _comment(install.comment, "    ")
    text += "".join(f"    - {_scalar(line)}\n" for line in install.lines)
    text += '\nvariables:\n  DVC_NO_ANALYTICS: "1"\n  MLFLOW_DISABLE_TELEMETRY: "true"\n'
    if not commands.installable:
        text += "  PYTHONPATH: src\n"
    text += "\nstages:\n  - check\n  - pipeline\n"
    for job, stage, step in (
        ("test", "check", tests),
        ("audit", "check", audit),
        ("pipeline", "pipeline", pipeline),
    ):
        text += f"\n{job}:\n  stage: {stage}\n  script:\n" + _comment(step.comment, "    ")
        text += "".join(f"    - {_scalar(line)}\n" for line in step.lines)
    return text.encode()
