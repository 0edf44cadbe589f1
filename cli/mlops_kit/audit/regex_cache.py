"""Compiled regular expressions kept between runs, next to the kit's bytecode.

The audit's modules (and PyYAML) compile about two hundred patterns, and compiling them
is the largest single start-up cost of a run (~18 ms of a ~110 ms audit of a fresh bake).
Like `.pyc` files for code, this keeps the compiler's output: `load()` puts each stored
pattern into `re`'s own cache before the audit's modules are imported, so their
`re.compile(...)` calls return at once; `save()` stores the patterns of a run that
compiled new ones (computed again from the pattern's text after the report is out).

What is stored is exactly what `re` would compute: the pattern, its flags and the code
`re._compiler` produces for them under this Python, which the file's header pins
(version, `_sre` magic and code size), and `_sre.compile` validates the code it is given.
The file lives where Python keeps the bytecode of this module (`__pycache__`, or under
`sys.pycache_prefix`) and, like bytecode, is not written when `sys.dont_write_bytecode`
is set (`PYTHONDONTWRITEBYTECODE`). Unlike the parse cache it holds nothing from the
audited repository, so `MLOPS_KIT_NO_CACHE` and `CI` leave it on. It relies on CPython's
`re` internals (3.11 to 3.14): on another interpreter, or on any failure, `re` compiles
as usual.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

FORMAT = 2  # 2: the literals `needles` found follow the patterns
# `re` keeps 512 patterns and drops its oldest entry for each pattern it compiles anew,
# one at a time: a file may hold more. Its entries are loaded in the order a run first
# compiled them (the modules' own patterns, in import order, then those of the run), so
# what a run compiles anew pushes out patterns of modules it has already imported. The
# kit's modules and PyYAML compile about 450 at import and 500 in an audit of a fresh
# bake (December 2026; tests/audit/test_regex_cache.py keeps the import-time count
# below this with room to spare). Once full the file is no longer rewritten: patterns
# built from a repository's names do not push out the rest; a new version of the kit
# starts the file afresh.
MAX_PATTERNS = 640
MAX_BYTES = 4 * 1024 * 1024
SUFFIX = ".re"

_loaded: set[tuple[Any, ...]] = set()  # keys of `re._cache` that came from the file
_stored: list[tuple[Any, ...]] = []  # the file's entries, written again as they are

# What `needles` works out from a pattern by parsing it again (the literals every match
# holds or starts with), keyed by (question, pattern, flags). Like the compiled code, a
# pure function of the pattern under this Python and this kit (the header pins both), so
# it is kept in the same file and bounded the same way.
literals: dict[tuple[str, str | bytes, int], Any] = {}
_literals_stored: set[tuple[str, str | bytes, int]] = set()
MAX_LITERALS = 640


def _usable() -> bool:
    return (
        sys.implementation.name == "cpython"
        and (3, 11) <= sys.version_info[:2] <= (3, 14)
        and isinstance(getattr(re, "_cache", None), dict)
    )


def _header() -> tuple[Any, ...]:
    import _sre  # type: ignore[import-not-found]

    return (FORMAT, sys.version, sys.hexversion, _sre.MAGIC, _sre.CODESIZE, sys.maxunicode,
            _kit_stamp())  # fmt: skip


def _kit_stamp() -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of each module of the audit (~0.2 ms).

    A file written by another version of the kit is started afresh: the patterns its
    modules compile at import come first again, so a new rule's never fall out of a file
    filled by the version before.
    """
    found = []
    folders = [str(Path(__file__).resolve().parent)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    info = entry.stat()
                    found.append((entry.path, info.st_size, info.st_mtime_ns))
                elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
    return tuple(sorted(found))


def cache_path() -> Path | None:
    """Return where this Python keeps the file (beside this module's bytecode), or None."""
    import importlib.util

    try:
        return Path(importlib.util.cache_from_source(__file__)).with_suffix(SUFFIX)
    except (NotImplementedError, ValueError, TypeError):
        return None


def _trusted(info: os.stat_result) -> bool:
    """Return True for a regular, bounded file only its owner (this user or root) can change."""
    import stat

    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
        return False
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid in (0, getuid())


def load() -> int:
    """Put the stored patterns into `re`'s cache; return how many (0 on any problem)."""
    if not _usable():
        return 0
    path = cache_path()
    if path is None:
        return 0
    try:
        import _sre
        import marshal

        no_follow = getattr(os, "O_NOFOLLOW", 0)  # a symlink is refused, not followed
        with os.fdopen(os.open(path, os.O_RDONLY | no_follow), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not _trusted(info):
                return 0
            header, entries, known = marshal.loads(handle.read())
        if header != _header() or not _well_formed(known):
            return 0
        compiled = {}
        for pattern, flags, final_flags, code, groups, groupindex, indexgroup in entries:
            key = (type(pattern), pattern, flags)
            compiled[key] = _sre.compile(pattern, final_flags, code, groups, groupindex,
                                         indexgroup)  # fmt: skip
    except Exception:  # a missing, partial or foreign file: compile as usual
        return 0
    for key, value in compiled.items():
        re._cache.setdefault(key, value)  # type: ignore[attr-defined]
    _loaded.update(compiled)
    _stored[:] = entries
    literals.update(known)
    _literals_stored.update(known)
    return len(compiled)


def _well_formed(known: Any) -> bool:
    """Return True for literals as `needles` stores them: strings (or none) per pattern."""
    return isinstance(known, dict) and all(
        isinstance(key, tuple)
        and len(key) == 3
        and isinstance(key[0], str)
        and isinstance(key[1], (str, bytes))
        and type(key[2]) is int
        and (answer is None or (type(answer) in (tuple, frozenset) and all(
            type(text) is str for text in answer)))
        for key, answer in known.items()
    )  # fmt: skip


def _entry(pattern: str | bytes, flags: int) -> tuple[Any, ...]:
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = {str(name): int(index) for name, index in parsed.state.groupdict.items()}
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    final_flags = int(flags | parsed.state.flags)
    return (pattern, int(flags), final_flags, code, parsed.state.groups - 1, groupindex,
            tuple(indexgroup))  # fmt: skip


def _storable(key: Any) -> bool:
    if not (isinstance(key, tuple) and len(key) == 3) or key in _loaded:
        return False
    kind, _, flags = key
    return kind in (str, bytes) and type(flags) is int and not flags & re.DEBUG


def save() -> bool:
    """Add the patterns this run compiled to the file (while it has room); True if written."""
    if not _usable() or sys.dont_write_bytecode:
        return False
    new = [key for key in list(re._cache) if _storable(key)]  # type: ignore[attr-defined]
    room = max(MAX_PATTERNS - len(_stored), 0)
    found = [key for key in literals if key not in _literals_stored]
    found = found[: max(MAX_LITERALS - len(_literals_stored), 0)]
    path = cache_path()
    if not (new[:room] or found) or path is None:
        return False
    try:
        import marshal

        entries = [*_stored, *(_entry(pattern, flags) for _, pattern, flags in new[:room])]
        known = {key: literals[key] for key in (*_literals_stored, *found)}
        data = marshal.dumps((_header(), entries, known))
        if len(data) > MAX_BYTES:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_bytes(data)
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
        from mlops_kit.audit.leftovers import remove_orphans

        remove_orphans(path.parent, f"{path.name}.")  # of writers killed mid-write
    except Exception:  # a read-only install or an odd pattern: nothing is kept
        return False
    _loaded.update(new[:room])
    _stored[:] = entries
    _literals_stored.update(found)
    return True
