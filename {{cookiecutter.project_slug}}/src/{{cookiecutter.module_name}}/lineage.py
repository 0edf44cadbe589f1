"""Where a result came from: the git commit and the exact data files it was made from."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Mapping
from pathlib import Path


def file_md5(path: str | Path) -> str:
    """Return the md5 of a file's bytes, the same hash DVC records for it in dvc.lock."""
    digest = hashlib.md5(usedforsecurity=False)
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_version(files: Mapping[str, str | Path]) -> dict[str, str]:
    """Return one md5 per named file and `data_version`, a short hash over all of them."""
    hashes = {f"data.{name}_md5": file_md5(path) for name, path in sorted(files.items())}
    combined = hashlib.md5("".join(hashes.values()).encode(), usedforsecurity=False)
    return {"data_version": combined.hexdigest()[:12], **hashes}


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=False, timeout=10
        )
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def git_state() -> dict[str, str]:
    """Return the current commit and whether the working tree has uncommitted changes."""
    commit = _git("rev-parse", "HEAD")
    if commit is None:
        return {}
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"mlflow.source.git.commit": commit, "git_dirty": str(bool(status)).lower()}
