"""`--output` to a device or a pipe writes into it and leaves it what it was."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from audit.support import TRAINING_PROJECT, repo
from helpers import Invoke


def test_a_report_written_to_a_pipe_leaves_the_pipe_in_place(
    tmp_path: Path, invoke: Invoke
) -> None:
    root = repo(tmp_path, TRAINING_PROJECT, "project")
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received: list[str] = []

    def read() -> None:
        with pipe.open(encoding="utf-8") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = invoke("audit", root, "--format", "json", "--output", pipe)
    reader.join(timeout=30)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)  # still a pipe, not a file renamed over it
    assert received and '"findings"' in received[0]
    assert result.exit_code in (0, 1)
