"""`[tool.mlops-kit.audit]` in the audited project's pyproject.toml, validated.

[tool.mlops-kit.audit]
select = ["LAY", "DVC103"]                 # ids, id prefixes or family names
fail-on = "warning"                        # error | warning | info | never
baseline = ".mlops-kit-baseline.json"      # relative to the project root
[tool.mlops-kit.audit.ignore]              # id, prefix or family -> reason (shown)
PKG107 = "we deploy from a container image with pinned versions"
[tool.mlops-kit.audit.severity]            # id -> error | warning | info
DOC101 = "info"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mlops_kit.audit.model import FAIL_ON_CHOICES, FAMILIES, SEVERITIES
from mlops_kit.audit.rule import Rule
from mlops_kit.errors import UsageError

WHERE = "pyproject.toml [tool.mlops-kit.audit]"
KEYS = ("select", "ignore", "severity", "fail-on", "baseline")


class AuditConfig:
    """The audit settings a project keeps in its pyproject.toml."""

    __slots__ = ("baseline", "fail_on", "ignore", "select", "severity")

    def __init__(self) -> None:
        self.select: list[str] | None = None
        self.ignore: dict[str, str] = {}
        self.severity: dict[str, str] = {}
        self.fail_on: str | None = None
        self.baseline: str | None = None


def resolve(tokens: Iterable[str], rules: Iterable[Rule], where: str) -> set[str]:
    """Expand ids, id prefixes (`DVC`, `DVC1`) and family names into rule ids."""
    rule_list = list(rules)
    chosen: set[str] = set()
    for raw in tokens:
        token = raw.strip()
        if not token:
            continue
        if token.lower() in FAMILIES:
            matched = {r.id for r in rule_list if r.family == token.lower()}
        else:
            matched = {r.id for r in rule_list if r.id.startswith(token.upper())}
        if not matched:
            raise UsageError(f"{where}: unknown rule id or family {token!r} (see --list-rules)")
        chosen |= matched
    return chosen


def _strings(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f'{WHERE}: `{key}` must be a list of rule ids, e.g. ["DVC", "LAY101"]')
    return list(value)


def _table(value: Any, key: str, example: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        raise UsageError(f"{WHERE}: `{key}` must be a table of rule id = {example}")
    return dict(value)


def load_config(pyproject: dict[str, Any], rules: Iterable[Rule]) -> AuditConfig:
    """Read and validate the audit table; raise UsageError (exit 2) when malformed."""
    rule_list = list(rules)
    tool = pyproject.get("tool")
    kit = tool.get("mlops-kit") if isinstance(tool, dict) else None
    table = kit.get("audit") if isinstance(kit, dict) else None
    if table is None:
        return AuditConfig()
    if not isinstance(table, dict):
        raise UsageError(f"{WHERE} must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise UsageError(f"{WHERE}: unknown key(s) {', '.join(unknown)}; known: {', '.join(KEYS)}")
    config = AuditConfig()
    if "select" in table:
        config.select = _strings(table["select"], "select")
        resolve(config.select, rule_list, WHERE)
    if "ignore" in table:
        config.ignore = _table(table["ignore"], "ignore", '"reason shown in the report"')
        resolve(config.ignore, rule_list, WHERE)
    if "severity" in table:
        config.severity = _table(table["severity"], "severity", '"error" | "warning" | "info"')
        known = {r.id for r in rule_list}
        for rule_id, level in config.severity.items():
            if rule_id not in known:
                raise UsageError(f"{WHERE}: severity for unknown rule id {rule_id!r}")
            if level not in SEVERITIES:
                choices = ", ".join(SEVERITIES)
                raise UsageError(
                    f"{WHERE}: severity {level!r} for {rule_id} is not one of {choices}"
                )
    if "fail-on" in table:
        if table["fail-on"] not in FAIL_ON_CHOICES:
            raise UsageError(f"{WHERE}: fail-on must be one of {', '.join(FAIL_ON_CHOICES)}")
        config.fail_on = table["fail-on"]
    if "baseline" in table:
        if not isinstance(table["baseline"], str) or not table["baseline"].strip():
            raise UsageError(f"{WHERE}: baseline must be a file path")
        config.baseline = table["baseline"]
    return config
