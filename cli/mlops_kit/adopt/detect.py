"""What an existing repository already has, and the template answers that describe it.

Reads the audit's repository profile (packages, CI providers) and pyproject.toml through
the audit's bounded parser. Nothing in the repository runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.project import module_from_poetry

PYTHON_VERSIONS = ("3.11", "3.12", "3.13")


@dataclass
class Detected:
    """The repository as adopt finds it."""

    root: Path
    pyproject: dict[str, Any] | None
    pyproject_text: str | None
    answers: dict[str, str] = field(default_factory=dict)
    stamped: bool = False
    ci: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)

    def has(self, relative: str) -> bool:
        """Return True when something (file, folder or link) is at `relative`."""
        path = self.root / relative
        return path.exists() or path.is_symlink()


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if slug and slug[0].isdigit():
        slug = f"p_{slug}"
    return slug or "ml_project"


def _src_package(packages: list[str]) -> str | None:
    found = sorted(path.split("/", 1)[1] for path in packages if path.startswith("src/"))
    return found[0] if len(found) == 1 else None


def _python_version(project: dict[str, Any]) -> str:
    requires = project.get("requires-python")
    if isinstance(requires, str):
        match = re.search(r">=\s*(3\.\d+)", requires)
        if match and match.group(1) in PYTHON_VERSIONS:
            return match.group(1)
    return PYTHON_VERSIONS[0]


def _author(project: dict[str, Any]) -> dict[str, str]:
    authors = project.get("authors")
    first = authors[0] if isinstance(authors, list) and authors else None
    found: dict[str, str] = {}
    if isinstance(first, dict):
        if isinstance(first.get("name"), str) and first["name"].strip():
            found["author_name"] = first["name"]
        if isinstance(first.get("email"), str) and first["email"].strip():
            found["author_email"] = first["email"]
    return found


def _ci(providers: list[str]) -> str:
    return "gitlab" if "gitlab" in providers and "github" not in providers else "github"


def _recorded(pyproject: dict[str, Any]) -> tuple[bool, dict[str, str]]:
    table = pyproject.get("tool", {}).get("mlops-kit")
    if not isinstance(table, dict):
        return False, {}
    answers = table.get("answers")
    recorded = (
        {str(k): str(v) for k, v in answers.items() if isinstance(v, str)}
        if isinstance(answers, dict)
        else {}
    )
    return isinstance(table.get("template-version"), str), recorded


def detect(root: Path) -> Detected:
    """Describe the repository at `root` and derive the template answers for it."""
    from mlops_kit.audit.profile import profile_of
    from mlops_kit.audit.repo import RepoView

    view = RepoView(root)
    profile = profile_of(view)
    has_pyproject = view.is_file("pyproject.toml")
    text = view.text_or_none("pyproject.toml", quiet=True) if has_pyproject else None
    pyproject: dict[str, Any] | None = None
    if text is not None:
        parsed = view.toml("pyproject.toml")
        if parsed is None or not parsed.ok or not isinstance(parsed.data, dict):
            reason = parsed.error if parsed is not None else "cannot be read"
            raise UsageError(f"pyproject.toml: {reason}; fix it, then run mlops-kit adopt again")
        pyproject = parsed.data
        for key in ("project", "tool"):
            if key in pyproject and not isinstance(pyproject[key], dict):
                raise UsageError(
                    f"pyproject.toml: `{key}` is not a table ([{key}]); fix it, then run "
                    "mlops-kit adopt again"
                )
    elif view.exists("pyproject.toml"):
        raise UsageError("pyproject.toml is not a readable text file; fix it first")
    found = Detected(root=root, pyproject=pyproject, pyproject_text=text, ci=list(profile.ci))
    # pip's requirements files at the root (requirements.txt, requirements-dev.txt...).
    found.requirements = [p for p in profile.requirements if "/" not in p and p.endswith(".txt")]
    data = pyproject or {}
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    assert isinstance(project, dict)
    stamped, recorded = _recorded(data)
    found.stamped = stamped
    name = project.get("name") if isinstance(project.get("name"), str) else root.name
    slug = _slug(str(name))
    module = module_from_poetry(data) or _src_package(list(profile.packages)) or slug
    answers: dict[str, str] = {
        "project_name": str(name),
        "project_slug": slug,
        "module_name": module,
        "python_version": _python_version(project),
        "ci": _ci(list(profile.ci)),
        "tracking": "local",
        "example": "minimal",
        **_author(project),
    }
    description = project.get("description")
    if isinstance(description, str) and description.strip():
        answers["description"] = description.strip()
    found.answers = {**answers, **recorded}
    return found
