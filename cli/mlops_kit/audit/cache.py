"""Parsed YAML and TOML kept between audits, so re-auditing unchanged files skips the parsers.

An entry holds a file's whole text next to its parse result and is used only when the
text read now is identical, under the same kit, Python and PyYAML: a stale entry can
never change a result. The audited repository cannot plant or alter entries: the cache
lives in the user's cache folder (`$XDG_CACHE_HOME/mlops-kit/audit`, never in the
repository), a cache file is read only when it is a regular file (not a symlink) owned
by the user and writable by nobody else, in a folder of the same kind, and it is
replaced atomically. Bounded: at most MAX_REPOS files of at most MAX_BYTES; texts over
ENTRY_LIMIT, results of more than MAX_NODES values and files in which the secret scan
finds a credential are not kept. Off on CI and with
`MLOPS_KIT_NO_CACHE` set (see `cache_home`). Any failure falls back to parsing.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

from mlops_kit import __version__
from mlops_kit.audit import parsing, secrets
from mlops_kit.audit.parsing import Parsed, YamlList, YamlMap

FORMAT = 1
MAX_REPOS = 32
MAX_BYTES = 8 * 1024 * 1024
ENTRY_LIMIT = 256 * 1024
MAX_NODES = 20_000
CACHED_KINDS = frozenset({"yaml", "toml"})


class _Uncacheable(Exception):
    """A parse result the cache does not store (too large, or a type JSON cannot hold)."""


def cache_home() -> Path | None:
    """Return the user's cache folder, or None when the audit keeps no cache.

    No cache on CI (`CI` set: each job starts cold, and CI caches restored from other jobs
    must not feed the audit), with `MLOPS_KIT_NO_CACHE` set, or where file ownership and
    modes cannot be checked (Windows).
    """
    if os.environ.get("MLOPS_KIT_NO_CACHE") or os.environ.get("CI", "").lower() not in (
        "", "0", "false",
    ):  # fmt: skip
        return None
    if sys.platform == "win32" or not hasattr(os, "getuid"):
        return None
    xdg = Path(os.environ.get("XDG_CACHE_HOME", ""))
    if xdg.is_absolute():
        return xdg
    try:
        home = Path.home()
    except (RuntimeError, KeyError):
        return None
    return home / "Library" / "Caches" if sys.platform == "darwin" else home / ".cache"


def _private(info: os.stat_result) -> bool:
    """Return True when only this user can change what `info` describes."""
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and info.st_uid == os.getuid()


def _file_stamp(path: Path) -> list[int]:
    try:
        info = path.stat()
    except OSError:
        return []
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _parser_stamp() -> list[Any]:
    """Return what a parse result depends on besides the text: kit, Python, PyYAML files."""
    import importlib.util

    stamp: list[Any] = [FORMAT, __version__, sys.version, sys.prefix]
    stamp += [_file_stamp(Path(__file__)), _file_stamp(Path(parsing.__file__ or ""))]
    try:
        spec = importlib.util.find_spec("yaml")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin and spec.submodule_search_locations:
        stamp.append(_file_stamp(Path(spec.origin)))
        folder = Path(next(iter(spec.submodule_search_locations)))
        try:
            extensions = sorted(p for p in folder.iterdir() if p.name.startswith("_yaml."))
        except OSError:
            extensions = []
        stamp += [[p.name, _file_stamp(p)] for p in extensions]
    return stamp


# -- parse results as JSON ---------------------------------------------------------------
_SCALARS = (str, int, float, bool, type(None))


def _encode(value: Any, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _Uncacheable
    if isinstance(value, _SCALARS):
        return value
    if type(value) is YamlMap:
        items = []
        for key, item in value.items():
            if not isinstance(key, _SCALARS):
                raise _Uncacheable
            items.append([key, value.key_lines.get(key), _encode(item, budget)])
        return {"m": value.line, "k": items}
    if type(value) is YamlList:
        lines = value.item_lines + [None] * (len(value) - len(value.item_lines))
        items = [[_encode(v, budget), n] for v, n in zip(value, lines, strict=False)]
        return {"l": value.line, "i": items}
    if type(value) is dict:
        if not all(isinstance(key, str) for key in value):
            raise _Uncacheable
        return {"d": [[key, _encode(item, budget)] for key, item in value.items()]}
    if type(value) is list:
        return {"a": [_encode(item, budget) for item in value]}
    raise _Uncacheable  # e.g. TOML dates and times


def _decode(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if "m" in node:
        mapping = YamlMap(node["m"])
        for key, line, item in node["k"]:
            mapping[key] = _decode(item)
            if line is not None:
                mapping.key_lines[key] = line
        return mapping
    if "l" in node:
        sequence = YamlList(node["l"])
        for item, line in node["i"]:
            sequence.append(_decode(item))
            if line is not None:
                sequence.item_lines.append(line)
        return sequence
    if "d" in node:
        return {key: _decode(item) for key, item in node["d"]}
    return [_decode(item) for item in node["a"]]


def encode_parsed(parsed: Parsed) -> dict[str, Any]:
    """Parse result -> JSON-ready data; raises _Uncacheable for what is not kept."""
    return {
        "data": _encode(parsed.data, [MAX_NODES]),
        "error": parsed.error,
        "line": parsed.line,
        "notes": [[note, line] for note, line in parsed.notes],
    }


def decode_parsed(data: dict[str, Any]) -> Parsed:
    """Rebuild a parse result from `encode_parsed` data."""
    notes = [(str(note), line) for note, line in data["notes"]]
    return Parsed(_decode(data["data"]), data["error"], data["line"], notes)


# -- the cache file ----------------------------------------------------------------------
class ParseCache:
    """The cached parse results of one repository (loaded on first use, saved on request)."""

    def __init__(self, root: Path, folder: Path | None) -> None:
        self.root = str(root)
        self.folder = folder
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in root.name)[:40]
        crc = _crc(self.root)
        self.file = folder / f"{name}-{crc:08x}.json" if folder is not None else None
        self._entries: dict[str, list[Any]] | None = None
        self._used: set[str] = set()
        self._changed = False
        self._stamp: list[Any] | None = None

    @classmethod
    def for_root(cls, root: Path) -> ParseCache:
        """Return the cache of the repository at `root`, in the user's cache folder."""
        home = cache_home()
        return cls(root, home / "mlops-kit" / "audit" if home is not None else None)

    def _load(self) -> dict[str, list[Any]]:
        if self._entries is None:
            self._entries = {}
            data = self._read()
            if (
                isinstance(data, dict)
                and data.get("root") == self.root
                and data.get("stamp") == self._parser_stamp()
                and isinstance(data.get("entries"), dict)
            ):
                self._entries = data["entries"]
        return self._entries

    def _parser_stamp(self) -> list[Any]:
        if self._stamp is None:
            self._stamp = _parser_stamp()
        return self._stamp

    def _read(self) -> Any:
        if self.file is None or self.folder is None:
            return None
        try:
            folder = os.lstat(self.folder)
            if not stat.S_ISDIR(folder.st_mode) or not _private(folder):
                return None
            fd = os.open(self.file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or not _private(info) or info.st_size > MAX_BYTES:
                return None
            raw = os.read(fd, info.st_size + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        import json

        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            return None

    def get(self, kind: str, path: str, text: str) -> Parsed | None:
        """Return the cached result of parsing `text` (the content of `path`) as `kind`."""
        if kind not in CACHED_KINDS or len(text) > ENTRY_LIMIT:
            return None
        key = f"{kind}:{path}"
        entry = self._load().get(key)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != text:
            return None
        try:
            parsed = decode_parsed(entry[1])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError):
            return None
        self._used.add(key)
        return parsed

    def put(self, kind: str, path: str, text: str, parsed: Parsed) -> None:
        """Remember a parse result (kept only when small and plain, and holding no secret)."""
        if kind not in CACHED_KINDS or len(text) > ENTRY_LIMIT:
            return
        if secrets.find_secrets(text, assignments=True, allowlist=False):
            return  # no copy of a credential outside the repository
        try:
            encoded = encode_parsed(parsed)
        except (_Uncacheable, RecursionError):
            return
        key = f"{kind}:{path}"
        self._load()[key] = [text, encoded]
        self._used.add(key)
        self._changed = True

    def save(self, listed: frozenset[str]) -> None:
        """Write the cache file when it changed, dropping entries of files no longer listed."""
        if self.file is None or self.folder is None or self._entries is None:
            return
        entries = {
            key: entry
            for key, entry in self._entries.items()
            if key in self._used or key.partition(":")[2] in listed
        }
        if not self._changed and len(entries) == len(self._entries):
            return
        import json

        try:
            text = json.dumps(
                {"root": self.root, "stamp": self._parser_stamp(), "entries": entries},
                ensure_ascii=True,
                separators=(",", ":"),
            )
        except (ValueError, RecursionError):
            return
        if len(text) > MAX_BYTES:
            return
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder = os.lstat(self.folder)
            if not stat.S_ISDIR(folder.st_mode) or not _private(folder):
                return
            is_new = not os.path.lexists(self.file)
            _write_atomically(self.file, text.encode("ascii"))
            if is_new:
                from mlops_kit.audit.leftovers import remove_orphans

                prune(self.folder, MAX_REPOS)
                remove_orphans(self.folder, ".")  # of writers killed mid-write
        except OSError:
            return


def _crc(text: str) -> int:
    import zlib

    return zlib.crc32(text.encode("utf-8", "surrogateescape"))


def _write_atomically(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(temporary, flags, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        temporary.replace(target)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def prune(folder: Path, keep: int) -> None:
    """Delete all but the `keep` most recently written cache files in `folder`."""
    files = []
    for path in folder.iterdir():
        info = path.lstat()
        if path.suffix == ".json" and stat.S_ISREG(info.st_mode):
            files.append((info.st_mtime_ns, path))
    for _, path in sorted(files, reverse=True)[keep:]:
        path.unlink(missing_ok=True)
