"""Markdown for a CI job summary or a pull-request comment."""

from __future__ import annotations

import re
from collections.abc import Mapping

from mlops_kit.audit.formats import printable
from mlops_kit.audit.formats.text import summary
from mlops_kit.audit.model import Report
from mlops_kit.audit.rule import Rule

ICONS = {"error": "🔴 error", "warning": "🟠 warning", "info": "🔵 info"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~&-])")


def escape(text: str) -> str:
    """Escape Markdown/HTML syntax and control characters in one table cell."""
    return _SPECIAL.sub(r"\\\1", printable(text))


def render(report: Report, rules: Mapping[str, Rule], color: bool = False) -> str:
    """Return a heading, a summary line and one table row per finding."""
    lines = ["## mlops-kit audit", "", f"**{escape(summary(report))}**", ""]
    if report.issues:
        lines += ["| Severity | Rule | Location | Finding |", "| --- | --- | --- | --- |"]
        for issue in report.issues:
            rule = f"[{issue.rule}]({issue.help_url}) {escape(issue.title)}"
            # A `|` ends a table cell even inside a code span unless escaped (GFM).
            location = printable(issue.location()).replace("`", "'").replace("|", "\\|")
            where = f"`{location}`" if issue.path else ""
            lines.append(
                f"| {ICONS[issue.severity]} | {rule} | {where} | {escape(issue.message)} |"
            )
        lines.append("")
    if report.ignored:
        lines += ["**Ignored**", ""]
        lines += [f"- {i.rule}: {escape(i.reason)}" for i in report.ignored]
        lines.append("")
    if report.not_asked:
        lines += ["**Not asked** (asked of mlops-kit projects; here only with `--select`)", ""]
        lines += [f"- {rule_id}" for rule_id in report.not_asked]
        lines.append("")
    if report.skipped:
        lines += ["**Skipped** (a required rule reported findings)", ""]
        lines += [f"- {s.rule} (requires {', '.join(s.requires)})" for s in report.skipped]
        lines.append("")
    return "\n".join(lines)
