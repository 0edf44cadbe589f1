"""Text for people: findings grouped by family; rich colours on a terminal, plain otherwise."""

from __future__ import annotations

from collections.abc import Mapping

from mlops_kit.audit.formats import printable
from mlops_kit.audit.model import FAMILIES, Issue, Report
from mlops_kit.audit.rule import Rule

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_NOT_ASKED = "Asked of mlops-kit projects, here only with --select: "


def summary(report: Report) -> str:
    """One line: counts and whether the audit fails."""
    counts = report.counts()
    failing = len(report.failing())
    verdict = f"{failing} failing (--fail-on {report.fail_on})" if failing else "passed"
    extra = f", {report.baselined} in baseline" if report.baselined else ""
    return (
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
        f"{extra} from {report.rules_run} rules: {verdict}"
    )


def _groups(report: Report) -> dict[str, list[Issue]]:
    groups: dict[str, list[Issue]] = {}
    for issue in report.issues:
        groups.setdefault(issue.family, []).append(issue)
    return groups


def plain(report: Report) -> str:
    """Return the report without colour or markup."""
    lines = [f"mlops-kit audit {printable(report.root)}"]
    if report.profile is not None:
        lines.append(f"Detected: {printable(report.profile.summary())}")
    if report.not_asked:
        lines.append(_NOT_ASKED + ", ".join(report.not_asked))
    for family, issues in _groups(report).items():
        lines += ["", FAMILIES[family][1]]
        for issue in issues:
            where = printable(issue.location()) or "(project)"
            lines.append(f"  {issue.rule} {issue.severity:<7} {where}: {printable(issue.message)}")
    if report.ignored:
        lines += ["", "Ignored"]
        lines += [f"  {i.rule}: {printable(i.reason)}" for i in report.ignored]
    if report.skipped:
        lines += ["", "Skipped (a required rule reported findings)"]
        lines += [f"  {s.rule} (requires {', '.join(s.requires)})" for s in report.skipped]
    lines += ["", summary(report)]
    return "\n".join(lines) + "\n"


def coloured(report: Report, width: int | None = None) -> str:
    """Return the report with rich styling (escaped so repo text cannot inject markup)."""
    import io

    from rich.console import Console
    from rich.markup import escape

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=width, highlight=False)
    console.print(f"[bold]mlops-kit audit[/] {escape(printable(report.root))}")
    if report.profile is not None:
        console.print(f"[dim]Detected: {escape(printable(report.profile.summary()))}[/]")
    if report.not_asked:
        console.print(f"[dim]{escape(_NOT_ASKED + ', '.join(report.not_asked))}[/]")
    for family, issues in _groups(report).items():
        console.print()
        console.print(f"[bold underline]{FAMILIES[family][1]}[/]")
        for issue in issues:
            where = escape(printable(issue.location()) or "(project)")
            console.print(
                f"  [{STYLES[issue.severity]}]{issue.rule} {issue.severity:<7}[/] "
                f"[dim]{where}[/] {escape(printable(issue.message))}"
            )
    for title, entries in (
        ("Ignored", [f"{i.rule}: {escape(printable(i.reason))}" for i in report.ignored]),
        ("Skipped", [f"{s.rule} (requires {', '.join(s.requires)})" for s in report.skipped]),
    ):
        if entries:
            console.print()
            console.print(f"[bold]{title}[/]")
            for entry in entries:
                console.print(f"  [dim]{entry}[/]")
    console.print()
    style = "bold red" if report.failing() else "bold green"
    console.print(f"[{style}]{escape(summary(report))}[/]")
    return buffer.getvalue()


def render(report: Report, rules: Mapping[str, Rule], color: bool = False) -> str:
    """Rich text when `color`, else plain text."""
    return coloured(report) if color else plain(report)
