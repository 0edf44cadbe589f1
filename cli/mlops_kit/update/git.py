"""Run git for the update: one place for its environment, hooks off, errors as one line."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlops_kit.errors import UsageError

TIMEOUT = 300
# Commits on the template branch are the kit's, whoever runs it, so they never depend on
# the user's git identity.
KIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "mlops-kit",
    "GIT_AUTHOR_EMAIL": "mlops-kit@localhost",
    "GIT_COMMITTER_NAME": "mlops-kit",
    "GIT_COMMITTER_EMAIL": "mlops-kit@localhost",
}


@dataclass
class Git:
    """git in one work tree, with extra environment (object store, index) when set."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    def run(
        self,
        *args: str,
        check: bool = True,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run `git ARGS`; hooks are off so that no repository code runs."""
        if shutil.which("git") is None:
            raise UsageError("git is not installed; mlops-kit update merges with git", 2)
        merged = {**os.environ, **self.env, **(env or {})}
        merged.setdefault("GIT_TERMINAL_PROMPT", "0")
        command = ["git", "-c", "core.hooksPath=/dev/null", *args]
        try:
            result = subprocess.run(
                command,
                cwd=cwd or self.root,
                env=merged,
                capture_output=True,
                text=True,
                input=stdin,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise UsageError(f"git {args[0]} did not finish in {TIMEOUT} s", 1) from None
        if check and result.returncode != 0:
            detail = " ".join((result.stderr or result.stdout).split())[:300]
            raise UsageError(f"git {args[0]} failed: {detail}", 1)
        return result

    def out(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Return the stripped standard output of a git command that must succeed."""
        return self.run(*args, env=env).stdout.strip()

    def rev(self, name: str) -> str | None:
        """Return the commit `name` points at, or None."""
        result = self.run("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False)
        return result.stdout.strip() or None if result.returncode == 0 else None

    def tree_of(self, commit: str) -> str:
        """Return the tree of a commit."""
        return self.out("rev-parse", f"{commit}^{{tree}}")

    def commit_tree(
        self, tree: str, parents: Sequence[str], message: str, kit: bool = False
    ) -> str:
        """Create a commit object (no ref moves) and return its id."""
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.out(*args, "-m", message, env=KIT_IDENTITY if kit else None)

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Return True when `older` is reachable from `newer`."""
        return self.run("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0

    def related(self, one: str, other: str) -> bool:
        """Return True when the two commits share history."""
        return self.run("merge-base", one, other, check=False).returncode == 0


def find_repo(start: Path) -> Git:
    """Return git at the top of the work tree holding `start`, or refuse."""
    start = start.resolve()
    if not start.is_dir():
        raise UsageError(f"{start} is not a folder; pass the project with --repo")
    result = Git(start).run("rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0 or not result.stdout.strip():
        raise UsageError(
            f"{start} is not inside a git repository; mlops-kit update merges with git: "
            "run `git init`, commit the project, then run it again"
        )
    return Git(Path(result.stdout.strip()))
