"""List the files of a repository without running anything the repository controls.

Inside a git work tree the list comes from `git ls-files` (tracked files plus untracked
files that are not ignored). Repo-controlled git config that can run commands is
overridden on the command line (`core.fsmonitor`, `core.hooksPath`, the untracked cache;
`ls-files` and `check-ignore` run no filters, textconv or pager). Outside git the tree is
walked without following symlinks. `.git`, DVC's cache, MLflow stores and virtualenvs are
never entered either way.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

Popen = subprocess.Popen[bytes]

MAX_WALK_ENTRIES = 200_000
GIT_TIMEOUT = 30

# Never listed or walked, wherever they are (exact directory names)...
SKIPPED_DIR_NAMES = frozenset(
    {".git", "mlruns", "mlartifacts", "__pycache__", ".venv", "venv", "node_modules",
     ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox", ".nox", ".ipynb_checkpoints"}
)  # fmt: skip
# ...and these repo-relative directories.
SKIPPED_DIRS = frozenset({".dvc/cache", ".dvc/tmp"})
_SKIPPED_TOPS = frozenset(folder.split("/", 1)[0] for folder in SKIPPED_DIRS)

# `-t` tags each entry: `? path` untracked, `R <stage info>\tpath` deleted from the work
# tree, any other tag an index entry (H cached, S skip-worktree, M unmerged, ...).
LS_FILES = (
    "ls-files", "-z", "-t", "--cached", "--deleted", "--others", "--exclude-standard",
    "--stage", "--", ".",
)  # fmt: skip

SAFE_GIT_CONFIG = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.untrackedCache=false",
    "-c", "core.pager=cat",
    "-c", "core.quotePath=false",
)  # fmt: skip


class Listing:
    """The files of a repository, as repo-relative POSIX paths."""

    __slots__ = (
        "files", "git", "git_note", "hidden", "special", "symlinks", "tracked", "truncated",
    )  # fmt: skip

    def __init__(self, git: bool = False) -> None:
        self.files: list[str] = []
        # Committed files inside folders the audit never enters (`__pycache__/`, ...).
        self.hidden: list[str] = []
        self.tracked: frozenset[str] = frozenset()
        self.symlinks: set[str] = set()
        self.special: set[str] = set()
        self.git = git
        self.truncated = False
        self.git_note: str | None = None


def is_skipped(path: str) -> bool:
    """Return True for paths inside directories the audit never enters."""
    folders = path.split("/")[:-1]
    if not folders:
        return False
    if not SKIPPED_DIR_NAMES.isdisjoint(folders):
        return True
    return folders[0] in _SKIPPED_TOPS and any(path.startswith(f"{d}/") for d in SKIPPED_DIRS)


def git_env() -> dict[str, str]:
    """Return the environment for git: the caller's, minus variables that redirect git."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    for key in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def _start_git(root: Path, args: Iterable[str], stdin: bool = False) -> Popen | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        return subprocess.Popen(
            [git, *SAFE_GIT_CONFIG, *args],
            cwd=root,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=git_env(),
        )
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def _finish_git(process: Popen, stdin: bytes | None = None) -> bytes | None:
    try:
        output, _ = process.communicate(stdin, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        process.kill()
        process.communicate()
        return None
    if process.returncode not in (0, 1):
        return None
    return output


def run_git(root: Path, args: Iterable[str], stdin: bytes | None = None) -> bytes | None:
    """Run a read-only git command in `root`; return stdout, or None when git fails."""
    process = _start_git(root, args, stdin=stdin is not None)
    return None if process is None else _finish_git(process, stdin)


def git_in_background(
    root: Path, args: Iterable[str], stdin: bytes | None = None
) -> Callable[[], bytes | None]:
    """Start a read-only git command now; return a function that waits for its stdout.

    A thread feeds git its input and reads its output (a large batch would fill the pipes
    otherwise), so the caller goes on with its own work meanwhile.
    """
    import threading

    process = _start_git(root, args, stdin=stdin is not None)
    if process is None:
        return lambda: None
    answer: list[bytes | None] = [None]

    def finish() -> None:
        answer[0] = _finish_git(process, stdin)

    thread = threading.Thread(target=finish, name="git", daemon=True)
    thread.start()

    def wait() -> bytes | None:
        thread.join()
        return answer[0]

    return wait


# Listings started ahead of time, by resolved root (see `start_listing`).
_STARTED: dict[Path, Popen] = {}


@contextmanager
def listed_ahead(path: Path) -> Iterator[None]:
    """Start listing `path` with git now, for `list_files` to collect inside the block.

    The command line enters this before importing the rules, so git runs on another core
    meanwhile. A listing nobody collected is ended on exit.
    """
    with suppress(OSError, RuntimeError):  # a bad path is for the caller's checks to report
        root = path.resolve()
        if root.is_dir() and root not in _STARTED and _inside_git_work_tree(root):
            process = _start_git(root, LS_FILES)
            if process is not None:
                _STARTED[root] = process
    try:
        yield
    finally:
        while _STARTED:
            _, process = _STARTED.popitem()
            process.kill()
            process.communicate()


def _inside_git_work_tree(root: Path) -> bool:
    return any((folder / ".git").exists() for folder in (root, *root.parents))


def _split(output: bytes) -> list[str]:
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


def list_with_git(root: Path) -> Listing | None:
    """List tracked and untracked-unignored files with git (one call); None when git cannot."""
    if not _inside_git_work_tree(root):
        return None
    process = _STARTED.pop(root, None) or _start_git(root, LS_FILES)
    answer = None if process is None else _finish_git(process)
    if answer is None:
        return None
    entries = _split(answer)
    gone = {e[2:].partition("\t")[2] for e in entries if e.startswith("R ")}
    listing = Listing(git=True)
    tracked: set[str] = set()
    others: list[str] = []
    for entry in entries:
        tag, body = entry[:2], entry[2:]
        if tag == "? ":
            others.append(body)
            continue
        if tag == "R ":
            continue
        meta, _, path = body.partition("\t")
        if is_skipped(path):
            if path not in gone:
                listing.hidden.append(path)
            continue
        if path in tracked:  # unmerged entries appear once per stage
            continue
        tracked.add(path)
        if path in gone:  # deleted from the work tree, still in the index
            continue
        mode = meta.split(" ", 1)[0]
        if mode == "120000":
            listing.symlinks.add(path)
        elif mode == "160000":  # a submodule: a folder we do not enter
            continue
        listing.files.append(path)
    for path in others:
        if is_skipped(path) or path.endswith("/"):
            continue
        try:
            if stat.S_ISLNK(os.lstat(root / path).st_mode):
                listing.symlinks.add(path)
        except OSError:
            continue
        listing.files.append(path)
    listing.tracked = frozenset(tracked)
    listing.files.sort()
    if not listing.files and any(os.scandir(root)):
        return None  # e.g. a folder ignored by an enclosing repository: walk it instead
    return listing


def walk(root: Path, max_entries: int = MAX_WALK_ENTRIES) -> Listing:
    """List files by walking the tree; symlinks are listed, never followed."""
    listing = Listing()
    pending = [""]
    seen = 0
    while pending:
        folder = pending.pop()
        try:
            entries = os.scandir(root / folder) if folder else os.scandir(root)
        except OSError:
            continue
        with entries:
            for entry in entries:
                seen += 1
                if seen > max_entries:
                    listing.truncated = True
                    listing.files.sort()
                    return listing
                path = f"{folder}/{entry.name}" if folder else entry.name
                try:
                    if entry.is_symlink():
                        listing.symlinks.add(path)
                        listing.files.append(path)
                    elif entry.is_dir(follow_symlinks=False):
                        if entry.name not in SKIPPED_DIR_NAMES and path not in SKIPPED_DIRS:
                            pending.append(path)
                    elif entry.is_file(follow_symlinks=False):
                        listing.files.append(path)
                    else:
                        listing.special.add(path)
                        listing.files.append(path)
                except OSError:
                    continue
    listing.files.sort()
    return listing


def list_files(root: Path) -> Listing:
    """List with git inside a work tree, else walk."""
    listing = list_with_git(root)
    if listing is not None:
        return listing
    listing = walk(root)
    if _inside_git_work_tree(root):
        listing.git_note = "git could not list this repository's files"
    return listing
