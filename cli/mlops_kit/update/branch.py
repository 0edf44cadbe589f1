"""The branch that keeps pristine bakes, started by `mlops-kit new` at the first commit."""

from __future__ import annotations

from pathlib import Path

BRANCH = "mlops-kit/template"


def record_first_bake(project: Path) -> None:
    """Point the template branch at a fresh bake's first commit, which is the pristine bake.

    Does nothing when the bake has no git repository or no commit (git missing, or no
    identity); `mlops-kit update` records the base itself then.
    """
    from mlops_kit.errors import UsageError
    from mlops_kit.update.git import Git

    if not (project / ".git").is_dir():
        return
    git = Git(project)
    try:
        head = git.rev("HEAD")
        if head is not None:
            git.run("update-ref", f"refs/heads/{BRANCH}", head, "", check=False)
    except UsageError:
        return
