"""An all-or-nothing, crash-safe change set over several files of one repository.

Every new content is prepared before anything is written. `apply_changes` then takes the
repository's lock (a second run fails at once with "busy"), finishes or undoes any change
set a killed run left behind, checks that no file moved since it was read and that every
path obeys the path policy, and only then writes:

1. an intent journal (`.mlops-kit.journal/`, git-ignored by its own `.gitignore`) holding,
   for every path, the old content (or its absence), mode and mtime and the new content,
   written to a temporary file, fsynced and renamed into place;
2. each file through a temporary file next to it (`.<name>.mlops-kit.tmp`, a name the
   journal records), fsynced and renamed over the old one; deletes, folders;
3. a commit marker, then the journal is removed.

A kill at any instant therefore leaves either the journal without the marker (the next
writing run puts every file back: content, mode and mtime) or with it (the next run
finishes the writes), and the temporary files are found by name and removed. If a step
fails while the process lives, everything is restored at once.

The path policy lives here, once, for every writer: paths stay inside the repository,
and no write or delete goes through a symbolic link (each component is checked with
`lstat`); the file a change replaces or deletes must be a regular file. `unified_diff`
shows a change set for `--dry-run`.
"""

from __future__ import annotations

import base64
import contextlib
import difflib
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_kit.errors import UsageError

LOCK_NAME = ".mlops-kit.lock"
JOURNAL_DIR = ".mlops-kit.journal"
JOURNAL_FILE = "intent.json"
COMMIT_MARKER = "committed"
TEMP_SUFFIX = ".mlops-kit.tmp"
JOURNAL_VERSION = 1
WRITE_FAILED = 1
BUSY = 1
REFUSED = 2
_JOURNAL_ENTRIES = {".gitignore", JOURNAL_FILE, f".{JOURNAL_FILE}{TEMP_SUFFIX}", COMMIT_MARKER}


@dataclass(frozen=True)
class FileChange:
    """One file's planned change: `before` None creates it, `after` None deletes it."""

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


# ---------------------------------------------------------------------------------------
# Path policy


def _link_text(path: Path) -> str:
    try:
        return str(path.readlink())
    except OSError:
        return "?"


def _lstat(path: Path, root: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise UsageError(
            f"{relative_label(path, root)}: cannot be inspected ({error.strerror}); "
            "nothing was written",
            REFUSED,
        ) from None


def check_path(path: Path, root: Path, *, deleting: bool = False) -> None:
    """Refuse a path a change may not write or delete (the one path policy of the kit).

    The path must lie inside `root` (lexically, no `..`), no folder on the way to it may
    be a symbolic link, and the file itself must be absent (when created) or a regular
    file, never a link, a folder, a FIFO or a device.

    Raises:
        UsageError: the path breaks the policy (exit 2, nothing written).

    """
    label = relative_label(path, root)
    try:
        relative = path.relative_to(root)
    except ValueError:
        raise UsageError(f"{path} lies outside the project {root}; refusing", REFUSED) from None
    if not relative.parts or ".." in relative.parts or not path.is_absolute():
        raise UsageError(f"{label}: not a file path inside the project; refusing", REFUSED)
    current = root
    for part in relative.parts[:-1]:
        current = current / part
        info = _lstat(current, root)
        if info is None:
            return
        if stat.S_ISLNK(info.st_mode):
            raise UsageError(
                f"{relative_label(current, root)} is a symbolic link (to {_link_text(current)}); "
                "mlops-kit never writes through links: replace it with a real folder or "
                "remove it by hand",
                REFUSED,
            )
    info = _lstat(path, root)
    if info is None:
        return
    if stat.S_ISLNK(info.st_mode):
        verb = "delete" if deleting else "write"
        raise UsageError(
            f"{label} is a symbolic link (to {_link_text(path)}); mlops-kit never {verb}s "
            "through links: remove the link by hand (`rm` removes the link, not its target)",
            REFUSED,
        )
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{label} is a folder, not a file; move it away first", REFUSED)
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(
            f"{label} is not a regular file (a FIFO, socket or device); move it away first",
            REFUSED,
        )
    if not info.st_mode & stat.S_IWUSR:
        verb = "deleted" if deleting else "replaced"
        raise UsageError(
            f"{label} is read-only, so it is not {verb}; make it writable "
            f"(chmod u+w {label}) if it should change",
            REFUSED,
        )


def check_changes(changes: Sequence[FileChange], root: Path) -> None:
    """Apply the path policy to every change of a change set (also used by --dry-run)."""
    for change in changes:
        check_path(change.path, root, deleting=change.after is None)


# ---------------------------------------------------------------------------------------
# The lock


def _refuse_odd_lock(path: Path, root: Path) -> None:
    info = _lstat(path, root)
    if info is None or stat.S_ISREG(info.st_mode):
        return
    if stat.S_ISLNK(info.st_mode):
        kind = f"a symbolic link (to {_link_text(path)})"
    elif stat.S_ISDIR(info.st_mode):
        kind = "a folder"
    else:
        kind = "not a regular file"
    raise UsageError(
        f"the lock file {LOCK_NAME} is {kind}; mlops-kit only uses a regular file there: "
        f"remove {path} and run again",
        REFUSED,
    )


def _holds_current_file(lock: Any, path: Path) -> bool:
    """Return whether the locked descriptor is still the file at `path` (not an unlinked one)."""
    fd = getattr(getattr(lock, "_context", None), "lock_file_fd", None)
    if not isinstance(fd, int):
        return True  # a filelock without this detail: nothing more to check
    try:
        return os.path.samestat(os.fstat(fd), os.lstat(path))
    except OSError:
        return False


@contextlib.contextmanager
def repo_lock(root: Path) -> Iterator[None]:
    """Hold the repository's edit lock, or fail at once with "busy".

    The lock is an OS lock (filelock: `flock` on POSIX, `msvcrt` on Windows) on
    `<root>/.mlops-kit.lock`, so a killed run never leaves a stale lock behind; the file is
    removed on release. The lock file must be a regular file (or absent): a folder, FIFO
    or symlink there is refused.
    """
    from filelock import FileLock, Timeout

    path = root / LOCK_NAME
    while True:
        _refuse_odd_lock(path, root)
        lock = FileLock(str(path), timeout=0, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            raise UsageError(
                f"busy: another mlops-kit run is editing {root} (lock {LOCK_NAME}); "
                "try again when it has finished",
                BUSY,
            ) from None
        except OSError as error:
            raise UsageError(
                f"cannot take the lock {LOCK_NAME} in {root} ({error.strerror or error}); "
                "check the folder is writable and the disk is not full",
                WRITE_FAILED,
            ) from None
        # The holder before us may have removed the file between our open and our lock;
        # a lock on an unlinked file guards nothing, so start over on the current file.
        if _holds_current_file(lock, path):
            break
        lock.release()
    try:
        yield
    finally:
        # Removed while still held: a run that opened the old file meanwhile sees above
        # that it locked an unlinked file and starts over.
        with contextlib.suppress(OSError):
            if stat.S_ISREG(path.lstat().st_mode):
                path.unlink()
        lock.release()


# ---------------------------------------------------------------------------------------
# Low-level durable writes


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_path(path: Path) -> Path:
    """Return the temporary file a write of `path` goes through (found again by recovery)."""
    return path.with_name(f".{path.name}{TEMP_SUFFIX}")


def _remove_temp(temp: Path) -> None:
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        info = temp.lstat()
        if stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode):
            temp.unlink()


def _write_durably(path: Path, data: bytes, mode: int) -> None:
    """Write `data` to `path` through its temporary file: fsync, chmod, rename, fsync dir."""
    temp = temp_path(path)
    _remove_temp(temp)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(mode)
        temp.replace(path)
    except BaseException:
        _remove_temp(temp)
        raise
    _fsync_dir(path.parent)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("content is not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


# ---------------------------------------------------------------------------------------
# The journal


@dataclass(frozen=True)
class _Entry:
    path: Path
    before: bytes | None
    after: bytes | None
    mode: int | None
    times: tuple[int, int] | None


@dataclass(frozen=True)
class _Intent:
    entries: list[_Entry]
    made_dirs: list[Path]
    pruned_dirs: list[Path]


def _missing_parents(path: Path, root: Path, planned: set[Path]) -> list[Path]:
    missing = []
    for parent in path.parents:
        if parent == root or parent in planned or os.path.lexists(parent):
            break
        missing.append(parent)
    return list(reversed(missing))


def _plan_intent(changes: Sequence[FileChange], root: Path) -> _Intent:
    entries: list[_Entry] = []
    made: list[Path] = []
    for change in changes:
        info = change.path.lstat() if change.before is not None else None
        mode = stat.S_IMODE(info.st_mode) if info is not None else _new_file_mode()
        times = (info.st_atime_ns, info.st_mtime_ns) if info is not None else None
        entries.append(_Entry(change.path, change.before, change.after, mode, times))
        if change.after is not None:
            made += _missing_parents(change.path, root, set(made))
    deleted = {change.path for change in changes if change.after is None}
    created = {change.path for change in changes if change.before is None}
    pruned: list[Path] = []
    gone = set(deleted)
    for change in changes:
        if change.after is not None or not change.prune_empty_parent:
            continue
        # Folders the deletions leave empty go too, innermost first, up to the root.
        parent = change.path.parent
        while parent != root and parent not in pruned and parent.is_dir():
            left = [p for p in parent.iterdir() if p not in gone]
            if left or any(parent in path.parents for path in created):
                break
            pruned.append(parent)
            gone.add(parent)
            parent = parent.parent
    return _Intent(entries, made, pruned)


def _journal_dir(root: Path) -> Path:
    return root / JOURNAL_DIR


def _encode_intent(intent: _Intent, root: Path) -> bytes:
    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix()

    record = {
        "version": JOURNAL_VERSION,
        "tool": "mlops-kit",
        "made_dirs": [rel(path) for path in intent.made_dirs],
        "pruned_dirs": [rel(path) for path in intent.pruned_dirs],
        "files": [
            {
                "path": rel(entry.path),
                "before": _b64(entry.before),
                "after": _b64(entry.after),
                "mode": entry.mode,
                "times": list(entry.times) if entry.times is not None else None,
            }
            for entry in intent.entries
        ],
    }
    return json.dumps(record).encode("utf-8")


def _inside(root: Path, relative: Any) -> Path:
    if not isinstance(relative, str) or not relative:
        raise ValueError("a path is not text")
    parts = Path(relative).parts
    if Path(relative).is_absolute() or ".." in parts:
        raise ValueError(f"path {relative!r} leaves the project")
    return root.joinpath(*parts)


def _decode_intent(raw: bytes, root: Path) -> _Intent:
    record = json.loads(raw.decode("utf-8"))
    if not isinstance(record, dict) or record.get("version") != JOURNAL_VERSION:
        raise ValueError("unknown journal version")
    entries = []
    for item in record["files"]:
        times = item.get("times")
        entries.append(
            _Entry(
                path=_inside(root, item["path"]),
                before=_unb64(item.get("before")),
                after=_unb64(item.get("after")),
                mode=int(item["mode"]) if item.get("mode") is not None else None,
                times=(int(times[0]), int(times[1])) if times else None,
            )
        )
    made = [_inside(root, path) for path in record.get("made_dirs", [])]
    pruned = [_inside(root, path) for path in record.get("pruned_dirs", [])]
    return _Intent(entries, made, pruned)


def _write_journal(intent: _Intent, root: Path) -> Path:
    folder = _journal_dir(root)
    folder.mkdir(mode=0o700)
    _fsync_dir(root)
    ignore = folder / ".gitignore"
    ignore.write_bytes(b"# an interrupted mlops-kit edit; the next mlops-kit run settles it\n*\n")
    # The intent holds old file contents: readable by the owner only.
    _write_durably(folder / JOURNAL_FILE, _encode_intent(intent, root), 0o600)
    return folder


def _mark_committed(folder: Path) -> None:
    fd = os.open(folder / COMMIT_MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    _fsync_dir(folder)


def _remove_journal(folder: Path, root: Path) -> None:
    for name in (COMMIT_MARKER, JOURNAL_FILE, f".{JOURNAL_FILE}{TEMP_SUFFIX}", ".gitignore"):
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()
    folder.rmdir()
    _fsync_dir(root)


def _current(path: Path) -> bytes | None:
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return b"\0not a regular file\0"
    return path.read_bytes()


def _put(path: Path, data: bytes | None, mode: int | None) -> None:
    """Make `path` hold `data` (None: no file), unless it already does."""
    if _current(path) == data:
        return
    if data is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        _fsync_dir(path.parent)
        return
    _write_durably(path, data, mode if mode is not None else _new_file_mode())


def _roll_forward(intent: _Intent) -> list[Path]:
    """Finish every write; return the files left alone because someone changed them since."""
    kept = []
    for directory in intent.made_dirs:
        with contextlib.suppress(FileExistsError):
            directory.mkdir()
    for entry in intent.entries:
        current = _current(entry.path)
        if current == entry.before:
            _put(entry.path, entry.after, entry.mode)
        elif current != entry.after:
            kept.append(entry.path)
    for directory in intent.pruned_dirs:
        with contextlib.suppress(OSError):
            directory.rmdir()
    return kept


def _roll_back(intent: _Intent) -> list[Path]:
    """Undo every write; return the files left alone because someone changed them since."""
    kept = []
    for directory in reversed(intent.pruned_dirs):
        with contextlib.suppress(FileExistsError):
            directory.mkdir()
    for entry in reversed(intent.entries):
        current = _current(entry.path)
        if current == entry.before:
            continue
        if current != entry.after:
            kept.append(entry.path)
            continue
        _put(entry.path, entry.before, entry.mode)
        if entry.before is not None and entry.times is not None:
            os.utime(entry.path, ns=entry.times)
    for directory in reversed(intent.made_dirs):
        with contextlib.suppress(OSError):
            directory.rmdir()
    return kept


def _remove_temps(intent: _Intent) -> None:
    for entry in intent.entries:
        _remove_temp(temp_path(entry.path))


def _settle(root: Path) -> str | None:
    """Finish or undo what a killed run left; return what was done (None: nothing)."""
    folder = _journal_dir(root)
    info = _lstat(folder, root)
    if info is None:
        return None
    if not stat.S_ISDIR(info.st_mode) or stat.S_ISLNK(info.st_mode):
        raise UsageError(
            f"{JOURNAL_DIR} is not a folder mlops-kit made (a link or a file); "
            f"remove {folder} by hand and run again",
            REFUSED,
        )
    odd = sorted(p.name for p in folder.iterdir() if p.name not in _JOURNAL_ENTRIES)
    if odd:
        raise UsageError(
            f"{JOURNAL_DIR}/ holds files mlops-kit did not write ({', '.join(odd)}); "
            f"check it and remove {folder} by hand",
            REFUSED,
        )
    raw = _current(folder / JOURNAL_FILE)
    if raw is None:
        # Killed while the journal itself was written: no file had been touched yet.
        _remove_journal(folder, root)
        return None
    try:
        intent = _decode_intent(raw, root)
    except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
        raise UsageError(
            f"{JOURNAL_DIR}/{JOURNAL_FILE} cannot be read back; an interrupted edit cannot "
            f"be settled automatically: compare with `git status` and remove {folder}",
            REFUSED,
        ) from None
    committed = (folder / COMMIT_MARKER).exists()
    _remove_temps(intent)
    kept = _roll_forward(intent) if committed else _roll_back(intent)
    _remove_journal(folder, root)
    labels = ", ".join(relative_label(entry.path, root) for entry in intent.entries)
    what = "finished" if committed else "undid"
    note = f"an earlier run was interrupted; {what} its edit of {labels}"
    if kept:
        changed = ", ".join(relative_label(path, root) for path in kept)
        note += f" (left {changed} as it is: it changed since; check it)"
    return note


def _report_on_stderr(note: str) -> None:
    print(f"Note: {note}.", file=sys.stderr)


def settle_interrupted(
    root: Path,
    *,
    dry_run: bool = False,
    preview_flag: str = "--dry-run",
    report: Callable[[str], None] = _report_on_stderr,
) -> str | None:
    """Settle an edit a killed run left behind, under the lock; return what was done.

    Every writing command (add-stage, remove-stage, adopt, update, audit --fix) calls this
    before it reads the files it plans to change; what it did is reported at once (one
    `Note:` line on stderr by default), even if the command then refuses. With `dry_run`
    nothing is touched: a pending journal is refused with instructions instead, naming the
    command's `preview_flag`.

    Raises:
        UsageError: busy, or the journal cannot be settled (one line says how to fix it).

    """
    folder = _journal_dir(root)
    if _lstat(folder, root) is None:
        return None
    if dry_run:
        raise UsageError(
            f"an earlier mlops-kit run was interrupted ({JOURNAL_DIR}/ is left); run the "
            f"command once without {preview_flag} to settle it first",
            REFUSED,
        )
    try:
        with repo_lock(root):
            note = _settle(root)
    except OSError as error:
        raise UsageError(
            f"cannot settle the interrupted edit in {JOURNAL_DIR}/ "
            f"({error.strerror or error}); it is kept for the next run",
            WRITE_FAILED,
        ) from None
    if note is not None:
        report(note)
    return note


def has_pending_journal(root: Path) -> bool:
    """Return whether a killed run left a journal in `root`."""
    return _lstat(_journal_dir(root), root) is not None


# ---------------------------------------------------------------------------------------
# Applying a change set


def _check_unchanged(changes: Sequence[FileChange], root: Path) -> None:
    for change in changes:
        if _current(change.path) != change.before:
            label = relative_label(change.path, root)
            raise UsageError(
                f"busy: {label} changed while this run was preparing its edits; run it again",
                BUSY,
            )


def _apply(intent: _Intent) -> None:
    for directory in intent.made_dirs:
        directory.mkdir()
        _fsync_dir(directory.parent)
    for entry in intent.entries:
        if entry.after is None:
            entry.path.unlink()
            _fsync_dir(entry.path.parent)
        else:
            _write_durably(entry.path, entry.after, entry.mode or _new_file_mode())
    for directory in intent.pruned_dirs:
        directory.rmdir()
        _fsync_dir(directory.parent)


def apply_changes(changes: Sequence[FileChange], root: Path) -> None:
    """Write every change under the repository lock, crash-safe; on failure restore all.

    Raises:
        UsageError: the repository is busy, a file changed since it was read, a path
            breaks the path policy (nothing written), or a write failed (after
            everything was restored).

    """
    if not changes:
        return
    with repo_lock(root):
        try:
            _settle(root)
        except OSError as error:
            raise UsageError(
                f"cannot settle the interrupted edit in {JOURNAL_DIR}/ ({error.strerror}); "
                "nothing new was written",
                WRITE_FAILED,
            ) from None
        check_changes(changes, root)
        _check_unchanged(changes, root)
        intent = _plan_intent(changes, root)
        try:
            folder = _write_journal(intent, root)
        except OSError as error:
            with contextlib.suppress(OSError):
                _remove_journal(_journal_dir(root), root)
            raise UsageError(
                f"could not write the journal {JOURNAL_DIR}/: "
                f"{error.strerror or type(error).__name__}; nothing changed",
                WRITE_FAILED,
            ) from None
        _apply_with_journal(intent, folder, root)


def _apply_with_journal(intent: _Intent, folder: Path, root: Path) -> None:
    try:
        _apply(intent)
        _mark_committed(folder)
    except BaseException as error:
        failed = _failed_path(error, intent, root)
        try:
            _remove_temps(intent)
            _roll_back(intent)
            _remove_journal(folder, root)
        except OSError:
            raise UsageError(
                f"could not write {failed}, and restoring failed too; the journal in "
                f"{JOURNAL_DIR}/ is kept: the next mlops-kit run restores every file",
                WRITE_FAILED,
            ) from None
        if not isinstance(error, OSError):
            raise
        reason = error.strerror or type(error).__name__
        raise UsageError(
            f"could not write {failed}: {reason}; every file was restored, nothing changed",
            WRITE_FAILED,
        ) from None
    with contextlib.suppress(OSError):
        _remove_journal(folder, root)


def _failed_path(error: BaseException, intent: _Intent, root: Path) -> str:
    filename = getattr(error, "filename", None)
    if isinstance(filename, str):
        path = Path(filename)
        if path.name.endswith(TEMP_SUFFIX) and path.name.startswith("."):
            path = path.with_name(path.name[1 : -len(TEMP_SUFFIX)])
        return relative_label(path, root)
    return relative_label(intent.entries[0].path, root) if intent.entries else "?"
