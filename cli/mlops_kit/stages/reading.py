"""Bounded reading for the stage tools: regular files only, a size cap, a YAML node budget.

A project handed to add-stage or remove-stage may come from anyone. Files are opened
without blocking (a FIFO named params.yaml cannot hang the run), must be regular files
under `MAX_FILE_BYTES`, and a parsed YAML document may not expand (through aliases) past
`MAX_NODES` nodes or nest deeper than `MAX_DEPTH`: a "billion laughs" file is refused in
one line instead of being expanded.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from mlops_kit.errors import UsageError

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 100


def read_limited(path: Path, label: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Return a regular file's bytes; refuse a FIFO, device, folder or oversized file.

    Raises:
        UsageError: the file is not a regular file, is too large, or cannot be read.

    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"{label}: cannot be read ({reason}); fix its permissions") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{label}: not a regular file (a folder, FIFO or device)")
        if info.st_size > max_bytes:
            raise UsageError(
                f"{label}: larger than {max_bytes // (1024 * 1024)} MiB; not a file this tool edits"
            )
        chunks = []
        size = 0
        while chunk := os.read(fd, 1024 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise UsageError(f"{label}: grew past {max_bytes // (1024 * 1024)} MiB while read")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"{label}: cannot be read ({reason})") from None
    finally:
        os.close(fd)


def check_yaml_bounds(data: Any, label: str) -> None:
    """Refuse a parsed document that expands past the node budget, nests too deep or loops.

    Round-trip YAML shares aliased nodes instead of copying them, so this walk counts
    each node once per reference (memoised per object) without ever expanding anything.

    Raises:
        UsageError: an alias bomb, an alias cycle or nesting deeper than `MAX_DEPTH`.

    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, dict | list):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > MAX_DEPTH:
            raise UsageError(f"{label}: nested deeper than {MAX_DEPTH} levels; not edited")
        if key in active:
            raise UsageError(f"{label}: an alias refers to itself (a cycle); not edited")
        active.add(key)
        children = node.values() if isinstance(node, dict) else node
        total = 1 + len(node)
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_NODES:
                raise UsageError(
                    f"{label}: expands to more than {MAX_NODES:,} values through aliases "
                    "(an alias bomb?); not edited"
                )
        active.discard(key)
        sizes[key] = total
        return total

    size(data, 0)
