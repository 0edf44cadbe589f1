"""The rule registry: an explicit tuple of rule modules, one per family.

Rules run in this order. Layout runs last because its readability rule reports the read
problems that no other rule claimed.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from mlops_kit.audit.model import FAMILY_ORDER
from mlops_kit.audit.rule import Rule
from mlops_kit.audit.rules import (
    config,
    data,
    docs,
    drift,
    layout,
    packaging,
    pipeline,
    quality,
    secrets,
    serving,
    tracking,
)

RULE_MODULES: tuple[ModuleType, ...] = (
    packaging, config, pipeline, tracking, serving, quality, data, secrets, docs, drift,
    layout,
)  # fmt: skip


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, in run order."""
    return tuple(
        value
        for module in RULE_MODULES
        for value in vars(module).values()
        if isinstance(value, Rule)
    )


def rules_by_id() -> dict[str, Rule]:
    """Every rule by id, in report order (family, then id)."""
    ordered = sorted(all_rules(), key=lambda r: (FAMILY_ORDER[r.family], r.id))
    return {r.id: r for r in ordered}
