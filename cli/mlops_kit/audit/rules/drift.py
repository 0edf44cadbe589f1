# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Template drift: the project records its template version; newer templates are reported."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlops_kit.audit.model import Finding
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule

PYPROJECT = "pyproject.toml"


def stamp(repo: RepoView) -> object:
    """The project's `[tool.mlops-kit] template-version`, if any."""
    table = repo.pyproject.get("tool", {}).get("mlops-kit")
    return table.get("template-version") if isinstance(table, dict) else None


def version_tuple(version: str) -> tuple[int, ...] | None:
    """`1.2.3` -> (1, 2, 3); None when it is not a dotted number."""
    match = re.fullmatch(r"v?(\d+(?:\.\d+)*)", version.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _line(repo: RepoView) -> int | None:
    text = repo.text(PYPROJECT) or ""
    match = re.search(r"^[ \t]*+template-version[ \t]*+=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


@rule("DRF101", family="drift", severity="warning", requires=("PKG101",), applies=("kit",))
def template_stamp_present(repo: RepoView) -> Iterator[Finding]:
    """The project records the template version it was baked from.

    Why: the stamp is how the kit tells which standard a project follows and what changed
    since; without it upgrades are guesswork.
    Fix:

        [tool.mlops-kit]
        template-version = "0.1.0"
    """
    value = stamp(repo)
    if value is None:
        yield Finding("no [tool.mlops-kit] template-version in pyproject.toml", PYPROJECT)
    elif not isinstance(value, str) or version_tuple(value) is None:
        yield Finding(f"template-version {value!r} is not a version number", PYPROJECT, _line(repo))


@rule("DRF102", family="drift", severity="info", requires=("DRF101",), applies=("kit",))
def template_is_current(repo: RepoView) -> Iterator[Finding]:
    """The project follows the kit's current template.

    Why: newer templates carry fixes to the standard (rules, pins, CI); knowing you are
    behind is the first step to taking them.
    Fix: run `mlops-kit update` (git's three-way merge of the new template with your
    changes; `mlops-kit update --diff` previews it, see docs/update.md).
    """
    from mlops_kit.errors import UsageError
    from mlops_kit.template import template_version

    try:
        current = template_version()
    except (UsageError, OSError, ValueError, KeyError):
        return
    ours, theirs = version_tuple(str(stamp(repo))), version_tuple(current)
    if ours is not None and theirs is not None and theirs > ours:
        yield Finding(
            f"baked from template {stamp(repo)}; the kit's template is {current}",
            PYPROJECT,
            _line(repo),
        )
