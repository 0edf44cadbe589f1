"""An all-or-nothing change set over several files of one repository.

Every new content is prepared before anything is written. `apply_changes` then takes a lock
file in the repository (a second run fails at once with "busy"), checks that no file moved
since it was read, and writes each file through a temporary file and `os.replace`. If any
step fails, every file already written is put back byte for byte (content, mode, mtime) and
every file or folder it created is removed. `unified_diff` shows the same change set for
`--dry-run`.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlops_kit.errors import UsageError

LOCK_NAME = ".mlops-kit.lock"
WRITE_FAILED = 1
BUSY = 1


@dataclass(frozen=True)
class FileChange:
    """One file's planned change: `before` None creates it, `after` None deletes it.

    `prune_empty_parent` removes the folders a deletion leaves empty, up to the root.
    """

    path: Path
    before: bytes | None
    after: bytes | None
    prune_empty_parent: bool = False

    @property
    def kind(self) -> str:
        """Return "create", "delete" or "update"."""
        if self.before is None:
            return "create"
        if self.after is None:
            return "delete"
        return "update"


def read_bytes(path: Path) -> bytes | None:
    """Return a file's bytes, or None when there is no file there."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def relative_label(path: Path, root: Path) -> str:
    """Return `path` relative to `root` with forward slashes, for messages and diffs."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _diff_lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def unified_diff(changes: Sequence[FileChange], root: Path) -> str:
    """Return a git-style unified diff of every change, paths relative to `root`."""
    chunks: list[str] = []
    for change in changes:
        label = relative_label(change.path, root)
        old_name = "/dev/null" if change.before is None else f"a/{label}"
        new_name = "/dev/null" if change.after is None else f"b/{label}"
        chunks.append(f"diff --git a/{label} b/{label}\n")
        if change.kind == "create":
            chunks.append("new file\n")
        elif change.kind == "delete":
            chunks.append("deleted file\n")
        chunks.extend(
            difflib.unified_diff(
                _diff_lines(change.before),
                _diff_lines(change.after),
                fromfile=old_name,
                tofile=new_name,
            )
        )
    return "".join(chunks)


@contextlib.contextmanager
def repo_lock(root: Path) -> Iterator[None]:
    """Hold the repository's edit lock, or fail at once with "busy".

    The lock is an `flock` on `<root>/.mlops-kit.lock`, so a crashed run never leaves a
    stale lock behind; the file is removed on release.
    """
    import fcntl

    path = root / LOCK_NAME
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise UsageError(
                f"busy: another mlops-kit run is editing {root} (lock {LOCK_NAME}); "
                "try again when it has finished",
                BUSY,
            ) from None
        # The holder before us may have removed the file between our open and our lock;
        # a lock on an unlinked file guards nothing, so start over on the current file.
        try:
            same = os.path.samestat(os.fstat(fd), path.stat())
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)


@dataclass
class _Journal:
    """What has been done so far, so that it can be undone in reverse order."""

    written: list[tuple[Path, bytes | None, os.stat_result | None]] = field(default_factory=list)
    made_dirs: list[Path] = field(default_factory=list)
    removed_dirs: list[Path] = field(default_factory=list)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mlops-kit.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).chmod(mode)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _make_parents(path: Path, stop: Path, journal: _Journal) -> None:
    missing = []
    for parent in path.parents:
        if parent == stop or parent.is_dir():
            break
        missing.append(parent)
    for directory in reversed(missing):
        directory.mkdir()
        journal.made_dirs.append(directory)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _apply_one(change: FileChange, root: Path, journal: _Journal) -> None:
    path = change.path
    old_stat = path.stat() if change.before is not None else None
    journal.written.append((path, change.before, old_stat))
    if change.after is None:
        path.unlink()
        parent = path.parent
        # Folders left empty go too, up to (not including) the repository root.
        while change.prune_empty_parent and parent != root and not any(parent.iterdir()):
            parent.rmdir()
            journal.removed_dirs.append(parent)
            parent = parent.parent
        return
    _make_parents(path, root, journal)
    mode = stat.S_IMODE(old_stat.st_mode) if old_stat is not None else _new_file_mode()
    _write_atomically(path, change.after, mode)


def _roll_back(journal: _Journal) -> None:
    for directory in reversed(journal.removed_dirs):
        with contextlib.suppress(FileExistsError):
            directory.mkdir()
    for path, before, old_stat in reversed(journal.written):
        with contextlib.suppress(OSError):
            if before is None:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                continue
            assert old_stat is not None
            _write_atomically(path, before, stat.S_IMODE(old_stat.st_mode))
            os.utime(path, ns=(old_stat.st_atime_ns, old_stat.st_mtime_ns))
    for directory in reversed(journal.made_dirs):
        with contextlib.suppress(OSError):
            directory.rmdir()


def _check_unchanged(changes: Sequence[FileChange], root: Path) -> None:
    for change in changes:
        if read_bytes(change.path) != change.before:
            label = relative_label(change.path, root)
            raise UsageError(
                f"busy: {label} changed while this run was preparing its edits; run it again",
                BUSY,
            )


def apply_changes(changes: Sequence[FileChange], root: Path) -> None:
    """Write every change under the repository lock; on any failure restore everything.

    Raises:
        UsageError: the repository is busy, a file changed since it was read, or a write
            failed (after everything was restored).

    """
    with repo_lock(root):
        _check_unchanged(changes, root)
        journal = _Journal()
        current = root
        try:
            for change in changes:
                current = change.path
                _apply_one(change, root, journal)
        except BaseException as error:
            _roll_back(journal)
            if not isinstance(error, OSError):
                raise
            label = relative_label(current, root)
            reason = error.strerror or type(error).__name__
            raise UsageError(
                f"could not write {label}: {reason}; every file was restored, nothing changed",
                WRITE_FAILED,
            ) from None
