"""Baseline files: today's findings recorded so only new ones are reported.

A finding matches a baseline entry by fingerprint (rule, path and message; not the line,
so edits elsewhere in a file do not resurface it). Each entry absorbs one finding. An
entry left over then absorbs a finding of its rule and path whose message extends its
own or that its own extends (a newer version of the audit that adds "(also in ...)" to
a message, or drops such a tail): rewording that keeps the start keeps the baseline.

A baseline named by the audited project's own config is untrusted: it is read only from
inside the project (no absolute path, no `..`, no symlink out), only when it is a regular
file (a FIFO or device is refused, never opened for a blocking read) of at most
BASELINE_LIMIT bytes. One named on the command line is the user's: any regular file.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mlops_kit.audit.config import WHERE
from mlops_kit.audit.formats import printable
from mlops_kit.audit.model import Issue
from mlops_kit.audit.repo import normalise, read_regular_file
from mlops_kit.errors import UsageError

if TYPE_CHECKING:
    from mlops_kit.audit.repo import RepoView

BASELINE_VERSION = 1
BASELINE_LIMIT = 32 * 1024 * 1024  # bytes; ~100,000 findings


@dataclass
class Baseline:
    """A baseline's fingerprints (with multiplicity) and the entry each one came from."""

    prints: Counter[str] = field(default_factory=Counter)
    entries: dict[str, tuple[str, str | None, str]] = field(default_factory=dict)


def read_baseline(path: Path) -> Baseline:
    """Fingerprints recorded in a baseline file named on the command line."""
    name = f"baseline file {printable(str(path))}"
    data, problem = read_regular_file(os.path.realpath(path), BASELINE_LIMIT)
    if data is None:
        raise UsageError(f"{name} {problem}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text") from None
    return parse_baseline(text, name)


def read_project_baseline(repo: RepoView, configured: str) -> Baseline:
    """Fingerprints in the baseline the project's config names, read inside the project only."""
    name = f"{WHERE}: baseline {printable(configured)!r}"
    clean = normalise(configured)
    if not clean:
        raise UsageError(f"{name} is not inside the project; give a path relative to its root")
    text = repo.text_or_none(clean, limit=BASELINE_LIMIT)
    if text is None:
        problem = repo.problem(clean) or "does not exist"
        raise UsageError(f"{name} {problem}")
    return parse_baseline(text, name)


def parse_baseline(text: str, name: str) -> Baseline:
    """Return the entries of a baseline's text; `name` says which in errors."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise UsageError(f"{name} is not valid JSON") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or data.get("version") != BASELINE_VERSION:
        raise UsageError(f"{name} is not a version {BASELINE_VERSION} mlops-kit baseline")
    found = Baseline()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            continue
        print_ = entry["fingerprint"]
        found.prints[print_] += 1
        rule, path, message = entry.get("rule"), entry.get("path"), entry.get("message")
        if isinstance(rule, str) and isinstance(message, str) and isinstance(path, str | None):
            found.entries[print_] = (rule, path, message)
    return found


def apply_baseline(issues: list[Issue], known: Baseline) -> tuple[list[Issue], int]:
    """Drop issues recorded in the baseline; return (new issues, how many were dropped)."""
    remaining = Counter(known.prints)
    unmatched = []
    for issue in issues:
        if remaining[issue.fingerprint] > 0:
            remaining[issue.fingerprint] -= 1
        else:
            unmatched.append(issue)
    fresh = []
    for issue in unmatched:
        reworded = next(
            (
                print_
                for print_, count in remaining.items()
                if count > 0 and _reworded(known.entries.get(print_), issue)
            ),
            None,
        )
        if reworded is None:
            fresh.append(issue)
        else:
            remaining[reworded] -= 1
    return fresh, len(issues) - len(fresh)


def _reworded(entry: tuple[str, str | None, str] | None, issue: Issue) -> bool:
    """Return True when `entry` is `issue` with a message one of them extends."""
    if entry is None or entry[0] != issue.rule or entry[1] != issue.path:
        return False
    old, new = entry[2].strip(), issue.message.strip()
    return bool(old) and bool(new) and (new.startswith(old) or old.startswith(new))


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


def _mode_for(path: Path) -> int:
    """Permissions for a new version of `path`: those of the file it replaces, else the umask's.

    Reports and baselines hold redacted findings only, so nothing forces them private.
    """
    try:
        info = path.stat()
    except (OSError, ValueError):
        info = None
    if info is not None and stat.S_ISREG(info.st_mode):
        return stat.S_IMODE(info.st_mode)
    umask = os.umask(0o022)  # read it (there is no getter) and put it back at once
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step (no half-written file on failure).

    A device or a pipe (`--output /dev/null`, `--output /dev/stdout`, a FIFO) is written
    to, never replaced: renaming a file over it would swap the device for a plain file.
    A symbolic link is followed, as the shell's `>` does: its target gets the text and
    the link stays (`report.sarif -> ../shared/report.sarif`).
    """
    import tempfile

    name = printable(str(path))
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        info = path.stat()
    except OSError:
        info = None
    if info is not None and not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        try:
            with path.open("w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        except OSError as error:
            raise UsageError(f"cannot write {name}: {error.strerror}") from None
        return
    folder = path.parent if str(path.parent) else Path()
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as error:
        raise UsageError(f"cannot write {name}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            if hasattr(os, "fchmod"):  # mkstemp makes the file 0600
                os.fchmod(stream.fileno(), _mode_for(path))
            stream.write(text)
        Path(temporary).replace(path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"cannot write {name}: {error.strerror}") from None
