"""Pillars whose need a repository cannot show are asked of the standard's projects.

DVC115 (data versioning), TRK107 (run tracking) and LAY105 (composed configuration) turn
on facts outside the code: whether the data is published elsewhere, whether runs are
compared at all. They run on projects mlops-kit baked or adopted, and elsewhere when the
team asks: `--select`, `select` or a severity in `[tool.mlops-kit.audit]`.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAINING_PROJECT, audit, repo
from helpers import Invoke

PILLARS = {"DVC115", "TRK107", "LAY105"}
STAMP = (
    '[project]\nname = "churn"\nversion = "0.1.0"\n\n[tool.mlops-kit]\ntemplate-version = "0.1.0"\n'
)


def reported(root: Path, **options: object) -> set[str]:
    return {issue.rule for issue in audit(root, **options).issues} & PILLARS


def test_a_repository_the_kit_did_not_bake_is_not_asked_by_default(tmp_path: Path) -> None:
    root = repo(tmp_path, TRAINING_PROJECT, "plain")
    report = audit(root, select=None)
    assert not {issue.rule for issue in report.issues} & PILLARS
    assert report.not_asked == ["DVC115", "LAY105", "TRK107"]
    # asked by name, they judge the same repository
    assert reported(root, select=sorted(PILLARS)) == PILLARS
    assert reported(root, select=["pipeline"]) == {"DVC115"}


def test_a_severity_the_team_sets_asks_for_the_pillar(tmp_path: Path) -> None:
    table = '[tool.mlops-kit.audit.severity]\nDVC115 = "error"\n'
    root = repo(tmp_path, {**TRAINING_PROJECT, "pyproject.toml": table}, "configured")
    report = audit(root, select=None)
    pillars = [issue for issue in report.issues if issue.rule in PILLARS]
    assert [(issue.rule, issue.severity) for issue in pillars] == [("DVC115", "error")]


def test_a_project_on_the_standard_is_asked_without_a_word(tmp_path: Path) -> None:
    root = repo(tmp_path, {**TRAINING_PROJECT, "pyproject.toml": STAMP}, "stamped")
    assert reported(root, select=None) == PILLARS


def test_the_command_asks_for_a_pillar_it_is_given(tmp_path: Path, invoke: Invoke) -> None:
    root = repo(tmp_path, TRAINING_PROJECT, "cli")
    quiet = invoke("audit", root, "--format", "json", "--fail-on", "never")
    asked = invoke("audit", root, "--select", "TRK107", "--format", "json", "--fail-on", "never")
    assert quiet.exit_code == 0 and asked.exit_code == 0
    assert '"rule": "TRK107"' in asked.stdout
    assert '"rule": "TRK107"' not in quiet.stdout
    text = invoke("audit", root, "--fail-on", "never")
    assert "only with --select: DVC115, LAY105, TRK107" in text.stdout


def test_the_ci_formats_say_which_pillars_were_not_asked(tmp_path: Path, invoke: Invoke) -> None:
    root = repo(tmp_path, TRAINING_PROJECT, "formats")
    markdown = invoke("audit", root, "--format", "markdown", "--fail-on", "never").stdout
    assert "**Not asked**" in markdown and "- TRK107" in markdown
    junit = invoke("audit", root, "--format", "junit", "--fail-on", "never").stdout
    assert 'name="DVC115 ' in junit and "asked of mlops-kit projects" in junit
