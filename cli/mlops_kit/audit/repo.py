# os.path on plain strings: this is the audit's hot path, run for every listed file.
# ruff: noqa: PTH113, PTH116, PTH118, PTH120
"""`RepoView`: what rules see of a repository, read safely, parsed once.

Rules never open files. They ask the view for a file's text or parsed data; the view
reads each file at most once, refuses what is not a regular file inside the repository
(symlinks pointing out of it, loops, FIFOs, devices), caps sizes, requires UTF-8 text and
remembers every problem so that one rule can report it.
"""

from __future__ import annotations

import errno
import ntpath
import os
import posixpath
import re
import stat
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlops_kit.audit.listing import Listing, git_in_background, list_files, run_git
from mlops_kit.audit.parsing import Parsed, load_json, load_toml, load_yaml

if TYPE_CHECKING:
    from mlops_kit.audit.cache import ParseCache

TEXT_LIMIT = 2 * 1024 * 1024  # bytes; bigger text files are reported, not read
NOT_UTF8 = "is not UTF-8 text"  # how a file that does not decode is reported

PARSERS: dict[str, Callable[[str], Parsed]] = {
    "yaml": load_yaml,
    "toml": load_toml,
    "json": load_json,
}

CHECK_IGNORE = ("check-ignore", "--no-index", "-z", "--stdin")

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


WINDOWS = os.name == "nt"
# `scheme://...`: a URL (a DVC remote, an S3 object), not a path in the repository.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,63}+://")


def normalise(path: str, windows: bool = WINDOWS) -> str | None:
    """Return a clean repo-relative POSIX path, or None if it leaves the repository.

    A colon is an ordinary character in a POSIX file name (`creds:prod.env`, `a:b.py`); only
    a URL, or on Windows a drive (`C:`, `a:b.py` is drive A), points somewhere else.
    """
    if not path or path.startswith(("/", "\\")) or _URL.match(path):
        return None
    if windows and ntpath.splitdrive(path)[0]:
        return None
    clean = posixpath.normpath(path.replace("\\", "/"))
    if clean == ".." or clean.startswith("../"):
        return None
    return "" if clean == "." else clean


# Byte-order marks pip recognises (pip._internal.utils.encoding), longest first.
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def decode_with_bom(data: bytes) -> str | None:
    """Decode bytes that open with a byte-order mark; None without one or when invalid."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def read_regular_file(
    full: str, limit: int, info: os.stat_result | None = None
) -> tuple[bytes | None, str | None]:
    """Read a regular file of at most `limit` bytes: (bytes, None) or (None, problem).

    Symlinks are not followed (resolve them first); FIFOs, sockets and devices are refused
    from lstat (`info`, when the caller has it), and the file is opened non-blocking and
    checked again, so nothing hangs.
    """
    if info is None:
        try:
            info = os.lstat(full)
        except FileNotFoundError:
            return None, "does not exist"
        except (OSError, ValueError) as error:
            return None, f"cannot be read ({_reason(error)})"
    if stat.S_ISLNK(info.st_mode):
        return None, "is a symlink (not followed)"
    if not stat.S_ISREG(info.st_mode):
        return None, f"is {_special_kind(info.st_mode)}, not a regular file"
    if info.st_size > limit:
        return None, f"is too large to audit ({info.st_size:,} bytes; limit {limit:,})"
    try:
        fd = os.open(full, _OPEN_FLAGS)
    except OSError as error:
        return None, f"cannot be read ({_reason(error)})"
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            return None, "is not a regular file"
        chunks = []
        remaining = limit + 1
        # The whole file as opened in one read (so no join copies it).
        size = max(opened.st_size, 1 << 16)
        while remaining > 0:
            chunk = os.read(fd, min(remaining, size))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            if len(chunk) == opened.st_size:  # the whole file as opened: skip the EOF read
                break
    except OSError as error:
        return None, f"cannot be read ({_reason(error)})"
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        return None, f"is too large to audit (more than {limit:,} bytes)"
    return data, None


def _null_separated(paths: Iterable[str]) -> bytes:
    return b"".join(os.fsencode(p) + b"\0" for p in paths)


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.errno:
        return os.strerror(error.errno)
    return "error"


_PROBE = "__mlops_kit_probe__"


class RepoView:
    """A read-only, cached view of the repository under audit."""

    def __init__(
        self, root: Path, listing: Listing | None = None, cache: ParseCache | None = None
    ) -> None:
        self.root = root.resolve()
        self.cache = cache
        self._root_str = str(self.root)
        self.listing = listing if listing is not None else list_files(self.root)
        self.file_set = frozenset(self.listing.files)
        self.problems: dict[str, str] = {}
        self.claimed: set[str] = set()
        self._text: dict[str, str | None] = {}
        self._bom_text: dict[str, str | None] = {}
        self._parsed: dict[str, Parsed] = {}
        self._ignored: dict[str, bool] = {}
        self._asked: tuple[list[str], Callable[[], bytes | None]] | None = None  # git at work
        self._lstat: dict[str, os.stat_result | None] = {}
        self.memo: dict[str, Any] = {}  # facts derived from files, shared between rules
        self.reading: str | None = None  # the file a rule asked for last (for error reports)

    def set_aside(self, paths: Iterable[str]) -> None:
        """Leave files out of the audit (the audit's own baseline and report files).

        Call before any rule runs: derived views of the listing are rebuilt.
        """
        drop = set(paths) & self.file_set
        if drop:
            self.listing.files = [p for p in self.listing.files if p not in drop]
            self.file_set = frozenset(self.listing.files)
            self.__dict__.pop("folders", None)

    # -- listing ---------------------------------------------------------------------
    @property
    def files(self) -> list[str]:
        """All listed files, sorted (tracked and untracked-unignored inside git)."""
        return self.listing.files

    @property
    def is_git(self) -> bool:
        """True when the files were listed by git."""
        return self.listing.git

    @property
    def tracked(self) -> frozenset[str]:
        """Files in the git index (empty outside git)."""
        return self.listing.tracked

    @cached_property
    def folders(self) -> frozenset[str]:
        """Every folder that holds a listed file."""
        folders: set[str] = set()
        for path in self.listing.files:
            folder = posixpath.dirname(path)
            while folder and folder not in folders:
                folders.add(folder)
                folder = posixpath.dirname(folder)
        return frozenset(folders)

    def listed(self, path: str) -> bool:
        """Return True if `path` is a listed file or a folder holding listed files."""
        return path in self.file_set or path in self.folders

    def under(self, folder: str) -> list[str]:
        """Return listed files below `folder` (sorted)."""
        prefix = folder.rstrip("/") + "/"
        files = self.listing.files  # sorted: the files below a folder are one run
        start = end = bisect_left(files, prefix)
        while end < len(files) and files[end].startswith(prefix):
            end += 1
        return files[start:end]

    def lstat(self, path: str) -> os.stat_result | None:
        """`os.lstat` of a repo path, cached; None when it does not exist."""
        if path not in self._lstat:
            try:
                self._lstat[path] = os.lstat(os.path.join(self._root_str, path))
            except (OSError, ValueError):
                self._lstat[path] = None
        return self._lstat[path]

    def exists(self, path: str) -> bool:
        """Return True if `path` is listed or present on disk (ignored outputs included)."""
        clean = normalise(path)
        if clean is None:
            return False
        return clean == "" or self.listed(clean) or self.lstat(clean) is not None

    def is_file(self, path: str) -> bool:
        """Return True if `path` is a regular file, or a symlink to one inside the repository."""
        clean = normalise(path)
        info = None if not clean else self.lstat(clean)
        if info is None or clean is None:
            return False
        if stat.S_ISLNK(info.st_mode):
            real, _ = self.resolve_link(clean)
            return real is not None and os.path.isfile(real)
        return stat.S_ISREG(info.st_mode)

    # -- reading ---------------------------------------------------------------------
    def _inside(self, real: str) -> bool:
        return real == self._root_str or real.startswith(self._root_str + os.sep)

    def resolve_link(self, path: str) -> tuple[str | None, str | None]:
        """Follow a symlink; return (real path, None) or (None, problem)."""
        full = os.path.join(self._root_str, path)
        real = os.path.realpath(full)
        if not self._inside(real):
            return None, "is a symlink that points outside the repository (not followed)"
        try:
            os.stat(full)
        except OSError as error:
            if error.errno == errno.ELOOP:
                return None, "is a symlink loop"
            return None, "is a broken symlink"
        return real, None

    def _read(self, path: str, limit: int) -> tuple[bytes | None, str | None]:
        """Return (bytes, None) or (None, problem); None, None when absent."""
        full = os.path.join(self._root_str, path)
        # Not from the listing: a parent folder might be a symlink out of the repo.
        if path not in self.file_set and not self._inside(os.path.realpath(os.path.dirname(full))):
            return None, "lies behind a symlink that points outside the repository"
        info = self.lstat(path)
        if info is None:
            return None, None
        if stat.S_ISLNK(info.st_mode):
            real, problem = self.resolve_link(path)
            if real is None:
                return None, problem
            return read_regular_file(real, limit)
        return read_regular_file(full, limit, info)

    def text_or_none(self, path: str, limit: int = TEXT_LIMIT, quiet: bool = False) -> str | None:
        """Return a file's UTF-8 text, or None (absent or unreadable; problem recorded)."""
        self.reading = path
        if path in self._text:
            return self._text[path]
        # A listed name is already repo-relative: read it as git spells it (a backslash or a
        # colon is part of the name on POSIX); anything else is normalised and confined.
        clean = path if path in self.file_set and not WINDOWS else normalise(path)
        if clean is None or clean == "":
            return None
        data, problem = self._read(clean, limit)
        text: str | None = None
        if data is not None:
            if b"\0" in data:
                problem = f"{NOT_UTF8} (it holds NUL bytes: binary or UTF-16)"
            else:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as error:
                    line = data[: error.start].count(b"\n") + 1
                    problem = f"{NOT_UTF8} (invalid byte at line {line})"
                else:
                    if text.startswith("\ufeff"):
                        text = text[1:]
        if problem is not None:
            self.problems[clean] = problem
        self._text[path] = text
        return text

    def read_head(self, path: str, size: int) -> tuple[bytes | None, str | None]:
        """Return the first `size` bytes of a listed regular file: (bytes, None) or (None, problem).

        For a look at a large file's first lines (a generated-code header) without reading
        the rest. Symlinks and special files are refused, as by `text_or_none`.
        """
        info = self.lstat(path) if path in self.file_set else None
        if info is None or not stat.S_ISREG(info.st_mode):
            return None, "is not a regular file of the repository"
        try:
            fd = os.open(os.path.join(self._root_str, path), _OPEN_FLAGS)
        except OSError as error:
            return None, f"cannot be read ({_reason(error)})"
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, "is not a regular file"
            return os.read(fd, size), None
        except OSError as error:
            return None, f"cannot be read ({_reason(error)})"
        finally:
            os.close(fd)

    def text(self, path: str) -> str | None:
        """Return a file's text (None when absent or unreadable)."""
        return self.text_or_none(path)

    def pip_text(self, path: str) -> str | None:
        """Return a requirements file's text the way pip decodes it.

        pip honours a byte-order mark (UTF-8, UTF-16, UTF-32): such a file declares its
        packages although it is not UTF-8. The problem stays recorded for LAY112 (most other
        tools cannot read it); only the decoding differs.
        """
        text = self.text_or_none(path)
        problem = self.problems.get(path) if path in self.file_set else None
        if text is not None or problem is None or not problem.startswith(NOT_UTF8):
            return text
        if path not in self._bom_text:
            data, _ = self._read(path, TEXT_LIMIT)
            self._bom_text[path] = None if data is None else decode_with_bom(data)
        return self._bom_text[path]

    def problem(self, path: str) -> str | None:
        """Return the read problem recorded for `path`, if any."""
        return self.problems.get(path)

    def _parse(self, path: str, kind: str) -> Parsed | None:
        self.reading = path
        if path in self._parsed:
            return self._parsed[path]
        self.claimed.add(path)
        text = self.text_or_none(path)
        if text is None:
            problem = self.problems.get(path)
            parsed = None if problem is None else Parsed(error=f"{path} {problem}")
        else:
            parsed = self.cache.get(kind, path, text) if self.cache is not None else None
            if parsed is None:
                parsed = PARSERS[kind](text)
                if self.cache is not None:
                    self.cache.put(kind, path, text, parsed)
        if parsed is not None:
            self._parsed[path] = parsed
        return parsed

    def yaml(self, path: str) -> Parsed | None:
        """Parse a YAML file once; None when the file is absent."""
        return self._parse(path, "yaml")

    def toml(self, path: str) -> Parsed | None:
        """Parse a TOML file once; None when the file is absent."""
        return self._parse(path, "toml")

    def json(self, path: str) -> Parsed | None:
        """Parse a JSON file once; None when the file is absent."""
        return self._parse(path, "json")

    def data(self, path: str, kind: str = "yaml") -> Any:
        """Return parsed data of a file, or None when absent or unparseable."""
        parsed = {"yaml": self.yaml, "toml": self.toml, "json": self.json}[kind](path)
        return parsed.data if parsed is not None and parsed.ok else None

    @cached_property
    def pyproject(self) -> dict[str, Any]:
        """The parsed pyproject.toml, or an empty dict."""
        data = self.data("pyproject.toml", "toml")
        return data if isinstance(data, dict) else {}

    # -- git -------------------------------------------------------------------------
    def ask_ignored(self, paths: Iterable[str]) -> None:
        """Start asking git which of `paths` it ignores; `ignored` collects the answer.

        git then works on the other core while the rules run.
        """
        self._collect_ignored()
        wanted = [p for p in dict.fromkeys(paths) if p not in self._ignored]
        if wanted and self.is_git:
            wait = git_in_background(self.root, CHECK_IGNORE, stdin=_null_separated(wanted))
            self._asked = (wanted, wait)

    def ignored(self, paths: Iterable[str]) -> set[str]:
        """Return the subset of `paths` git ignores (none outside git); one git call a batch."""
        self._collect_ignored()
        paths = list(paths)
        wanted = [p for p in dict.fromkeys(paths) if p not in self._ignored]
        if wanted and self.is_git:
            self._record_ignored(
                wanted, run_git(self.root, CHECK_IGNORE, stdin=_null_separated(wanted))
            )
        return {p for p in paths if self._ignored.get(p, False)}

    def _collect_ignored(self) -> None:
        if self._asked is not None:
            wanted, wait = self._asked
            self._asked = None
            self._record_ignored(wanted, wait())

    def _record_ignored(self, wanted: list[str], answer: bytes | None) -> None:
        hits = set() if answer is None else {os.fsdecode(p) for p in answer.split(b"\0")}
        for path in wanted:
            self._ignored[path] = path in hits

    @staticmethod
    def ignore_probes(path: str) -> list[str]:
        """Return the paths asked of git for `path`: itself, a name and a folder inside it.

        The folder catches rules for what a store holds (`mlruns/*/`: every run's folder)
        that leave the store's own placeholder (`!mlruns/.gitkeep`) in git.
        """
        clean = path.rstrip("/")
        return [clean, f"{clean}/__mlops_kit_probe__", f"{clean}/__mlops_kit_probe__/{_PROBE}"]

    def is_ignored(self, path: str) -> bool:
        """Return True if git ignores `path`, or what a folder holds (a name or a folder)."""
        return bool(self.ignored(self.ignore_probes(path)))

    def is_tracked(self, path: str) -> bool:
        """Return True if `path` (a file or a folder) is in the git index."""
        clean = path.rstrip("/")
        if clean in self.tracked:
            return True
        prefix = clean + "/"
        return any(p.startswith(prefix) for p in self._tracked_under(clean.split("/", 1)[0]))

    def _tracked_under(self, top: str) -> Iterator[str]:
        index = self._tracked_index
        return iter(index.get(top, ()))

    @cached_property
    def _tracked_index(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for path in self.tracked:
            index.setdefault(path.split("/", 1)[0], []).append(path)
        return index
