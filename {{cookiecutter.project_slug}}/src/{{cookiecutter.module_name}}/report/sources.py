"""Reading what the pipeline wrote, never failing: a value, or a `Missing` saying what to do.

Every reader is bounded (file size, git's answer time) and turns a missing, unreadable or
malformed file into a `Missing` the page shows as a plain sentence.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 20 * 1024 * 1024  # larger metrics, plots or YAML files are not embedded
GIT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Missing:
    """Something the report cannot show, why, and the command that would produce it."""

    text: str
    fix: str = ""
    exists: bool = False  # the file is there but could not be read

    def sentence(self) -> str:
        """Return the text and, when there is one, what to run."""
        return f"{self.text}: {self.fix}" if self.fix else self.text


def read_text(path: Path, fix: str = "run `dvc repro` first") -> str | Missing:
    """Return a UTF-8 text file's content, or why it cannot be read."""
    try:
        if not path.is_file():
            return Missing(f"{path.name} is not there yet ({path})", fix)
        if path.stat().st_size > MAX_BYTES:
            return Missing(f"{path} is larger than {MAX_BYTES // 2**20} MB", exists=True)
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Missing(f"{path} is not UTF-8 text", exists=True)
    except OSError as error:
        return Missing(f"{path} cannot be read ({error.strerror})", exists=True)


def parse_json(text: str, label: str) -> Any:
    """Return parsed JSON, or a Missing naming the file."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return Missing(f"{label} is not valid JSON", exists=True)


def read_json(path: Path, fix: str = "run `dvc repro` first") -> Any:
    """Return a JSON file's data, or a Missing."""
    text = read_text(path, fix)
    return text if isinstance(text, Missing) else parse_json(text, str(path))


def read_yaml(path: Path, fix: str = "run `dvc repro` first") -> Any:
    """Return a YAML file's data (safe loader), or a Missing."""
    import yaml

    text = read_text(path, fix)
    if isinstance(text, Missing):
        return text
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return Missing(f"{path} is not valid YAML", exists=True)


def git(root: Path, *args: str) -> str | None:
    """Return git's output in `root`, or None (no git, not a repo, unknown revision)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def read_at(root: Path, revision: str, path: str) -> Any:
    """Return the JSON data of `path` as committed at `revision`, or None."""
    text = git(root, "show", f"{revision}:{path}")
    if text is None or len(text) > MAX_BYTES:
        return None
    data = parse_json(text, path)
    return None if isinstance(data, Missing) else data


def pick_baseline(root: Path, against: str | None, paths: list[str]) -> tuple[str, str] | None:
    """Return (revision, short commit) to compare the workspace with, or None.

    An explicit `against` (a branch, tag or commit) wins. Otherwise HEAD, unless the
    results at HEAD are the workspace's own (already committed): then the commit before.
    """
    candidates = [against] if against else ["HEAD", "HEAD~1"]
    for revision in candidates:
        commit = git(root, "rev-parse", "--short", "--verify", "--quiet", revision + "^{commit}")
        if commit is None:
            continue
        if against or revision != "HEAD" or any(_changed(root, revision, p) for p in paths):
            return revision, commit.strip()
    return None


def _changed(root: Path, revision: str, path: str) -> bool:
    current = read_text(root / path)
    before = git(root, "show", f"{revision}:{path}")
    return isinstance(current, str) and current != before
