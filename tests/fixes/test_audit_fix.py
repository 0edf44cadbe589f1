"""`mlops-kit audit --fix`: the fixed findings go, nothing else changes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import leave_killed_edit
from mlops_kit.app import app
from mlops_kit.template import template_version
from typer.testing import CliRunner, Result

Bake = Callable[..., Path]


def audit(project: Path, *args: str) -> Result:
    """Run `mlops-kit audit ARGS` in-process."""
    return CliRunner().invoke(app, ["audit", str(project), *args], catch_exceptions=False)


def findings(project: Path) -> list[tuple[str, str | None, str]]:
    """(rule, path, message) of every finding, from the JSON report."""
    report = json.loads(audit(project, "--format", "json").stdout)
    return sorted((f["rule"], f["path"], f["message"]) for f in report["findings"])


def files(project: Path) -> dict[str, bytes]:
    """Every file outside .git with its bytes."""
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(project).parts
    }


def broken(project: Path) -> None:
    """Undo pieces of the standard the way they go missing in real repositories."""
    (project / "data/README.md").unlink()
    (project / "notebooks/README.md").unlink()
    ignore = project / ".gitignore"
    kept = [line for line in ignore.read_text().splitlines() if line not in (".env", "mlflow.db")]
    ignore.write_text("\n".join(kept) + "\n")
    catalog = project / "data/catalog.yaml"
    text = catalog.read_text()
    catalog.write_text(text[: text.index("  wine_test:")])
    pyproject = project / "pyproject.toml"
    lines = pyproject.read_text().splitlines(keepends=True)
    pyproject.write_text("".join(x for x in lines if not x.startswith("template-version")))
    subprocess.run(["git", "commit", "-qam", "broken"], cwd=project, check=True)


FIXED = {"LAY106", "LAY107", "TRK104", "SEC104", "DOC104", "DRF101"}


def test_fix_removes_exactly_the_fixed_findings(bake: Bake) -> None:
    project = bake()
    broken(project)
    before = findings(project)
    assert {rule for rule, _, _ in before} >= FIXED
    untouched = files(project)

    result = audit(project, "--fix")

    after = findings(project)
    assert after == [f for f in before if f[0] not in FIXED]
    assert result.exit_code == (1 if after else 0)
    assert "fixed LAY106: created data/README.md" in result.stderr
    changed = {p for p, data in files(project).items() if untouched.get(p) != data}
    assert changed == {
        ".gitignore", "data/README.md", "notebooks/README.md", "data/catalog.yaml",
        "pyproject.toml",
    }  # fmt: skip
    for path, data in untouched.items():
        if path not in changed:
            assert (project / path).read_bytes() == data
    # Only additions: every line that was there is still there, in order.
    for path in (".gitignore", "data/catalog.yaml", "pyproject.toml"):
        now = iter((project / path).read_bytes().splitlines())
        assert all(line in now for line in untouched[path].splitlines()), path
    stamp = f'template-version = "{template_version()}"'
    assert stamp in (project / "pyproject.toml").read_text()
    again = audit(project, "--fix")
    assert "fixed" not in again.stderr


def test_diff_previews_and_writes_nothing(bake: Bake) -> None:
    project = bake()
    broken(project)
    before = files(project)
    result = audit(project, "--fix", "--diff")
    assert result.exit_code == 0
    assert "+++ b/data/README.md" in result.stdout and "+.env" in result.stdout
    assert files(project) == before
    refused = audit(project, "--diff")
    assert refused.exit_code == 2


@pytest.mark.parametrize("rule", ["LAY108"])
def test_missing_gitignore_is_created(bake: Bake, rule: str) -> None:
    project = bake()
    (project / ".gitignore").unlink()
    subprocess.run(["git", "commit", "-qam", "no ignore"], cwd=project, check=True)
    assert any(r == rule for r, _, _ in findings(project))
    audit(project, "--fix")
    assert not any(r in (rule, "SEC104", "TRK104") for r, _, _ in findings(project))


NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Look"]},
        {
            "cell_type": "code",
            "execution_count": 3,
            "metadata": {},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["42\n"]}],
            "source": ["print(42)"],
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_notebook_outputs_are_stripped_and_the_hook_added(tmp_path: Path) -> None:
    project = tmp_path / "nb"
    (project / "notebooks").mkdir(parents=True)
    (project / "notebooks/01-explore.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    (project / "train.py").write_text("print('training')\n", encoding="utf-8")
    config = "repos:\n  - repo: local\n    hooks:\n      - id: ruff\n        name: ruff\n"
    config += "        entry: ruff check\n        language: system\n"
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", "commit", "-qm", "x"], cwd=project, check=True)
    before = findings(project)
    assert any(rule == "DAT104" for rule, _, _ in before)

    audit(project, "--fix")

    after = findings(project)
    assert after == [f for f in before if f[0] not in {"DAT104", "LAY108", "SEC104", "TRK104"}]
    notebook = json.loads((project / "notebooks/01-explore.ipynb").read_text(encoding="utf-8"))
    code = notebook["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert code["source"] == ["print(42)"]
    hooks = (project / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert hooks.startswith(config) and "entry: nbstripout" in hooks


def killed_fix(project: Path, before: list[tuple[str, str | None, str]]) -> None:
    """Leave what an `audit --fix` killed after two of its writes leaves behind."""
    from mlops_kit.audit.fixes import prepare_fixes

    failing: dict[str, int] = {}
    for rule, _, _ in before:
        failing[rule] = failing.get(rule, 0) + 1
    changes = [c for c in prepare_fixes(project, failing).changes() if c.before != c.after]
    assert len(changes) > 2
    leave_killed_edit(project, changes, written=2)


def test_fix_settles_a_killed_fix_before_it_audits(bake: Bake) -> None:
    project = bake()
    broken(project)
    before = findings(project)
    killed_fix(project, before)

    result = audit(project, "--fix")

    assert "an earlier run was interrupted" in result.stderr
    assert "busy" not in result.stderr
    assert findings(project) == [f for f in before if f[0] not in FIXED]
    assert not (project / ".mlops-kit.journal").exists()


def test_fix_diff_refuses_while_a_killed_fix_is_pending(bake: Bake) -> None:
    project = bake()
    broken(project)
    killed_fix(project, findings(project))
    before = files(project)
    result = audit(project, "--fix", "--diff")
    assert result.exit_code == 2
    assert "without --diff" in result.stderr
    assert files(project) == before
