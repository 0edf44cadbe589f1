"""A rule: metadata written once (decorator + docstring) next to its check.

The docstring's first line is the title; a `Why:` paragraph says why it matters and a
`Fix:` paragraph (code snippets indented) says how to fix it. `--explain`, docs/rules.md,
SARIF rule metadata and every report read them from here.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from mlops_kit.audit.model import FAMILIES, RULES_DOC_URL, SEVERITIES, Finding

if TYPE_CHECKING:
    from mlops_kit.audit.repo import RepoView

Check = Callable[["RepoView"], Iterable[Finding]]

_ID = re.compile(r"^([A-Z]{3})(\d{3})$")


class Rule(NamedTuple):
    """A rule's metadata and its check (title, why and fix come from its docstring)."""

    id: str
    family: str
    severity: str
    requires: tuple[str, ...]
    check: Check
    applies: tuple[str, ...] = ()
    kit_severity: str | None = None
    asked_outside_kit: bool = True

    def severity_for(self, kit: bool) -> str:
        """Return the default severity on a repository (`kit`: mlops-kit baked or adopted it)."""
        return self.kit_severity if kit and self.kit_severity else self.severity

    @property
    def severity_text(self) -> str:
        """The default severity as the docs state it: `warning (error on mlops-kit projects)`."""
        if not self.asked_outside_kit:
            return f"{self.severity} on mlops-kit projects; elsewhere only when asked for"
        if self.kit_severity and self.kit_severity != self.severity:
            return f"{self.severity} ({self.kit_severity} on mlops-kit projects)"
        return self.severity

    @property
    def title(self) -> str:
        """One line: the standard this rule checks."""
        return _documentation(self.check)[0]

    @property
    def why(self) -> str:
        """Why it matters (one paragraph)."""
        return _documentation(self.check)[1]

    @property
    def fix(self) -> str:
        """How to fix a finding (code snippets indented)."""
        return _documentation(self.check)[2]

    @property
    def help_url(self) -> str:
        """Link to this rule's section of docs/rules.md."""
        return f"{RULES_DOC_URL}#{self.id.lower()}"


@cache
def _documentation(check: Check) -> tuple[str, str, str]:
    # Parsed on first use: a clean run of the audit needs no rule's text at all.
    return parse_docstring(check.__doc__ or "")


def parse_docstring(doc: str) -> tuple[str, str, str]:
    """Split a rule docstring into (title, why, fix)."""
    text = inspect.cleandoc(doc)
    title, _, rest = text.partition("\n")
    why_part, fix_marker, fix_part = rest.partition("\nFix:")
    why = why_part.strip()
    if why.startswith("Why:"):
        why = why[len("Why:") :].strip()
    fix = fix_part.strip("\n").lstrip(" ") if fix_marker else ""
    return title.strip(), " ".join(why.split()), fix.rstrip()


def rule(
    rule_id: str,
    *,
    family: str,
    severity: str,
    requires: tuple[str, ...] = (),
    applies: tuple[str, ...] = (),
    kit_severity: str | None = None,
    asked_outside_kit: bool = True,
) -> Callable[[Check], Rule]:
    """Turn a check function with a `Why:`/`Fix:` docstring into a `Rule`.

    `applies` names the facets of the repository profile (see `profile.FACETS`) that must
    all hold for the rule to run: `("dvc",)` runs only where DVC is used, `("kit",)` only on
    projects mlops-kit baked or adopted. Elsewhere the engine skips the rule silently.
    `kit_severity` is the default severity on projects that adopted the standard (the kit
    baked or adopted them) when it differs there: a practice the standard asks of its own
    projects fails their CI, while on any other repository it is a warning.
    `asked_outside_kit=False` marks a pillar whose need turns on facts a repository does
    not hold (whether its data is published elsewhere, whether its runs are compared at
    all): it runs on projects that adopted the standard, and elsewhere only when the team
    asks for it, by selecting it (`select`, `--select`) or giving it a severity.
    """
    from mlops_kit.audit.profile import FACETS

    unknown = [facet for facet in applies if facet not in FACETS]
    if unknown:
        raise ValueError(f"{rule_id}: unknown facet(s) {', '.join(unknown)}")
    match = _ID.match(rule_id)
    if family not in FAMILIES:
        raise ValueError(f"{rule_id}: unknown family {family!r}")
    if match is None or match.group(1) != FAMILIES[family][0]:
        raise ValueError(f"{rule_id}: id must be {FAMILIES[family][0]} + three digits")
    for value in (severity, kit_severity or severity):
        if value not in SEVERITIES:
            raise ValueError(f"{rule_id}: unknown severity {value!r}")

    def wrap(check: Check) -> Rule:
        return Rule(
            rule_id,
            family,
            severity,
            tuple(requires),
            check,
            tuple(applies),
            kit_severity,
            asked_outside_kit,
        )

    return wrap
