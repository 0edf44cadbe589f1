"""Rule metadata is complete and unique, and docs/rules.md is generated from it."""

from __future__ import annotations

import re

import pytest
from helpers import REPO_ROOT
from mlops_kit.audit.explain import explain, markdown
from mlops_kit.audit.model import FAMILIES, SEVERITIES
from mlops_kit.audit.rule import rule
from mlops_kit.audit.rules import all_rules, rules_by_id


def test_at_least_forty_rules_across_every_family() -> None:
    rules = all_rules()
    assert len(rules) >= 40
    assert {r.family for r in rules} == set(FAMILIES)


def test_ids_are_unique_and_carry_their_family_prefix() -> None:
    ids = [r.id for r in all_rules()]
    assert len(ids) == len(set(ids))
    for r in all_rules():
        assert re.fullmatch(rf"{FAMILIES[r.family][0]}\d{{3}}", r.id)


@pytest.mark.parametrize("rule_id", sorted(rules_by_id()))
def test_rule_has_title_why_fix_and_known_requirements(rule_id: str) -> None:
    r = rules_by_id()[rule_id]
    assert r.title and r.title == r.title.strip() and r.title.endswith(".")
    assert len(r.why) > 40 and len(r.fix) > 10
    assert r.severity in SEVERITIES
    assert set(r.requires) <= set(rules_by_id()) - {rule_id}
    text = explain(r)
    assert r.title in text and r.fix.splitlines()[0] in text


def test_decorator_rejects_bad_ids_and_families() -> None:
    with pytest.raises(ValueError, match="three digits"):
        rule("DVC1", family="pipeline", severity="error")
    with pytest.raises(ValueError, match="three digits"):
        rule("LAY101", family="pipeline", severity="error")
    with pytest.raises(ValueError, match="family"):
        rule("XYZ101", family="nope", severity="error")
    with pytest.raises(ValueError, match="severity"):
        rule("DVC199", family="pipeline", severity="fatal")


def test_docs_rules_md_is_in_sync() -> None:
    expected = markdown(rules_by_id().values())
    actual = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "regenerate: python -m mlops_kit.audit.explain > docs/rules.md"
