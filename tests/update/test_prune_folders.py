"""Deleting the last files of nested folders removes the folders, up to the root."""

from __future__ import annotations

from pathlib import Path

from mlops_kit.edits import FileChange, apply_changes


def tree(root: Path) -> list[str]:
    """Every path under root, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_nested_empty_folders_are_pruned_up_to_the_root(tmp_path: Path) -> None:
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/ci.yml").write_text("on: push\n")
    (tmp_path / "keep/sub").mkdir(parents=True)
    (tmp_path / "keep/sub/a.txt").write_text("a")
    (tmp_path / "keep/b.txt").write_text("b")
    apply_changes(
        [
            FileChange(tmp_path / ".github/workflows/ci.yml", b"on: push\n", None, True),
            FileChange(tmp_path / "keep/sub/a.txt", b"a", None, True),
        ],
        tmp_path,
    )
    assert tree(tmp_path) == ["keep", "keep/b.txt"]
