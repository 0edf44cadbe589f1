"""Show a planned change set: a diff for --dry-run, a short summary after writing."""

from __future__ import annotations

from collections.abc import Sequence

from mlops_kit.edits import FileChange, relative_label, unified_diff
from mlops_kit.stages.plan import Plan

VERBS = {"create": "created", "update": "updated", "delete": "deleted"}


def dry_run_text(plan: Plan) -> str:
    """Return the unified diff of the plan, with a closing line saying nothing was written."""
    diff = unified_diff(plan.changes, plan.project.root)
    return f"{diff}\n(dry run: {len(plan.changes)} files would change; nothing was written)"


def summary_lines(changes: Sequence[FileChange], plan: Plan) -> list[str]:
    """Return one line per changed file, then the plan's notes."""
    root = plan.project.root
    lines = [f"  {VERBS[change.kind]} {relative_label(change.path, root)}" for change in changes]
    return lines + plan.notes
