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


# --- the intent journal: what a killed run leaves, and how the next run settles it -------


def half_applied(root: Path, *, committed: bool, written: int) -> list[FileChange]:
    """Leave the state a kill leaves: the journal, `written` changes applied, a temp file."""
    from mlops_kit import edits

    write(root / "dvc.yaml", b"stages: {}\n", mtime_ns=1_300_000_000_000_000_000)
    write(root / "params.yaml", b"a: 1\n", mtime_ns=1_400_000_000_000_000_000)
    write(root / "conf" / "old" / "default.yaml", b"x: 1\n")
    changes = [
        FileChange(root / "dvc.yaml", b"stages: {}\n", b"stages:\n  new: {}\n"),
        FileChange(root / "conf" / "new" / "default.yaml", None, b"y: 2\n"),
        FileChange(
            root / "conf" / "old" / "default.yaml", b"x: 1\n", None, prune_empty_parent=True
        ),
        FileChange(root / "params.yaml", b"a: 1\n", b"a: 1\nnew: {}\n"),
    ]
    intent = edits._plan_intent(changes, root)
    folder = edits._write_journal(intent, root)
    (root / "conf" / "new").mkdir()
    for change in changes[:written]:
        if change.after is None:
            change.path.unlink()
            change.path.parent.rmdir()
        else:
            change.path.write_bytes(change.after)
    # The next write was under way: its temporary copy is half written.
    edits.temp_path(changes[written].path).write_bytes(b"half")
    if committed:
        (folder / edits.COMMIT_MARKER).touch()
    return changes


def tree(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("written", [0, 1, 2, 3])
def test_the_next_run_undoes_an_uncommitted_edit_byte_for_byte(
    tmp_path: Path, written: int
) -> None:
    from mlops_kit.edits import JOURNAL_DIR, settle_interrupted

    write(tmp_path / "dvc.yaml", b"stages: {}\n", mtime_ns=1_300_000_000_000_000_000)
    write(tmp_path / "params.yaml", b"a: 1\n", mtime_ns=1_400_000_000_000_000_000)
    write(tmp_path / "conf" / "old" / "default.yaml", b"x: 1\n")
    original = tree(tmp_path)
    half_applied(tmp_path, committed=False, written=written)
    note = settle_interrupted(tmp_path)
    assert note is not None and "undid" in note
    assert tree(tmp_path) == original
    assert (tmp_path / "dvc.yaml").stat().st_mtime_ns == 1_300_000_000_000_000_000
    assert not (tmp_path / JOURNAL_DIR).exists()
    assert not list(tmp_path.rglob("*.mlops-kit.tmp"))


def test_the_next_run_finishes_a_committed_edit(tmp_path: Path) -> None:
    from mlops_kit.edits import JOURNAL_DIR, settle_interrupted

    changes = half_applied(tmp_path, committed=True, written=3)
    note = settle_interrupted(tmp_path)
    assert note is not None and "finished" in note
    assert (tmp_path / "params.yaml").read_bytes() == changes[3].after
    assert (tmp_path / "conf" / "new" / "default.yaml").read_bytes() == b"y: 2\n"
    assert not (tmp_path / "conf" / "old").exists()
    assert not (tmp_path / JOURNAL_DIR).exists()
    assert not list(tmp_path.rglob("*.mlops-kit.tmp"))


def test_a_journal_killed_while_being_written_is_dropped(tmp_path: Path) -> None:
    from mlops_kit.edits import JOURNAL_DIR, JOURNAL_FILE, TEMP_SUFFIX, settle_interrupted

    write(tmp_path / "dvc.yaml", b"stages: {}\n")
    folder = tmp_path / JOURNAL_DIR
    folder.mkdir()
    (folder / f".{JOURNAL_FILE}{TEMP_SUFFIX}").write_bytes(b'{"version": 1, "fi')
    assert settle_interrupted(tmp_path) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dvc.yaml"]


def test_apply_settles_a_leftover_journal_before_its_own_changes(tmp_path: Path) -> None:
    changes = half_applied(tmp_path, committed=False, written=2)
    # A new change set prepared against the restored state goes through.
    apply_changes([FileChange(tmp_path / "x.txt", None, b"x")], tmp_path)
    assert (tmp_path / "dvc.yaml").read_bytes() == changes[0].before
    assert (tmp_path / "x.txt").read_bytes() == b"x"


def test_a_dry_run_refuses_while_a_journal_is_pending(tmp_path: Path) -> None:
    from mlops_kit.edits import JOURNAL_DIR, settle_interrupted

    half_applied(tmp_path, committed=False, written=1)
    with pytest.raises(UsageError, match="without --dry-run") as error:
        settle_interrupted(tmp_path, dry_run=True)
    assert error.value.exit_code == 2
    assert (tmp_path / JOURNAL_DIR).is_dir()


@pytest.mark.parametrize("kind", ["file", "link", "stranger"])
def test_an_odd_journal_is_refused_in_one_line(tmp_path: Path, kind: str) -> None:
    from mlops_kit.edits import JOURNAL_DIR, settle_interrupted

    folder = tmp_path / JOURNAL_DIR
    if kind == "file":
        folder.write_text("x")
    elif kind == "link":
        (tmp_path / "elsewhere").mkdir()
        folder.symlink_to("elsewhere")
    else:
        folder.mkdir()
        (folder / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match=JOURNAL_DIR.replace(".", r"\.")):
        settle_interrupted(tmp_path)
    assert os.path.lexists(folder)


def test_the_journal_is_git_ignored_by_its_own_gitignore(tmp_path: Path) -> None:
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    half_applied(tmp_path, committed=False, written=1)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".mlops-kit.journal" not in status
    assert "dvc.yaml" in status


@pytest.mark.parametrize("kind", ["symlink-file", "symlink-folder", "outside", "read-only"])
def test_the_path_policy_refuses_before_anything_is_written(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "repo"
    write(root / "real.txt", b"real")
    write(root / "sub" / "a.txt", b"a")
    if kind == "symlink-file":
        (root / "link.txt").symlink_to("real.txt")
        change = FileChange(root / "link.txt", b"real", b"new")
    elif kind == "symlink-folder":
        (root / "linked").symlink_to("sub")
        change = FileChange(root / "linked" / "a.txt", b"a", b"new")
    elif kind == "outside":
        change = FileChange(tmp_path / "escape.txt", None, b"new")
    else:
        (root / "real.txt").chmod(0o444)
        change = FileChange(root / "real.txt", b"real", b"new")
    first = FileChange(root / "first.txt", None, b"first")
    with pytest.raises(UsageError) as error:
        apply_changes([first, change], root)
    assert error.value.exit_code == 2
    assert not (root / "first.txt").exists()
    assert (root / "real.txt").read_bytes() == b"real"
    assert (root / "sub" / "a.txt").read_bytes() == b"a"
    assert not (tmp_path / "escape.txt").exists()


def test_settling_never_overwrites_a_file_changed_after_the_kill(tmp_path: Path) -> None:
    from mlops_kit.edits import settle_interrupted

    changes = half_applied(tmp_path, committed=False, written=1)
    # The user edited dvc.yaml by hand before running the kit again.
    (tmp_path / "dvc.yaml").write_bytes(b"stages:\n  mine: {}\n")
    notes: list[str] = []
    settle_interrupted(tmp_path, report=notes.append)
    assert (tmp_path / "dvc.yaml").read_bytes() == b"stages:\n  mine: {}\n"
    assert (tmp_path / "params.yaml").read_bytes() == changes[3].before
    assert "left dvc.yaml as it is" in notes[0]
