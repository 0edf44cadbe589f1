"""GitHub Actions workflow commands: one `::error file=..,line=..::` annotation per finding.

Data is escaped as the runner expects (`%`, CR, LF) and properties additionally escape
`:` and `,`, so no path or message can end the command early or start another one.
"""

from __future__ import annotations

from collections.abc import Mapping

from mlops_kit.audit.formats import printable
from mlops_kit.audit.model import Report
from mlops_kit.audit.rule import Rule

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message (other control characters made visible)."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a workflow command property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, rules: Mapping[str, Rule], color: bool = False) -> str:
    """One annotation per finding, then a plain summary line."""
    lines = []
    for issue in report.issues:
        props = []
        if issue.path not in (None, "."):  # a repository-wide finding: no file to annotate
            props.append(f"file={escape_property(issue.path)}")
            if issue.line is not None:
                props.append(f"line={issue.line}")
        props.append(f"title={escape_property(f'{issue.rule} {issue.title}')}")
        message = f"{issue.message} ({issue.help_url})"
        lines.append(f"::{LEVELS[issue.severity]} {','.join(props)}::{escape_data(message)}")
    counts = report.counts()
    lines.append(
        escape_data(
            f"mlops-kit audit: {counts['error']} error(s), {counts['warning']} warning(s), "
            f"{counts['info']} info; {len(report.failing())} failing (--fail-on {report.fail_on})"
        )
    )
    return "\n".join(lines) + "\n"
