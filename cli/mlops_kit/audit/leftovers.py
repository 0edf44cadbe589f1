"""Remove the temporary files of cache writes that a killed process left behind.

The audit's caches are replaced atomically: written to a temporary file beside the
target, then renamed over it. A process killed between the two (SIGKILL, a power cut)
leaves the temporary file, which no later run would rename or remove. Such a write
lasts milliseconds, so a temporary file an hour old is an orphan; a write in progress
in another process is never touched.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

ORPHAN_AGE = 3600  # seconds


def remove_orphans(folder: Path, prefix: str, suffix: str = ".tmp") -> int:
    """Delete regular files `<prefix>...<suffix>` in `folder` older than ORPHAN_AGE.

    Return how many were removed; a file that cannot be read or removed is left.
    """
    removed = 0
    oldest = time.time() - ORPHAN_AGE
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(suffix)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < oldest:
                Path(entry.path).unlink()
                removed += 1
        except OSError:
            continue
    return removed
