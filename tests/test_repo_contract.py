"""The kit keeps its own promises: README's commands, CI entry point, lint and types."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from helpers import REPO_ROOT, run

BIN = Path(sys.executable).parent
# The template folder holds Jinja, not Python: its baked output is linted by the bake tests.
TEMPLATE_FOLDER = "{{cookiecutter.project_slug}}"


def quick_start_commands() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# mlops-kit\n\n## Quick start\n"), "README must open with Quick start"
    block = re.search(r"```bash\n(.*?)```", readme, re.DOTALL)
    assert block is not None
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_the_two_commands() -> None:
    assert quick_start_commands() == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == quick_start_commands()[1]
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: .*\n\t\$\(BIN\)/python -m pytest$", makefile, re.MULTILINE)


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_kit_passes_its_own_linters(command: list[str]) -> None:
    """As typed at the root: `ruff check .` must not trip over the template's Jinja files."""
    run([str(BIN / command[0]), *command[1:]], cwd=REPO_ROOT)


def test_ruff_at_the_root_skips_only_the_template_folder() -> None:
    listed = run([str(BIN / "ruff"), "check", "--show-files", "."], cwd=REPO_ROOT).stdout
    linted = {
        Path(line.strip()).resolve().relative_to(REPO_ROOT).as_posix()
        for line in listed.splitlines()
        if line.strip().endswith((".py", ".pyi"))
    }
    tracked = run(["git", "ls-files", "*.py", "*.pyi"], cwd=REPO_ROOT).stdout.split()
    kit = {path for path in tracked if not path.startswith(f"{TEMPLATE_FOLDER}/")}
    assert kit and kit <= linted, sorted(kit - linted)
    assert not any(path.startswith(f"{TEMPLATE_FOLDER}/") for path in linted)


@pytest.mark.slow
def test_demo_bakes_and_runs_the_pipeline(tmp_path: Path, project_env: dict[str, str]) -> None:
    """What `make demo` runs once the kit is installed: bake, repro, say where to look."""
    result = run(
        ["bash", str(REPO_ROOT / "scripts" / "demo.sh"), str(tmp_path)],
        cwd=tmp_path,
        env=project_env,
    )
    project = tmp_path / "wine_classifier"
    assert (project / "reports" / "metrics.json").is_file()
    assert (project / "dvc.lock").is_file()
    assert "registered wine_classifier version 1" in result.stdout + result.stderr
    assert f"The project is in {project}" in result.stdout


def test_one_version_everywhere() -> None:
    """The package, its metadata and the template stamp name the same kit version."""
    import json
    import tomllib

    import mlops_kit

    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    template = json.loads((REPO_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    assert mlops_kit.__version__ == pyproject["project"]["version"] == template["_template_version"]


def test_one_home_url_and_a_readme_that_renders_on_an_index() -> None:
    """Help links, SARIF and [project.urls] name one home; README links work off GitHub."""
    import tomllib

    import mlops_kit
    from mlops_kit.audit.model import RULES_DOC_URL

    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    urls = pyproject["project"]["urls"]
    assert urls["Homepage"] == mlops_kit.HOMEPAGE
    assert all(url.startswith(mlops_kit.HOMEPAGE) for url in urls.values())
    assert RULES_DOC_URL.startswith(mlops_kit.HOMEPAGE)
    assert pyproject["project"]["license"] == "MIT"
    assert (REPO_ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)]+)\)", readme)
    assert links and all(link.startswith("https://") for link in links), links
    # The placeholder home appears in one place of the code only.
    sources = [p for p in (REPO_ROOT / "cli").rglob("*.py")]
    holders = [p for p in sources if mlops_kit.HOMEPAGE in p.read_text(encoding="utf-8")]
    assert holders == [REPO_ROOT / "cli" / "mlops_kit" / "__init__.py"]


def test_kit_ci_and_release_workflows() -> None:
    import yaml

    ci = yaml.safe_load((REPO_ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    runs = [s.get("run", "") for job in ci["jobs"].values() for s in job["steps"]]
    assert "bash .ci/run" in runs
    release = yaml.safe_load(
        (REPO_ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8")
    )
    build = "\n".join(s.get("run", "") for s in release["jobs"]["build"]["steps"])
    assert "python -m build" in build and "twine check" in build
    publish = release["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert any(
        s.get("uses", "").startswith("pypa/gh-action-pypi-publish") for s in publish["steps"]
    )
    assert "refs/tags/v" in publish["if"]
