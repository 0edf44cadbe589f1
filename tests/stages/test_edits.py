"""The all-or-nothing change set: atomic writes, restore on failure, lock, diff."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mlops_kit.edits import LOCK_NAME, FileChange, apply_changes, repo_lock, unified_diff
from mlops_kit.errors import UsageError


def write(path: Path, data: bytes, mtime_ns: int = 1_000_000_000_000_000_000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_applies_creates_updates_and_deletes(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", b"a: 1\n")
    write(tmp_path / "gone" / "b.txt", b"bye")
    changes = [
        FileChange(tmp_path / "a.yaml", b"a: 1\n", b"a: 2\n"),
        FileChange(tmp_path / "new" / "deep" / "c.py", None, b"x = 1\n"),
        FileChange(tmp_path / "gone" / "b.txt", b"bye", None, prune_empty_parent=True),
    ]
    apply_changes(changes, tmp_path)
    assert (tmp_path / "a.yaml").read_bytes() == b"a: 2\n"
    assert (tmp_path / "new" / "deep" / "c.py").read_bytes() == b"x = 1\n"
    assert not (tmp_path / "gone").exists()
    assert not (tmp_path / LOCK_NAME).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "new"]


def test_keeps_the_mode_of_a_replaced_file(tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    write(target, b"old")
    target.chmod(0o751)
    apply_changes([FileChange(target, b"old", b"new")], tmp_path)
    assert target.stat().st_mode & 0o777 == 0o751


def test_a_failing_third_write_restores_the_first_two_byte_for_byte(tmp_path: Path) -> None:
    first, second, fourth = tmp_path / "one.yaml", tmp_path / "conf" / "two.yaml", tmp_path / "x"
    write(first, b"\xef\xbb\xbfa: 1\r\n", mtime_ns=1_111_111_111_000_000_000)
    write(second, b"b: 2", mtime_ns=1_222_222_222_000_000_000)
    write(fourth, b"keep")
    # `tests` is a file, so the third change cannot create tests/test_new.py.
    write(tmp_path / "tests", b"not a folder")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (first, second, fourth)}
    changes = [
        FileChange(first, first.read_bytes(), b"changed"),
        FileChange(tmp_path / "src" / "pkg" / "new.py", None, b"created"),
        FileChange(tmp_path / "tests" / "test_new.py", None, b"cannot"),
        FileChange(fourth, b"keep", None),
    ]
    changes.insert(1, FileChange(second, b"b: 2", b"changed too"))
    with pytest.raises(UsageError, match=r"could not write tests/test_new.py.*restored") as error:
        apply_changes(changes, tmp_path)
    assert error.value.exit_code == 1
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (first, second, fourth)}
    assert after == before
    assert not (tmp_path / "src").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conf", "one.yaml", "tests", "x"]


def test_refuses_when_a_file_changed_after_it_was_read(tmp_path: Path) -> None:
    write(tmp_path / "dvc.yaml", b"stages: {}\n")
    stale = FileChange(tmp_path / "dvc.yaml", b"stages:\n", b"mine\n")
    with pytest.raises(UsageError, match=r"busy: dvc\.yaml changed"):
        apply_changes([stale], tmp_path)
    assert (tmp_path / "dvc.yaml").read_bytes() == b"stages: {}\n"


def test_a_second_run_is_busy_while_the_lock_is_held(tmp_path: Path) -> None:
    target = tmp_path / "f"
    with repo_lock(tmp_path):
        with pytest.raises(UsageError, match="busy: another mlops-kit run") as error:
            apply_changes([FileChange(target, None, b"x")], tmp_path)
        assert error.value.exit_code == 1
    assert not target.exists()
    apply_changes([FileChange(target, None, b"x")], tmp_path)
    assert target.read_bytes() == b"x"


def test_a_lock_left_by_a_killed_process_does_not_block(tmp_path: Path) -> None:
    holder = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from mlops_kit.edits import repo_lock\n"
        "with repo_lock(Path(sys.argv[1])):\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(60)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", holder, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "locked"
        with pytest.raises(UsageError, match="busy"):
            apply_changes([FileChange(tmp_path / "f", None, b"x")], tmp_path)
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
    assert (tmp_path / LOCK_NAME).exists()  # killed: no clean-up ran
    apply_changes([FileChange(tmp_path / "f", None, b"x")], tmp_path)
    assert (tmp_path / "f").read_bytes() == b"x"


def test_diff_names_files_and_marks_a_missing_final_newline(tmp_path: Path) -> None:
    changes = [
        FileChange(tmp_path / "dvc.yaml", b"a: 1", b"a: 1\nb: 2"),
        FileChange(tmp_path / "new.py", None, b"x = 1\n"),
        FileChange(tmp_path / "old.py", b"y = 2\n", None),
    ]
    diff = unified_diff(changes, tmp_path)
    assert "--- a/dvc.yaml\n+++ b/dvc.yaml\n" in diff
    no_newline = "\\ No newline at end of file\n"
    assert f"-a: 1\n{no_newline}+a: 1\n+b: 2\n{no_newline}" in diff
    assert "--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+x = 1\n" in diff
    assert "--- a/old.py\n+++ /dev/null\n" in diff
