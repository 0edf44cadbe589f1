"""A baseline keeps matching when a newer audit extends or shortens a finding's message."""

from __future__ import annotations

import json

from mlops_kit.audit.baseline import apply_baseline, parse_baseline
from mlops_kit.audit.model import Issue

PASSWORD = "password in a connection URI: postgresql://app:…(redacted)@db.internal.corp"


def issue(message: str, path: str = "dags/bias.py", rule: str = "SEC102") -> Issue:
    return Issue(rule, "secrets", "error", "title", message, path, 5, "url")


def baseline_of(*issues: Issue) -> str:
    entries = [
        {"rule": i.rule, "path": i.path, "message": i.message, "fingerprint": i.fingerprint}
        for i in issues
    ]
    return json.dumps({"version": 1, "tool": "mlops-kit audit", "findings": entries})


def test_a_message_extended_by_a_newer_audit_stays_in_the_baseline() -> None:
    known = parse_baseline(baseline_of(issue(PASSWORD)), "b.json")
    extended = issue(f"{PASSWORD} (also in dags/drift.py)")
    assert apply_baseline([extended], known) == ([], 1)
    # and the other way round: a tail dropped
    known = parse_baseline(baseline_of(extended), "b.json")
    assert apply_baseline([issue(PASSWORD)], known) == ([], 1)


def test_another_finding_of_the_rule_and_file_is_new() -> None:
    known = parse_baseline(baseline_of(issue(PASSWORD)), "b.json")
    other = issue("password in a connection URI: mysql://root:…(redacted)@db.internal.corp")
    elsewhere = issue(f"{PASSWORD} (also in dags/drift.py)", path="dags/other.py")
    other_rule = issue(f"{PASSWORD} (also in dags/drift.py)", rule="SEC103")
    for new in (other, elsewhere, other_rule):
        assert apply_baseline([new], known) == ([new], 0)


def test_exact_matches_come_first_and_each_entry_absorbs_one_finding() -> None:
    exact = issue(PASSWORD)
    extended = issue(f"{PASSWORD} (also in dags/drift.py)")
    known = parse_baseline(baseline_of(exact), "b.json")
    # the one entry absorbs the exact finding; the extended one is new
    assert apply_baseline([extended, exact], known) == ([extended], 1)
    known = parse_baseline(baseline_of(exact, exact), "b.json")
    assert apply_baseline([extended, exact], known) == ([], 2)
