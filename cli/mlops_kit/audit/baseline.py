"""Baseline files: today's findings recorded so only new ones are reported.

A finding matches a baseline entry by fingerprint (rule, path and message; not the line,
so edits elsewhere in a file do not resurface it). Each entry absorbs one finding.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from mlops_kit.audit.model import Issue
from mlops_kit.errors import UsageError

BASELINE_VERSION = 1


def read_baseline(path: Path) -> Counter[str]:
    """Fingerprints recorded in a baseline file (with multiplicity)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"baseline file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"baseline file {path} cannot be read: {error}") from None
    except (ValueError, RecursionError):
        raise UsageError(f"baseline file {path} is not valid JSON") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or data.get("version") != BASELINE_VERSION:
        raise UsageError(
            f"baseline file {path} is not a version {BASELINE_VERSION} mlops-kit baseline"
        )
    prints = [e.get("fingerprint") for e in entries if isinstance(e, dict)]
    return Counter(p for p in prints if isinstance(p, str))


def apply_baseline(issues: list[Issue], known: Counter[str]) -> tuple[list[Issue], int]:
    """Drop issues recorded in the baseline; return (new issues, how many were dropped)."""
    remaining = Counter(known)
    fresh = []
    for issue in issues:
        if remaining[issue.fingerprint] > 0:
            remaining[issue.fingerprint] -= 1
        else:
            fresh.append(issue)
    return fresh, len(issues) - len(fresh)


def write_baseline(path: Path, issues: list[Issue]) -> None:
    """Write the issues as a baseline file, atomically."""
    entries = [
        {"rule": i.rule, "path": i.path, "message": i.message, "fingerprint": i.fingerprint}
        for i in issues
    ]
    text = json.dumps(
        {"version": BASELINE_VERSION, "tool": "mlops-kit audit", "findings": entries},
        indent=2,
        ensure_ascii=True,
    )
    write_atomically(path, text + "\n")


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step (no half-written file on failure)."""
    folder = path.parent if str(path.parent) else Path()
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
