"""A repository profile that cannot be built is one finding; the rest of the audit runs.

The profile is built before any rule, outside the rules' own error isolation: a detector
that raises (a bug meeting a repository shape nobody foresaw) must cost the audit its
profile, not the whole report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audit.support import audit, commit_all, write
from mlops_kit.audit import profile
from mlops_kit.audit.profile import RepoProfile
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rules import all_rules

TOKEN = "ghp_" + "Zx9Kq2Lm" * 5  # GitHub token shape
FAILURE = "internal error in the repository profile"


@pytest.fixture
def broken_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the Hydra detector read pyproject.toml, then raise."""

    def crashes(repo: RepoView, found: RepoProfile) -> None:
        repo.text("pyproject.toml")
        raise ValueError("detector bug\nsecond line")

    monkeypatch.setattr(profile, "_hydra_config", crashes)


@pytest.fixture
def leaky(project: Path) -> Path:
    """The baked project with a token in a script (a finding no profile facet gates)."""
    write(project, "scripts/upload.py", f'TOKEN = "{TOKEN}"\n')
    commit_all(project)
    return project


@pytest.mark.usefixtures("broken_detector")
def test_a_profile_that_raises_is_one_finding_and_the_rules_still_run(leaky: Path) -> None:
    report = audit(leaky)
    failures = [i for i in report.issues if i.message.startswith("internal error")]
    assert len(failures) == 1  # rules asking for the profile get the empty one, not the bug
    failure = failures[0]
    assert failure.message.startswith(f"{FAILURE} on pyproject.toml: ValueError: detector bug")
    assert "\n" not in failure.message
    assert (failure.path, failure.severity) == ("pyproject.toml", "error")
    assert report.profile is None  # no half-built profile is shown as what was detected
    tokens = [i for i in report.issues if i.rule == "SEC101"]
    assert [(i.path, i.line) for i in tokens] == [("scripts/upload.py", 1)]
    unconditional = {r.id for r in all_rules() if not r.applies}
    assert unconditional <= {*report.ran, *(s.rule for s in report.skipped)}


@pytest.mark.usefixtures("broken_detector")
def test_the_cli_reports_it_whatever_is_selected_and_exits_2(leaky: Path) -> None:
    from mlops_kit.app import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        app, ["audit", str(leaky), "--format", "json", "--select", "SEC101"]
    )
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["profile"] is None
    failures = [f for f in report["findings"] if str(f["message"]).startswith(FAILURE)]
    assert len(failures) == 1 and failures[0]["path"] == "pyproject.toml"
    found = {(f["rule"], f["path"]) for f in report["findings"]}
    assert ("SEC101", "scripts/upload.py") in found


def test_a_healthy_profile_gives_no_such_finding(leaky: Path) -> None:
    report = audit(leaky)
    assert report.profile is not None and report.profile.kit
    assert not [i for i in report.issues if i.message.startswith("internal error")]
