"""`mlops-kit audit` on the command line: options, config, baseline, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from audit.support import commit_all, git, replace, write
from mlops_kit.app import app
from mlops_kit.audit.rules import rules_by_id
from typer.testing import CliRunner

runner = CliRunner()
CLEAN = ["--ignore", "PKG107"]  # shows up under "Ignored" (the template has a lock file)


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["audit", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def findings(project: Path, *args: str) -> list[dict[str, object]]:
    code, out, err = invoke(project, "--format", "json", *args)
    assert code in (0, 1), err
    found: list[dict[str, object]] = json.loads(out)["findings"]
    return found


def add_audit_config(project: Path, body: str) -> None:
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    (project / "pyproject.toml").write_text(
        text + "\n[tool.mlops-kit.audit]\n" + body, encoding="utf-8"
    )


def test_clean_project_exits_0(baked: Path) -> None:
    code, out, _ = invoke(baked, *CLEAN)
    assert code == 0
    assert "0 error(s), 0 warning(s), 0 info" in out
    assert "Ignored" in out and "PKG107: ignored on the command line" in out


def test_failing_findings_exit_1_and_fail_on_moves_the_threshold(project: Path) -> None:
    (project / "README.md").unlink()  # LAY101 is a warning
    assert invoke(project, *CLEAN)[0] == 0
    assert invoke(project, *CLEAN, "--fail-on", "warning")[0] == 1
    assert invoke(project, *CLEAN, "--fail-on", "never", "--select", "LAY")[0] == 0
    (project / ".gitignore").unlink()  # LAY108 is an error
    assert invoke(project, *CLEAN)[0] == 1


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing", "does not exist; give the folder of the repository to audit"),
        ("file.txt", "is not a directory"),
        ("/", "filesystem root"),
        ("empty", "empty directory"),
    ],
)
def test_bad_paths_exit_2_with_one_line(tmp_path: Path, target: str, message: str) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    path = target if target.startswith("/") else tmp_path / target
    code, out, err = invoke(path)
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err + out


def test_not_a_git_repository_is_audited_by_walking(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# x\n")
    code, out, _ = invoke(tmp_path, "--select", "LAY109,LAY101")
    assert code == 1
    assert "LAY109" in out and "not a git repository" in out and "LAY101" not in out


@pytest.mark.parametrize(
    "args",
    [
        ("--select", "NOPE"),
        ("--ignore", "DVC999"),
        ("--explain", "XYZ123"),
        ("--baseline", "missing.json"),
    ],
)
def test_unknown_ids_and_missing_baseline_exit_2(baked: Path, args: tuple[str, str]) -> None:
    code, _, err = invoke(baked, *args)
    assert code == 2 and err.startswith("Error: ")


@pytest.mark.parametrize(
    "body",
    [
        'select = "DVC"\n',
        'ignore = ["PKG107"]\n',
        '[tool.mlops-kit.audit.ignore]\nNOPE1 = "reason"\n',
        '[tool.mlops-kit.audit.ignore]\nPKG107 = ""\n',
        '[tool.mlops-kit.audit.severity]\nPKG107 = "fatal"\n',
        "colour = true\n",
        'fail-on = "sometimes"\n',
    ],
)
def test_malformed_config_exits_2(project: Path, body: str) -> None:
    add_audit_config(project, body)
    code, _, err = invoke(project)
    assert code == 2
    assert "[tool.mlops-kit.audit]" in err or "unknown rule id" in err


def test_config_select_ignore_with_reasons_and_severity(project: Path) -> None:
    (project / "README.md").unlink()
    add_audit_config(
        project,
        'select = ["layout", "PKG"]\nfail-on = "warning"\n'
        "[tool.mlops-kit.audit.ignore]\n"
        'PKG107 = "locked by the platform team\'s image"\nLAY107 = "no notebooks here"\n'
        '[tool.mlops-kit.audit.severity]\nLAY101 = "info"\n',
    )
    code, out, _ = invoke(project)
    assert code == 0  # LAY101 lowered to info, below fail-on warning
    assert "LAY101 info" in out
    assert "PKG107: locked by the platform team's image" in out
    data = json.loads(invoke(project, "-f", "json")[1])
    assert {f["rule"] for f in data["findings"]} == {"LAY101"}
    assert {i["rule"] for i in data["ignored"]} == {"PKG107", "LAY107"}
    # The command line overrides the config's selection and threshold.
    assert invoke(project, "--select", "LAY101", "--fail-on", "info")[0] == 1


def test_practice_rules_are_errors_on_kit_projects_and_warnings_elsewhere(
    project: Path, tmp_path: Path
) -> None:
    """A committed dataset fails a kit project's CI; on any other repository it warns."""
    import shutil

    write(project, "data/raw/extra.csv", "a,b\n" + "1,2\n" * 40_000)
    git(project, "add", "--force", "data/raw/extra.csv")
    commit_all(project, "commit a dataset")
    on_kit = {f["rule"]: f["severity"] for f in findings(project)}
    assert on_kit["DAT102"] == "error"
    assert invoke(project, *CLEAN)[0] == 1

    plain = tmp_path / "plain"
    shutil.copytree(project, plain)
    text = (plain / "pyproject.toml").read_text(encoding="utf-8")
    stamp = text.index("[tool.mlops-kit]")
    end = text.index("[tool.pytest.ini_options]")
    (plain / "pyproject.toml").write_text(text[:stamp] + text[end:], encoding="utf-8")
    commit_all(plain, "not a kit project")
    elsewhere = {f["rule"]: f["severity"] for f in findings(plain)}
    assert elsewhere["DAT102"] == "warning"

    # The team's configured severity wins on either.
    add_audit_config(plain, '[tool.mlops-kit.audit.severity]\nDAT102 = "error"\n')
    commit_all(plain, "configured")
    assert {f["rule"]: f["severity"] for f in findings(plain)}["DAT102"] == "error"


def test_select_by_family_and_prefix(baked: Path) -> None:
    code, out, _ = invoke(baked, "--select", "drift,LAY10", "-f", "json")
    assert code == 0
    assert json.loads(out)["summary"]["rules_run"] == 2 + 9  # DRF101-102, LAY101-109


def test_requires_skips_dependants(project: Path) -> None:
    write(project, "dvc.yaml", "stages: [\n")
    data = json.loads(invoke(project, "-f", "json", "--select", "DVC")[1])
    assert {f["rule"] for f in data["findings"]} == {"DVC101"}
    skipped = {s["rule"]: s["requires"] for s in data["skipped"]}
    assert skipped["DVC102"] == ["DVC101"] and "DVC103" in skipped


def test_baseline_reports_only_new_findings(project: Path, tmp_path: Path) -> None:
    (project / ".gitignore").unlink()
    baseline = tmp_path / "baseline.json"
    code, out, _ = invoke(project, "--write-baseline", baseline)
    assert code == 0 and "finding(s)" in out
    assert json.loads(baseline.read_text(encoding="utf-8"))["version"] == 1
    assert invoke(project, "--baseline", baseline)[0] == 0
    (project / "LICENSE").unlink()  # a new finding
    replace(project / "dvc.yaml", "stages:", "# moved lines\n\nstages:")  # lines shift
    code, out, _ = invoke(project, "--baseline", baseline, "--fail-on", "warning")
    assert code == 1 and "LAY102" in out and "LAY108" not in out and "in baseline" in out


def test_baseline_from_config_and_malformed_baseline(project: Path) -> None:
    write(project, "baseline.json", "{not json")
    add_audit_config(project, 'baseline = "baseline.json"\n')
    code, _, err = invoke(project)
    assert code == 2 and "not valid JSON" in err


def test_output_file_and_stable_order(project: Path, tmp_path: Path) -> None:
    write(project, "a.pkl", "x" * 2048)
    write(project, "b.csv", "x" * 30_000)  # a dataset-sized table
    (project / "README.md").unlink()
    commit_all(project)
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    code, out, _ = invoke(project, "-f", "json", "--output", first)
    assert code == 1 and out == ""
    invoke(project, "-f", "json", "--output", second)
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    rules = [f["rule"] for f in json.loads(first.read_text(encoding="utf-8"))["findings"]]
    assert rules == ["LAY101", "DAT102", "DAT103"]


def test_list_rules_and_explain(baked: Path) -> None:
    code, out, _ = invoke("--list-rules")
    assert code == 0 and len(out.splitlines()) == len(rules_by_id())
    code, out, _ = invoke("--explain", "dvc103")
    assert code == 0
    assert "DVC103: A stage depends on its own code." in out
    assert "Why:" in out and "Fix:" in out and "src/my_project/stages/train.py" in out


def test_audit_never_imports_the_heavy_stack(baked: Path) -> None:
    probe = (
        "import sys\nfrom mlops_kit.app import app\n"
        "try:\n    app(['audit', sys.argv[1], '--ignore', 'PKG107'])\n"
        "except SystemExit as done:\n    code = done.code\n"
        "heavy = sorted(m for m in ('dvc', 'mlflow', 'hydra', 'pandas', 'omegaconf', 'sklearn')"
        " if m in sys.modules)\nprint(code, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(baked)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip().splitlines()[-1] == "0 []"


def test_plain_text_when_not_a_terminal_or_no_color(
    baked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = invoke(baked, *CLEAN)
    assert "\x1b[" not in out
