"""Helpers for the add-stage / remove-stage tests: tree snapshots and the CLI runner type."""

from __future__ import annotations

from pathlib import Path

Snapshot = dict[str, tuple[str, bytes | None, int]]


def snapshot(root: Path) -> Snapshot:
    """Return every file and folder under `root` with its content and mtime."""
    state: Snapshot = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        info = path.lstat()
        if path.is_symlink():
            state[relative] = ("link", str(path.readlink()).encode(), info.st_mtime_ns)
        elif path.is_dir():
            state[relative] = ("dir", None, 0)
        elif not path.is_file():
            state[relative] = ("special", None, info.st_mtime_ns)  # a FIFO: never opened
        else:
            state[relative] = ("file", path.read_bytes(), info.st_mtime_ns)
    return state


def assert_unchanged(root: Path, before: Snapshot) -> None:
    """Fail unless no file or folder was added, removed, rewritten or touched."""
    after = snapshot(root)
    assert sorted(after) == sorted(before)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == []
