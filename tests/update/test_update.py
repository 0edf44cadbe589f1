"""`mlops-kit update`: git's three-way merge from an older template to the current one."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import REPO_ROOT, Invoke, bake_project, leave_killed_edit
from mlops_kit.template import template_version
from update.oldtemplate import (
    ADDED_FILE,
    NOTEBOOKS_NEW,
    OLD_VERSION,
    REMOVED_FILE,
    RENAMED_FROM,
    RENAMED_TO,
    WRITE_CSV_NEW,
)

Bake = Callable[..., Path]
BRANCH = "mlops-kit/template"


def git(project: Path, *args: str) -> str:
    """Run git in the project and return its output (fails the test on error)."""
    result = subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit_all(project: Path, message: str) -> None:
    """Stage and commit everything in the project."""
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--no-verify", "-m", message)


def files_of(project: Path) -> dict[str, bytes]:
    """Every tracked file of the project's HEAD with its bytes."""
    names = git(project, "ls-files", "-z").split("\0")
    return {name: (project / name).read_bytes() for name in names if name}


def stamp_line(project: Path) -> str:
    """The template-version line of pyproject.toml."""
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("template-version"))


def test_untouched_project_takes_every_template_change(
    old_bake: Bake, invoke: Invoke, tmp_path: Path
) -> None:
    project = old_bake(project_name="Churn Model")
    result = invoke("update", "--repo", project)
    assert result.exit_code == 0, result.output
    assert f"template {template_version()}" in result.output
    # Byte for byte what a fresh bake of the current template with the same answers holds.
    fresh = bake_project(tmp_path / "fresh", project_name="Churn Model")
    assert files_of(project) == files_of(fresh)
    assert git(project, "status", "--porcelain") == ""
    assert not (project / RENAMED_FROM).exists()
    assert not (project / REMOVED_FILE).exists()
    assert (project / ADDED_FILE).is_file()
    # One merge commit whose second parent is the new pristine bake on the template branch.
    parents = git(project, "rev-list", "--parents", "-n", "1", "HEAD").split()
    assert len(parents) == 3
    assert parents[2] == git(project, "rev-parse", BRANCH).strip()
    again = invoke("update", "--repo", project)
    assert again.exit_code == 0
    assert "Already on template" in again.output


def test_team_edits_merge_and_conflicts_are_standard_markers(
    old_bake: Bake, invoke: Invoke
) -> None:
    project = old_bake()
    module = project / "src" / "wine_classifier"
    prepare = module / "stages" / "prepare.py"
    prepare.write_text(
        prepare.read_text(encoding="utf-8").replace(
            'print(f"prepare: ', 'print(f"prepare (team): '
        ),
        encoding="utf-8",
    )
    readme = project / "README.md"
    readme.write_text(
        readme.read_text(encoding="utf-8").replace(
            "or newer. From a fresh clone:", "or newer, and a GPU. From a clone:"
        )
        + "\n## Team notes\n\nOur own section.\n",
        encoding="utf-8",
    )
    (project / "notebooks" / "README.md").unlink()
    commit_all(project, "Team edits")
    team_head = git(project, "rev-parse", "HEAD").strip()

    result = invoke("update", "--repo", project)

    assert result.exit_code == 1, result.output
    assert "README.md" in result.output and "notebooks/README.md" in result.output
    assert "git merge --abort" in result.output
    text = readme.read_text(encoding="utf-8")
    assert "<<<<<<< " in text and "=======" in text and ">>>>>>> " in text
    assert "and a GPU" in text and "git and make" in text and "Our own section." in text
    assert not list(project.rglob("*.rej")) and not list(project.rglob("*.orig"))
    # Clean parts merged: the team's change and the template's change in one file.
    merged = prepare.read_text(encoding="utf-8")
    assert "prepare (team): " in merged and WRITE_CSV_NEW in merged
    assert (project / RENAMED_TO).is_file() and not (project / RENAMED_FROM).exists()
    assert stamp_line(project) == f'template-version = "{template_version()}"'
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U").split()
    assert unmerged == ["README.md", "notebooks/README.md"]
    # Backing out is git's own: everything as the team left it.
    git(project, "merge", "--abort")
    assert git(project, "rev-parse", "HEAD").strip() == team_head
    assert git(project, "status", "--porcelain") == ""
    assert "prepare (team): " in prepare.read_text(encoding="utf-8")


def test_file_deleted_on_purpose_stays_deleted(old_bake: Bake, invoke: Invoke) -> None:
    project = old_bake()
    (project / "LICENSE").unlink()  # the template does not change it between versions
    commit_all(project, "We publish no licence file")
    result = invoke("update", "--repo", project)
    assert result.exit_code == 0, result.output
    assert not (project / "LICENSE").exists()


def test_check_reports_behind_then_current(old_bake: Bake, invoke: Invoke) -> None:
    project = old_bake()
    before = files_of(project)
    behind = invoke("update", "--check", "--repo", project)
    assert behind.exit_code == 1
    assert OLD_VERSION in behind.output and template_version() in behind.output
    assert files_of(project) == before
    assert invoke("update", "--repo", project).exit_code == 0
    current = invoke("update", "--check", "--repo", project)
    assert current.exit_code == 0, current.output
    assert invoke("update", "--check", "--set", "ci=gitlab", "--repo", project).exit_code == 1


def test_diff_previews_and_writes_nothing(old_bake: Bake, invoke: Invoke) -> None:
    project = old_bake()
    refs = git(project, "for-each-ref")
    objects = git(project, "count-objects", "-v")
    stat = {path: (project / path).stat().st_mtime_ns for path in files_of(project)}
    result = invoke("update", "--diff", "--repo", project)
    assert result.exit_code == 0, result.output
    assert f"+{NOTEBOOKS_NEW}" in result.output
    assert f"rename to {RENAMED_TO}" in result.output
    assert git(project, "for-each-ref") == refs
    assert git(project, "count-objects", "-v") == objects
    assert {p: (project / p).stat().st_mtime_ns for p in files_of(project)} == stat


def test_dirty_work_tree_is_refused(old_bake: Bake, invoke: Invoke) -> None:
    project = old_bake()
    (project / "README.md").write_text("edited, not committed\n", encoding="utf-8")
    head = git(project, "rev-parse", "HEAD")
    result = invoke("update", "--repo", project)
    assert result.exit_code == 2
    assert result.output.startswith("Error: the work tree has uncommitted changes")
    assert len(result.output.strip().splitlines()) == 1
    assert git(project, "rev-parse", "HEAD") == head
    assert (project / "README.md").read_text(encoding="utf-8") == "edited, not committed\n"


def test_project_without_stamp_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    project = tmp_path / "plain"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "plain"\n', encoding="utf-8")
    git(project, "init", "--quiet")
    commit_all(project, "plain")
    result = invoke("update", "--repo", project)
    assert result.exit_code == 2
    assert "mlops-kit adopt" in result.output
    assert invoke("update", "--repo", tmp_path / "nowhere").exit_code == 2
    not_git = tmp_path / "not-git"
    not_git.mkdir()
    refused = invoke("update", "--repo", not_git)
    assert refused.exit_code == 2 and "git init" in refused.output


def test_missing_template_branch_is_explained_then_recorded(
    old_bake: Bake, old_template: Path, invoke: Invoke
) -> None:
    project = old_bake()
    git(project, "branch", "-D", BRANCH)
    refused = invoke("update", "--repo", project)
    assert refused.exit_code == 2
    assert "--template" in refused.output and OLD_VERSION in refused.output
    recorded = invoke("update", "--template", old_template, "--repo", project)
    assert recorded.exit_code == 0, recorded.output
    assert "Recorded the pristine bake" in recorded.output
    assert git(project, "status", "--porcelain") == ""
    updated = invoke("update", "--repo", project)
    assert updated.exit_code == 0, updated.output
    assert (project / ADDED_FILE).is_file() and not (project / REMOVED_FILE).exists()


def test_set_changes_an_answer_and_re_renders(bake: Bake, invoke: Invoke) -> None:
    project = bake()
    result = invoke("update", "--set", "ci=gitlab", "--repo", project)
    assert result.exit_code == 0, result.output
    assert (project / ".gitlab-ci.yml").is_file()
    assert not (project / ".github").exists()
    assert 'ci = "gitlab"' in (project / "pyproject.toml").read_text(encoding="utf-8")
    bad = invoke("update", "--set", "ci=jenkins", "--repo", project)
    assert bad.exit_code == 2 and "jenkins" in bad.output


def test_template_checkout_of_the_same_version_is_a_no_op(bake: Bake, invoke: Invoke) -> None:
    project = bake()
    head = git(project, "rev-parse", "HEAD")
    result = invoke("update", "--template", REPO_ROOT, "--repo", project)
    assert result.exit_code == 0, result.output
    assert "Already on template" in result.output
    assert git(project, "rev-parse", "HEAD") == head


def test_downgrade_is_refused(old_bake: Bake, old_template: Path, invoke: Invoke) -> None:
    project = old_bake()
    assert invoke("update", "--repo", project).exit_code == 0
    result = invoke("update", "--template", old_template, "--repo", project)
    assert result.exit_code == 2
    assert "newer than this one" in result.output


@pytest.mark.slow
def test_interrupted_update_leaves_nothing_half_applied(old_bake: Bake) -> None:
    import signal
    import sys
    import time

    from mlops_kit.edits import JOURNAL_DIR
    from mlops_kit.update.merge import PENDING

    project = old_bake()
    start = git(project, "rev-parse", "HEAD")
    command = [sys.executable, "-m", "mlops_kit", "update", "--repo", str(project)]
    for delay in (0.3, 0.8, 1.5):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        head = git(project, "rev-parse", "HEAD")
        dirty = git(project, "status", "--porcelain", "--untracked-files=no")
        if head == start and dirty:
            # Killed while writing the files or before HEAD caught up: the edit's journal
            # or the update's marker says so, and the next run settles it (below).
            pending = (project / JOURNAL_DIR).is_dir() or (project / ".git" / PENDING).is_file()
            assert pending, dirty
        elif head == start:
            assert not (project / ADDED_FILE).exists()
        elif dirty:  # HEAD moved, the index not yet: the marker says so
            assert (project / ".git" / PENDING).is_file(), dirty
        else:  # it had finished: the whole update, nothing less
            assert git(project, "status", "--porcelain", "--untracked-files=no") == ""
            assert (project / ADDED_FILE).is_file()
            break
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    assert (project / ADDED_FILE).is_file() and not (project / REMOVED_FILE).exists()
    assert git(project, "status", "--porcelain") == ""


def test_set_module_name_renames_the_package_and_keeps_team_edits(
    bake: Bake, invoke: Invoke
) -> None:
    project = bake()
    prepare = project / "src/wine_classifier/stages/prepare.py"
    prepare.write_text(
        prepare.read_text(encoding="utf-8").replace('print(f"prepare: ', 'print(f"prepare+: '),
        encoding="utf-8",
    )
    commit_all(project, "Team edit")
    result = invoke("update", "--set", "module_name=wine", "--repo", project)
    assert result.exit_code == 0, result.output
    assert not (project / "src/wine_classifier").exists()
    renamed = (project / "src/wine/stages/prepare.py").read_text(encoding="utf-8")
    assert 'print(f"prepare+: ' in renamed
    assert "python -m wine.stages.prepare" in (project / "dvc.yaml").read_text(encoding="utf-8")
    assert 'module_name = "wine"' in (project / "pyproject.toml").read_text(encoding="utf-8")


def test_files_git_converts_are_written_by_git(old_bake: Bake, invoke: Invoke) -> None:
    project = old_bake()
    (project / ".gitattributes").write_text("*.md text eol=crlf\n", encoding="utf-8")
    commit_all(project, "Markdown with CRLF in the work tree")
    for path in project.rglob("*.md"):
        path.unlink()
    git(project, "checkout", "--", ".")
    assert b"\r\n" in (project / "README.md").read_bytes()
    result = invoke("update", "--repo", project)
    assert result.exit_code == 0, result.output
    assert b"\r\n" in (project / "notebooks/README.md").read_bytes()
    assert NOTEBOOKS_NEW in (project / "notebooks/README.md").read_text(encoding="utf-8")
    assert git(project, "status", "--porcelain") == ""


def test_update_killed_between_files_and_head_is_finished_next_time(
    old_bake: Bake, invoke: Invoke
) -> None:
    project = old_bake()
    start = git(project, "rev-parse", "HEAD").strip()
    assert invoke("update", "--repo", project).exit_code == 0
    merged = git(project, "rev-parse", "HEAD").strip()
    # The state a kill leaves after the change set is written and before HEAD moves.
    git(project, "update-ref", "HEAD", start)
    git(project, "read-tree", start)
    git_dir = Path(git(project, "rev-parse", "--absolute-git-dir").strip())
    (git_dir / "mlops-kit-update").write_text(f"{start} {merged}\n", encoding="ascii")
    assert git(project, "status", "--porcelain", "--untracked-files=no") != ""

    result = invoke("update", "--repo", project)

    assert result.exit_code == 0, result.output
    assert "finished an update that was interrupted" in result.output
    assert git(project, "rev-parse", "HEAD").strip() == merged
    assert git(project, "status", "--porcelain") == ""
    assert not (git_dir / "mlops-kit-update").exists()


def test_update_killed_while_writing_files_is_undone_then_run(
    old_bake: Bake, invoke: Invoke
) -> None:
    from mlops_kit.edits import FileChange

    project = old_bake()
    readme, notebooks = project / "README.md", project / "notebooks/README.md"
    changes = [
        FileChange(path, path.read_bytes(), path.read_bytes() + b"\nmerged\n")
        for path in (readme, notebooks)
    ]
    leave_killed_edit(project, changes, written=1)
    assert git(project, "status", "--porcelain", "--untracked-files=no") != ""

    result = invoke("update", "--repo", project)

    assert result.exit_code == 0, result.output
    assert "an earlier run was interrupted; undid its edit" in result.stderr
    assert result.output.count("an earlier run was interrupted") == 1, result.output
    assert (project / ADDED_FILE).is_file()
    assert b"merged" not in readme.read_bytes()
    assert git(project, "status", "--porcelain") == ""


def test_an_update_killed_after_moving_head_is_finished_by_the_next_run(tmp_path: Path) -> None:
    from mlops_kit.update.git import find_repo
    from mlops_kit.update.merge import PENDING, finish_interrupted

    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    git(project, "config", "user.email", "team@example.org")
    git(project, "config", "user.name", "Team")
    (project / "README.md").write_text("old\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "old")
    old = git(project, "rev-parse", "HEAD").strip()
    (project / "README.md").write_text("new\n")
    (project / "CONTRIBUTING.md").write_text("added\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "new")
    new = git(project, "rev-parse", "HEAD").strip()
    # The files and HEAD are the new commit's, the index still the old one's.
    git(project, "read-tree", old)
    (project / ".git" / PENDING).write_text(f"{old} {new}\n", encoding="ascii")
    assert git(project, "status", "--porcelain") != ""
    assert finish_interrupted(find_repo(project)) is not None
    assert git(project, "status", "--porcelain") == ""
    assert not (project / ".git" / PENDING).exists()
