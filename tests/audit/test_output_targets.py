"""`--output` to a device, a pipe or a link writes into it and leaves it what it was."""

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


def test_a_report_written_through_a_link_fills_its_target_and_keeps_the_link(
    tmp_path: Path, invoke: Invoke
) -> None:
    root = repo(tmp_path, TRAINING_PROJECT, "project")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "report.json").write_text("old", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(Path("shared") / "report.json")
    baseline = tmp_path / "baseline.json"
    baseline.symlink_to(Path("shared") / "baseline.json")  # dangling: written as the shell would
    result = invoke("audit", root, "--format", "json", "--output", link)
    assert result.exit_code in (0, 1)
    assert link.is_symlink() and '"findings"' in (shared / "report.json").read_text("utf-8")
    invoke("audit", root, "--write-baseline", baseline)
    assert baseline.is_symlink() and (shared / "baseline.json").is_file()
