"""Rule documentation from the rules themselves: `--explain`, `--list-rules`, docs/rules.md."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from mlops_kit.audit.model import FAMILIES
from mlops_kit.audit.rule import Rule
from mlops_kit.errors import UsageError

DOC_HEADER = """\
# mlops-kit audit rules

<!-- Generated from the rules by `python -m mlops_kit.audit.explain > docs/rules.md`;
a test fails when this file and the rules disagree. Do not edit by hand. -->

Each rule has a stable id (family prefix + number), a default severity and a short
reason. Select or ignore rules by id, id prefix (`DVC`, `DVC1`) or family name; change
severities in `[tool.mlops-kit.audit]` (see [audit.md](audit.md)). `mlops-kit audit
--explain ID` prints one entry.
"""


def find(rules: dict[str, Rule], rule_id: str) -> Rule:
    """Return the rule with this id (case-insensitive); UsageError when there is none."""
    rule = rules.get(rule_id.strip().upper())
    if rule is None:
        raise UsageError(f"unknown rule id {rule_id!r} (see --list-rules)")
    return rule


def explain(rule: Rule) -> str:
    """Plain-text explanation of one rule."""
    lines = [
        f"{rule.id}: {rule.title}",
        f"family: {rule.family}   default severity: {rule.severity_text}",
    ]
    if rule.requires:
        lines.append(f"not run while {_requires(rule)} findings")
    why = textwrap.fill(rule.why, width=86)
    lines += ["", "Why:", *_indent(why), "", "Fix:", *_indent(rule.fix), "", rule.help_url]
    return "\n".join(lines) + "\n"


def _requires(rule: Rule) -> str:
    ids = rule.requires
    return f"{ids[0]} has" if len(ids) == 1 else f"{', '.join(ids[:-1])} or {ids[-1]} have"


def _indent(text: str) -> list[str]:
    return [f"  {line}" if line else "" for line in text.splitlines()]


def rule_table(rules: Iterable[Rule]) -> str:
    """One line per rule: id, severity, family, title."""
    return "".join(f"{r.id}  {r.severity:<7}  {r.family:<9}  {r.title}\n" for r in rules)


def _short(rule: Rule) -> str:
    """Return the severity column: `warning (kit: error)` for a rule stricter on kit projects."""
    if rule.kit_severity and rule.kit_severity != rule.severity:
        return f"{rule.severity} (kit: {rule.kit_severity})"
    return rule.severity


def markdown(rules: Iterable[Rule]) -> str:
    """docs/rules.md."""
    rule_list = list(rules)
    out = [DOC_HEADER, "| Id | Severity | Rule |", "| --- | --- | --- |"]
    out += [f"| [{r.id}](#{r.id.lower()}) | {_short(r)} | {r.title} |" for r in rule_list]
    for family, (_, heading) in FAMILIES.items():
        members = [r for r in rule_list if r.family == family]
        if not members:
            continue
        out += ["", f"## {heading}"]
        for rule in members:
            out += [
                "",
                f"### {rule.id}",
                "",
                f"**{rule.title}** — default severity: {rule.severity_text}",
            ]
            if rule.requires:
                out += ["", f"Not run while {_requires(rule)} findings."]
            out += ["", f"*Why:* {rule.why}", "", f"*Fix:* {rule.fix}"]
    return "\n".join(out) + "\n"


def main() -> None:
    """Print docs/rules.md."""
    from mlops_kit.audit.rules import rules_by_id

    print(markdown(rules_by_id().values()), end="")


if __name__ == "__main__":
    main()
