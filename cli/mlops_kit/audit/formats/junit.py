"""JUnit XML: one test case per rule, failed when it has findings at or above --fail-on."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

from mlops_kit.audit.formats import printable
from mlops_kit.audit.model import SEVERITY_RANK, Issue, Report
from mlops_kit.audit.rule import Rule


def _lines(issues: list[Issue]) -> str:
    return "\n".join(
        f"{i.severity} {printable(i.location()) or '(project)'}: {printable(i.message)}"
        for i in issues
    )


def render(report: Report, rules: Mapping[str, Rule], color: bool = False) -> str:
    """Return a `<testsuites>` document; ignored, skipped and not asked rules are skipped."""
    by_rule: dict[str, list[Issue]] = {}
    for issue in report.issues:
        by_rule.setdefault(issue.rule, []).append(issue)
    threshold = 99 if report.fail_on == "never" else SEVERITY_RANK[report.fail_on]
    skipped = {s.rule: f"requires {', '.join(s.requires)}" for s in report.skipped}
    skipped.update({i.rule: f"ignored: {printable(i.reason)}" for i in report.ignored})
    asked_elsewhere = "asked of mlops-kit projects; here only when selected"
    skipped.update({rule_id: asked_elsewhere for rule_id in report.not_asked})
    suites = ET.Element("testsuites", name="mlops-kit audit")
    suite = ET.SubElement(suites, "testsuite", name="mlops-kit audit")
    ran = set(report.ran)
    failures = 0
    cases = 0
    for rule_id, rule in rules.items():
        if rule_id not in ran and rule_id not in skipped:
            continue
        cases += 1
        case = ET.SubElement(
            suite, "testcase", classname=f"mlops-kit.{rule.family}", name=f"{rule_id} {rule.title}"
        )
        issues = by_rule.get(rule_id, [])
        failing = [i for i in issues if SEVERITY_RANK[i.severity] >= threshold]
        if rule_id in skipped:
            ET.SubElement(case, "skipped", message=skipped[rule_id])
        elif failing:
            failures += 1
            failure = ET.SubElement(
                case, "failure", message=f"{len(failing)} finding(s)", type=failing[0].severity
            )
            failure.text = _lines(failing)
        passing = [i for i in issues if i not in failing]
        if passing:
            ET.SubElement(case, "system-out").text = _lines(passing)
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(len(skipped)))
    suites.set("tests", str(cases))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
