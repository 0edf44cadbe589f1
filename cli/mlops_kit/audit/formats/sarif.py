"""SARIF 2.1.0 for GitHub code scanning (valid against the OASIS schema).

Rule metadata (title, why, fix, severity, help link) goes to `tool.driver.rules`; each
result has a repo-relative location (code scanning needs one: findings about the whole
project point at its README or pyproject.toml) and a partial fingerprint that ignores line
moves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mlops_kit import HOMEPAGE, __version__
from mlops_kit.audit.model import Report
from mlops_kit.audit.rule import Rule

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
PROJECT_ANCHOR = "pyproject.toml"


def _descriptor(rule: Rule) -> dict[str, Any]:
    help_text = f"{rule.why}\n\nFix: {rule.fix}" if rule.fix else rule.why
    return {
        "id": rule.id,
        "name": rule.check.__name__,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why or rule.title},
        "help": {"text": help_text, "markdown": f"{rule.why}\n\n**Fix:** {rule.fix}"},
        "helpUri": rule.help_url,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["mlops-kit", rule.family]},
    }


def _located(path: str | None, root: str) -> str:
    """Return a file code scanning can show for a finding.

    The finding's own file; for findings about the whole repository (`.`), the README or
    pyproject.toml when one exists, else the root.
    """
    if path not in (None, ".", ""):
        return str(path)
    for anchor in ("README.md", PROJECT_ANCHOR, "README.rst", "README"):
        if (Path(root) / anchor).is_file():
            return anchor
    return "."


def as_data(report: Report, rules: Mapping[str, Rule]) -> dict[str, Any]:
    """Return the report as a SARIF log."""
    wanted = list(dict.fromkeys([*report.ran, *(i.rule for i in report.issues)]))
    ordered = [rule_id for rule_id in rules if rule_id in wanted]
    index = {rule_id: position for position, rule_id in enumerate(ordered)}
    results = []
    for issue in report.issues:
        region = {"startLine": issue.line} if issue.line is not None else None
        physical: dict[str, Any] = {
            "artifactLocation": {
                "uri": quote(_located(issue.path, report.root), safe="/", errors="surrogateescape"),
                "uriBaseId": "%SRCROOT%",
            }
        }
        if region:
            physical["region"] = region
        results.append(
            {
                "ruleId": issue.rule,
                "ruleIndex": index[issue.rule],
                "level": LEVELS[issue.severity],
                "message": {"text": issue.message},
                "locations": [{"physicalLocation": physical}],
                "partialFingerprints": {"mlopsKitFinding/v1": issue.fingerprint},
            }
        )
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mlops-kit",
                        "version": __version__,
                        "informationUri": HOMEPAGE,
                        "rules": [_descriptor(rules[rule_id]) for rule_id in ordered],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(report.root).as_uri() + "/"}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render(report: Report, rules: Mapping[str, Rule], color: bool = False) -> str:
    """Render the SARIF log as JSON."""
    return json.dumps(as_data(report, rules), indent=2, ensure_ascii=True) + "\n"
