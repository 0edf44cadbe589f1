"""What the audited repository hands the audit is bounded: names, sizes, numbers, its own files.

A path the repository's config names is read inside the repository only, from a regular
file of bounded size; a file name with `:` is scanned like any other; 5000-digit integers
are values; a rule that fails on one file is one finding, not the end of the audit; the
audit's own reports and baselines never come back as findings. Each case runs the CLI in
a subprocess under a guard, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from audit.support import audit, commit_all, make_repo, write
from mlops_kit.audit import engine
from mlops_kit.audit.model import Finding
from mlops_kit.audit.repo import RepoView, normalise
from mlops_kit.audit.rule import Rule

HANG_GUARD = 120  # seconds; a guard against hangs, not a speed assertion
TOKEN = "ghp_" + "Zx9Kq2Lm" * 5  # GitHub token shape


def run_cli(path: Path, *args: str, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlops_kit", "audit", str(path), *args],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
        preexec_fn=None if umask is None else (lambda: os.umask(umask) and None),
    )


def findings(done: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)["findings"]
    return found


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


def set_baseline(project: Path, value: str) -> None:
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    entry = json.dumps(value)
    (project / "pyproject.toml").write_text(
        f"{text}\n[tool.mlops-kit.audit]\nbaseline = {entry}\n", encoding="utf-8"
    )


def valid_baseline() -> str:
    return json.dumps({"version": 1, "tool": "mlops-kit audit", "findings": []})


# -- 1. config-named files stay inside the repository, regular and bounded ---------------
@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A readable, valid baseline outside the project: reading it would succeed."""
    target = tmp_path / "elsewhere" / "baseline.json"
    target.parent.mkdir()
    target.write_text(valid_baseline(), encoding="utf-8")
    return target


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "symlink-out", "dev-zero"])
def test_config_baseline_outside_the_project_is_refused(
    project: Path, outside: Path, kind: str
) -> None:
    if kind == "absolute":
        value = str(outside)
    elif kind == "dotdot":
        value = os.path.relpath(outside, project)
        assert value.startswith("..")
    elif kind == "symlink-out":
        (project / "baseline.json").symlink_to(outside)
        value = "baseline.json"
    else:
        value = "/dev/zero"
    set_baseline(project, value)
    line = one_error_line(run_cli(project))
    assert "baseline" in line and ("outside" in line or "not inside" in line)


@pytest.mark.parametrize("kind", ["fifo", "device", "directory", "huge"])
def test_config_baseline_that_is_no_regular_file_is_refused_without_hanging(
    project: Path, kind: str
) -> None:
    target = project / "baseline.json"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        try:
            os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
        except PermissionError:
            pytest.skip("making a device file needs root")
    elif kind == "directory":
        target.mkdir()
    else:
        with target.open("wb") as stream:  # sparse: no disk used
            stream.truncate(64 * 1024 * 1024)
    set_baseline(project, "baseline.json")
    line = one_error_line(run_cli(project))
    assert "baseline" in line
    assert {"fifo": "FIFO", "device": "device", "directory": "directory", "huge": "too large"}[
        kind
    ] in line


def test_config_baseline_inside_the_project_still_works(project: Path) -> None:
    write(project, "conf/baseline.json", valid_baseline())
    set_baseline(project, "conf/baseline.json")
    findings(run_cli(project, "--format", "json"))


def test_fifo_baseline_on_the_command_line_does_not_hang(project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "baseline.fifo"
    os.mkfifo(fifo)
    assert "FIFO" in one_error_line(run_cli(project, "--baseline", str(fifo)))


# -- 2. names with `:` (and `\`) are scanned --------------------------------------------
@pytest.mark.parametrize("name", ["creds:prod.env", "a:b.py", "c:/deep/x.py", "back\\slash.py"])
def test_secret_in_a_file_whose_name_has_a_colon_is_found(tmp_path: Path, name: str) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "# x\n", name: f'KEY = "{TOKEN}"\n'})
    done = run_cli(repo, "--format", "json", "--select", "SEC101")
    assert [f["path"] for f in findings(done)] == [name]
    assert TOKEN not in done.stdout


def test_the_normaliser_knows_drives_from_colons() -> None:
    assert normalise("creds:prod.env", windows=False) == "creds:prod.env"
    assert normalise("c:/x/y", windows=False) == "c:/x/y"
    assert normalise("a:b.py", windows=True) is None  # drive A on Windows
    assert normalise("C:\\x", windows=True) is None
    for url in ("s3://bucket/data", "remote://store/x", "https://h/x"):
        assert normalise(url, windows=False) is None
    assert normalise("../x", windows=False) is None and normalise("/etc", windows=False) is None


# -- 4. huge integers are values; a failing rule is one finding ---------------------------
def test_five_thousand_digit_integers_do_not_stop_the_audit(project: Path) -> None:
    big = "9" * 5000
    text = (project / "dvc.yaml").read_text(encoding="utf-8")
    write(project, "dvc.yaml", text + f"vars:\n  - huge: {big}\n")
    write(project, "params.yaml", f"seed: {big}\n")
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    write(project, "pyproject.toml", text + f"\n[tool.huge]\nvalue = {big}\nhex = 0x{'f' * 5000}\n")
    write(project, "conf/data/big.json", f'{{"rows": {big}}}\n')
    write(project, "notebooks/big.ipynb", f'{{"cells": [], "nbformat": {big}}}\n')
    commit_all(project)
    done = run_cli(project, "--format", "json")
    found = findings(done)
    assert not [f for f in found if "internal error" in str(f["message"])]
    assert json.loads(done.stdout)["summary"]["rules_run"] > 50


def _crashing_rule(path: str) -> Rule:
    def reads_then_crashes(repo: RepoView) -> Iterator[Finding]:
        """A rule that fails half-way on one file (to test the engine).

        Why: to test. Fix: none.
        """
        yield Finding("first finding, before the failure", path)
        repo.text(path)
        raise ValueError("boom\nwith a second line")

    return Rule("LAY999", "layout", "warning", (), reads_then_crashes)


def test_a_rule_that_raises_is_one_finding_and_the_audit_goes_on(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = [*engine.all_rules(), _crashing_rule("dvc.yaml")]
    monkeypatch.setattr(engine, "all_rules", lambda: rules)
    (project / "README.md").unlink()
    report = audit(project)
    mine = [i for i in report.issues if i.rule == "LAY999"]
    assert mine[0].message == "first finding, before the failure"
    failure = mine[1]
    assert failure.message.startswith("internal error in rule LAY999 on dvc.yaml: ValueError:")
    assert "\n" not in failure.message and failure.path == "dvc.yaml"
    assert "LAY101" in {i.rule for i in report.issues}  # the rest still ran


def test_a_rule_that_raises_still_gives_a_report_and_exit_2(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlops_kit.app import app
    from typer.testing import CliRunner

    rules = [*engine.all_rules(), _crashing_rule("params.yaml")]
    monkeypatch.setattr(engine, "all_rules", lambda: rules)
    monkeypatch.setattr("mlops_kit.audit.rules.rules_by_id", lambda: {r.id: r for r in rules})
    result = CliRunner().invoke(app, ["audit", str(project), "--format", "json"])
    assert result.exit_code == 2
    found = json.loads(result.stdout)["findings"]
    assert any(str(f["message"]).startswith("internal error in rule LAY999") for f in found)


# -- 3. text built to make patterns backtrack, end to end ----------------------------------
def test_backtracking_bait_in_the_repository_is_audited_in_bounded_time(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "README.md": "# x\n",
            "notes.md": "x://u:p@h\n" + "a." * 450_000,  # the URI-password pattern was quadratic
            "deploy/app.yaml": "password: x" + " " * 3000 + "y\n",  # and the assignment cubic
            "Makefile": "all:\n\t" + "mlflow server " * 20_000 + "\n",
            ".dvc/config": "\n" * 200_000 + "[core]\n",  # `^\s*` rescanned every blank line
        },
    )
    findings(run_cli(repo, "--format", "json"))


# -- 5. the audit's own files never come back as findings -----------------------------------
def test_a_baseline_never_matches_its_own_redacted_text(project: Path) -> None:
    write(project, "deploy/db.yaml", "uri: postgresql://mlflow:Sup3rS3cretPass@db/mlflow\n")
    write(project, "deploy/key.yaml", f"token: {TOKEN}\npassword: correct-horse-battery\n")
    commit_all(project)
    baseline = str(project / "b.json")
    first = run_cli(project, "--write-baseline", baseline)
    assert first.returncode == 0, first.stderr
    again = run_cli(project, "--baseline", baseline, "--format", "json")
    assert again.returncode == 0, again.stdout
    assert not [f for f in findings(again) if f["path"] == "b.json"]
    commit_all(project)  # a committed baseline, then a second baseline written over it
    assert run_cli(project, "--write-baseline", baseline).returncode == 0
    recorded = json.loads((project / "b.json").read_text(encoding="utf-8"))["findings"]
    assert not [f for f in recorded if f["path"] == "b.json"]


def test_a_report_in_the_repository_is_not_audited_next_time(project: Path) -> None:
    write(project, "deploy/db.yaml", "uri: postgresql://mlflow:Sup3rS3cretPass@db/mlflow\n")
    for fmt in ("json", "sarif", "markdown", "text"):
        done = run_cli(project, "--format", fmt, "--output", str(project / f"report.{fmt}"))
        assert done.returncode == 1, done.stderr
    found = findings(run_cli(project, "--format", "json"))
    assert not [f for f in found if str(f["path"]).startswith("report.")]


# -- 6. reports follow the umask ------------------------------------------------------------
@pytest.mark.parametrize("option", ["--output", "--write-baseline"])
def test_written_files_follow_the_umask(project: Path, tmp_path: Path, option: str) -> None:
    target = tmp_path / "out" / "file.json"
    target.parent.mkdir()
    done = run_cli(project, option, str(target), umask=0o022)
    assert done.returncode in (0, 1), done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    target.chmod(0o640)  # a file that exists keeps its mode
    run_cli(project, option, str(target), umask=0o022)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_help_names_the_config_table() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mlops_kit", "audit", "--help"],
        capture_output=True, text=True, timeout=HANG_GUARD, check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert "[tool.mlops-kit.audit]" in done.stdout
