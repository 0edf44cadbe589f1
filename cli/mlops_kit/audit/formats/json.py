"""JSON: a documented, versioned shape for scripts (see docs/audit.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mlops_kit import __version__
from mlops_kit.audit.model import Report
from mlops_kit.audit.rule import Rule

SCHEMA_VERSION = 1


def as_data(report: Report) -> dict[str, Any]:
    """Return the report as plain data (schema_version 1)."""
    counts = report.counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "mlops-kit", "version": __version__},
        "root": report.root,
        "profile": report.profile.as_dict() if report.profile is not None else None,
        "summary": {
            **counts,
            "total": len(report.issues),
            "failing": len(report.failing()),
            "fail_on": report.fail_on,
            "exit_code": report.exit_code(),
            "rules_run": report.rules_run,
            "baselined": report.baselined,
        },
        "findings": [
            {
                "rule": i.rule,
                "family": i.family,
                "severity": i.severity,
                "title": i.title,
                "message": i.message,
                "path": i.path,
                "line": i.line,
                "help_url": i.help_url,
                "fingerprint": i.fingerprint,
            }
            for i in report.issues
        ],
        "ignored": [{"rule": i.rule, "reason": i.reason} for i in report.ignored],
        "skipped": [{"rule": s.rule, "requires": list(s.requires)} for s in report.skipped],
        "not_applicable": report.not_applicable,
        "not_asked": report.not_asked,
    }


def render(report: Report, rules: Mapping[str, Rule], color: bool = False) -> str:
    """Render the report as JSON (ASCII-only, so any byte in a path stays escaped)."""
    return json.dumps(as_data(report), indent=2, ensure_ascii=True) + "\n"
