"""Bring a project to a newer template (or new answers) with git's own three-way merge.

The pristine bakes live on the branch `mlops-kit/template`: each commit there is the
template of one version rendered with the project's answers, child of the previous one.
The project's history merges that branch, so git's merge base is the bake the project
last took, "theirs" is the new bake and "ours" is HEAD. The merge is computed in memory
(`git merge-tree`); the work tree is written only at the end: through the change set of
`edits.py` when the merge is clean, by `git merge` itself when a person must resolve
conflicts (ordinary markers, `git merge --abort` to back out).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mlops_kit.errors import UsageError
from mlops_kit.update.branch import BRANCH
from mlops_kit.update.git import Git, find_repo
from mlops_kit.update.pristine import bake_tree, full_answers, template_version_of
from mlops_kit.update.stamp import Stamp, read_stamp, version_tuple

if TYPE_CHECKING:
    from mlops_kit.edits import FileChange

REF = f"refs/heads/{BRANCH}"
BEHIND = 1
CONFLICTS = 1
PLAIN_FILE = "100644"
PENDING = "mlops-kit-update"  # in the git folder: "<old> <new>" while HEAD catches up


@dataclass(frozen=True)
class UpdateRequest:
    """What `mlops-kit update` was asked to do."""

    start: Path
    template: Path | None = None
    sets: Sequence[str] = ()
    check: bool = False
    diff: bool = False


@dataclass
class Outcome:
    """Lines to print and the exit code."""

    exit_code: int = 0
    lines: list[str] = field(default_factory=list)


def _template(option: Path | None) -> Path:
    from mlops_kit.new import check_template
    from mlops_kit.template import template_dir

    return template_dir() if option is None else check_template(option)


def _answers(template: Path, stamp: Stamp, sets: Sequence[str]) -> dict[str, str]:
    from mlops_kit.new import parse_assignments, questions

    return {**stamp.answers, **parse_assignments(sets, list(questions(template)))}


def _refuse_dirty(git: Git) -> None:
    if git.rev("MERGE_HEAD") is not None:
        raise UsageError(
            "a merge is in progress; resolve and commit it, or run `git merge --abort`, "
            "then run mlops-kit update again"
        )
    status = git.out("status", "--porcelain", "--untracked-files=no")
    if status:
        raise UsageError(
            "the work tree has uncommitted changes; commit or stash them, then run "
            "mlops-kit update again"
        )


def _check_identity(git: Git) -> None:
    if git.run("var", "GIT_COMMITTER_IDENT", check=False).returncode != 0:
        raise UsageError(
            "git has no user.name/user.email for the merge commit; set them "
            "(git config user.name ...; git config user.email ...) and run again"
        )


@contextlib.contextmanager
def _scratch_objects(git: Git, enabled: bool) -> Iterator[None]:
    """Keep every object a preview writes in a temporary store the repo never sees."""
    if not enabled:
        yield
        return
    objects = Path(git.out("rev-parse", "--git-path", "objects"))
    objects = objects if objects.is_absolute() else git.root / objects
    with tempfile.TemporaryDirectory(prefix="mlops-kit-objects-") as temp:
        saved = dict(git.env)
        alternates = os.pathsep.join(
            filter(None, [str(objects), os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES")])
        )
        git.env.update(
            {"GIT_OBJECT_DIRECTORY": temp, "GIT_ALTERNATE_OBJECT_DIRECTORIES": alternates}
        )
        try:
            yield
        finally:
            git.env.clear()
            git.env.update(saved)


def _merge_tree(git: Git, ours: str, theirs: str) -> tuple[str, list[str]]:
    result = git.run(
        "merge-tree", "--write-tree", "-z", "--name-only", "--no-messages", ours, theirs,
        check=False,
    )  # fmt: skip
    if result.returncode not in (0, 1):
        detail = " ".join(result.stderr.split())[:300]
        raise UsageError(f"git merge-tree failed: {detail}", 1)
    tree, *paths = result.stdout.split("\0")
    return tree.strip(), sorted({path for path in paths if path})


@dataclass(frozen=True)
class _Merge:
    head: str
    tip: str | None
    base: str
    theirs: str
    ours: str
    version: str


def _prepare(git: Git, request: UpdateRequest, stamp: Stamp, template: Path) -> _Merge:
    """Create the pristine commits (objects only, no ref moves) and return what to merge."""
    version = template_version_of(template)
    head = git.rev("HEAD")
    if head is None:
        raise UsageError("the repository has no commit yet; commit the project first")
    answers = _answers(template, stamp, request.sets)
    tip = git.rev(REF)
    base_tree = None
    if tip is None:
        if version_tuple(version) != version_tuple(stamp.version):
            raise UsageError(
                f"no {BRANCH} branch holds the pristine bake of template {stamp.version} "
                f"this project records, and this template is {version}: run `mlops-kit update "
                f"--template <a checkout of the template at {stamp.version}>` once to record "
                "it, then `mlops-kit update`"
            )
        base_tree = bake_tree(git, template, full_answers(template, stamp.answers))
        base = git.commit_tree(
            base_tree, [], f"mlops-kit template {stamp.version}: pristine bake", kit=True
        )
    else:
        base = tip
    if base_tree is not None and answers == stamp.answers:
        theirs_tree = base_tree
    else:
        theirs_tree = bake_tree(git, template, full_answers(template, answers))
    if git.tree_of(base) == theirs_tree:
        theirs = base
    else:
        theirs = git.commit_tree(
            theirs_tree, [base], f"mlops-kit template {version}: pristine bake", kit=True
        )
    ours = head
    if tip is None or not git.related(head, tip):
        ours = git.commit_tree(
            git.tree_of(head),
            [head, base],
            f"Record mlops-kit template {stamp.version} as the base of template updates",
        )
    return _Merge(head=head, tip=tip, base=base, theirs=theirs, ours=ours, version=version)


def _blob(git: Git, oid: str) -> bytes:
    import subprocess

    env = {**os.environ, **git.env}
    result = subprocess.run(
        ["git", "cat-file", "blob", oid], cwd=git.root, env=env, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise UsageError(f"git cat-file could not read {oid}: the repository is damaged", 1)
    return result.stdout


def _work_tree_changes(git: Git, old: str, new: str) -> list[FileChange] | None:
    """Return the file changes from commit `old` to `new`, or None when git must write them.

    Git writes them itself when a path is not a plain file (symlink, executable,
    submodule) or when the work tree holds other bytes than the commit (attributes such as
    eol conversion or filters apply).
    """
    from mlops_kit.edits import FileChange, read_bytes

    raw = git.out("diff", "--raw", "-z", "--no-renames", "--no-abbrev", old, new)
    fields = raw.split("\0") if raw else []
    changes: list[FileChange] = []
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        old_mode, new_mode, old_oid, new_oid, _status = meta.lstrip(":").split()
        if {old_mode, new_mode} - {PLAIN_FILE, "000000"}:
            return None
        target = git.root / path
        before = read_bytes(target) if old_mode != "000000" else None
        if old_mode != "000000" and before != _blob(git, old_oid):
            return None
        if old_mode == "000000" and (target.exists() or target.is_symlink()):
            raise UsageError(
                f"the update creates {path}, which exists untracked; move it away and run "
                "mlops-kit update again"
            )
        after = _blob(git, new_oid) if new_mode != "000000" else None
        changes.append(FileChange(target, before, after, prune_empty_parent=after is None))
    return changes


def _pending_marker(git: Git) -> Path:
    return Path(git.out("rev-parse", "--absolute-git-dir")) / PENDING


def _move_head(git: Git, old: str, new: str) -> list[str]:
    """Bring HEAD, index and files from `old` to `new` (a descendant); return changed paths.

    The files go first (one change set); HEAD follows. A marker in the git folder names
    both commits meanwhile, so a run killed between the two is finished by the next one.
    """
    from mlops_kit.edits import apply_changes

    paths = _summary(git, old, new)
    changes = _work_tree_changes(git, old, new)
    if changes is None:
        git.run("merge", "--ff-only", "--quiet", new)
        return paths
    marker = _pending_marker(git)
    marker.write_text(f"{old} {new}\n", encoding="ascii")
    apply_changes(changes, git.root)
    _point_head(git, old, new)
    marker.unlink(missing_ok=True)
    return paths


def _point_head(git: Git, old: str, new: str) -> None:
    git.run("update-ref", "-m", "mlops-kit update", "HEAD", new, old)
    git.run("read-tree", new)
    git.run("update-index", "-q", "--refresh", check=False)


def _work_tree_matches(git: Git, commit: str) -> bool:
    """Return True when every file of `commit` is in the work tree with its content."""
    with tempfile.TemporaryDirectory(prefix="mlops-kit-index-") as temp:
        index = {"GIT_INDEX_FILE": str(Path(temp) / "index")}
        git.run("read-tree", commit, env=index)
        git.run("update-index", "-q", "--refresh", env=index, check=False)
        return git.run("diff-files", "--quiet", env=index, check=False).returncode == 0


def finish_interrupted(git: Git) -> str | None:
    """Finish an update killed after writing its files and before moving HEAD.

    Returns a note when something was finished. A marker whose files were rolled back
    (the work tree still matches HEAD) is only removed.
    """
    marker = _pending_marker(git)
    try:
        old, new = marker.read_text(encoding="ascii").split()
    except (OSError, ValueError):
        marker.unlink(missing_ok=True)
        return None
    note = None
    head = git.rev("HEAD")
    if head == old and git.rev(new) == new and _work_tree_matches(git, new):
        _point_head(git, old, new)
        note = "finished an update that was interrupted after writing its files"
    elif head == new:  # killed after HEAD moved, before the index followed it
        git.run("read-tree", new)
        git.run("update-index", "-q", "--refresh", check=False)
        note = "finished an update that was interrupted after moving HEAD"
    marker.unlink(missing_ok=True)
    return note


KINDS = {"A": "added", "D": "deleted", "M": "updated", "R": "renamed", "T": "changed"}


def _summary(git: Git, old: str, new: str) -> list[str]:
    """Return one line per changed path: `updated README.md`, `renamed a -> b`."""
    fields = git.out("diff", "--name-status", "-z", "-M", old, new).split("\0")
    lines: list[str] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        kind = KINDS.get(status[:1], status)
        if status[:1] in ("R", "C"):
            lines.append(f"{kind} {fields[index + 1]} -> {fields[index + 2]}")
            index += 3
        else:
            lines.append(f"{kind} {fields[index + 1]}")
            index += 2
    return lines


def _set_template_ref(git: Git, merge: _Merge) -> None:
    git.run("update-ref", "-m", "mlops-kit update", REF, merge.theirs, merge.tip or "")


def run_update(request: UpdateRequest) -> Outcome:
    """Run `mlops-kit update` as asked and return what to print and the exit code."""
    git = find_repo(request.start)
    lines: list[str] = []
    if not (request.diff or request.check):
        from mlops_kit.edits import settle_interrupted

        # Reported on stderr at once (even if the update then refuses), so not in `lines`.
        settle_interrupted(git.root)
        note = finish_interrupted(git)
        if note:
            lines.append(f"Note: {note}.")
    stamp = read_stamp(git.root)
    template = _template(request.template)
    version = template_version_of(template)
    answers = _answers(template, stamp, request.sets)
    changed = sorted(key for key, value in answers.items() if stamp.answers.get(key) != value)
    ours_v, theirs_v = version_tuple(stamp.version), version_tuple(version)
    if theirs_v is None:
        raise UsageError(f"template version {version!r} is not a version number")
    assert ours_v is not None
    if request.check:
        return _check(stamp, version, changed, theirs_v > ours_v)
    if theirs_v == ours_v and not changed and _recorded_current(git):
        return Outcome(0, [*lines, f"Already on template {version}; nothing to merge."])
    if theirs_v < ours_v:
        raise UsageError(
            f"the project follows template {stamp.version}, newer than this one ({version}); "
            "upgrade mlops-kit or pass --template with a newer checkout"
        )
    if not request.diff:
        _refuse_dirty(git)
        _check_identity(git)
    with _scratch_objects(git, request.diff):
        merge = _prepare(git, request, stamp, template)
        if git.is_ancestor(merge.theirs, merge.ours):
            outcome = _already_current(git, request, merge, stamp)
        else:
            tree, conflicts = _merge_tree(git, merge.ours, merge.theirs)
            if request.diff:
                return _preview(git, merge, tree, conflicts)
            outcome = _apply(git, merge, tree, conflicts, changed)
    outcome.lines[:0] = lines
    return outcome


def _recorded_current(git: Git) -> bool:
    """Return True when HEAD already holds the template branch (no bake needed to know)."""
    tip, head = git.rev(REF), git.rev("HEAD")
    return tip is not None and head is not None and git.is_ancestor(tip, head)


def _check(stamp: Stamp, version: str, changed: list[str], newer: bool) -> Outcome:
    if newer:
        return Outcome(BEHIND, [f"behind: template {stamp.version}; the template is {version}"])
    if changed:
        return Outcome(BEHIND, [f"behind: answers to change: {', '.join(changed)}"])
    return Outcome(0, [f"current: template {stamp.version}"])


def _already_current(git: Git, request: UpdateRequest, merge: _Merge, stamp: Stamp) -> Outcome:
    lines = [f"Already on template {merge.version}; nothing to merge."]
    if merge.ours != merge.head and not request.diff:
        _move_head(git, merge.head, merge.ours)
        _set_template_ref(git, merge)
        lines.append(
            f"Recorded the pristine bake of template {stamp.version} on branch {BRANCH} "
            "(one commit, no file changed): later updates merge from it."
        )
    return Outcome(0, lines)


def _preview(git: Git, merge: _Merge, tree: str, conflicts: list[str]) -> Outcome:
    diff = git.run("diff", "--no-color", "--no-ext-diff", merge.head, tree).stdout
    lines = [diff.rstrip("\n")] if diff.strip() else []
    if conflicts:
        lines.append(f"{len(conflicts)} file(s) would conflict: {', '.join(conflicts)}")
    lines.append(f"mlops-kit update would bring the project to template {merge.version}.")
    return Outcome(0, lines)


def _apply(git: Git, merge: _Merge, tree: str, conflicts: list[str], changed: list[str]) -> Outcome:
    message = f"Update to mlops-kit template {merge.version}"
    if changed:
        message += f" (answers changed: {', '.join(changed)})"
    linked = merge.ours == merge.head
    if linked:  # the branch keeps the bake even if this run is stopped before HEAD moves
        _set_template_ref(git, merge)
    if not conflicts:
        commit = git.commit_tree(tree, [merge.ours, merge.theirs], message)
        paths = _move_head(git, merge.head, commit)
        if not linked:
            _set_template_ref(git, merge)
        return Outcome(0, [f"{message}: {len(paths)} file(s) changed.", *(f"  {p}" for p in paths)])
    if not linked:
        _move_head(git, merge.head, merge.ours)
        _set_template_ref(git, merge)
    git.run("merge", "--no-ff", "--no-edit", "-m", message, merge.theirs, check=False)
    unmerged = git.out("diff", "--name-only", "--diff-filter=U").splitlines() or conflicts
    lines = [
        f"{message}: {len(unmerged)} file(s) need a person (conflict markers or a "
        "modify/delete choice):",
        *(f"  {path}" for path in unmerged),
        "Resolve them, `git add` them and `git commit`; or back out with `git merge --abort`.",
    ]
    return Outcome(CONFLICTS, lines)
