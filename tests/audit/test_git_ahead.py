"""git's answer on ignored paths, asked ahead of the rules, is the answer asked on demand.

The engine starts `git check-ignore` before the rules run (`RepoView.ask_ignored`); the
rules then read the answers (`RepoView.ignored`). A batch larger than the pipes between
the processes must not hang, and the answers must be those of a plain call.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, commit_all, make_repo
from mlops_kit.audit.repo import RepoView


def _paths(count: int) -> list[str]:
    # Long names, so the batch is several times a pipe's buffer in both directions.
    return [f"outputs/stage_{i:05d}/{'n' * 80}.{'csv' if i % 3 else 'tmp'}" for i in range(count)]


def test_a_large_batch_asked_ahead_gets_the_plain_answers(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {".gitignore": "*.tmp\n/outputs/stage_00007/\n"})
    paths = _paths(6000)
    ahead = RepoView(repo)
    ahead.ask_ignored(paths)
    answered = ahead.ignored(paths)
    plain = RepoView(repo).ignored(paths)
    assert answered == plain
    assert len(plain) == 2000 + 1  # every *.tmp, and the one csv in the ignored folder


def test_outside_git_nothing_is_asked_and_nothing_is_ignored(tmp_path: Path) -> None:
    folder = make_repo(tmp_path / "plain", {".gitignore": "*.tmp\n", "a.py": ""}, use_git=False)
    view = RepoView(folder)
    view.ask_ignored(["x.tmp"])
    assert view.ignored(["x.tmp"]) == set()


def test_the_rules_that_ask_see_the_answers_asked_ahead(project: Path) -> None:
    (project / ".gitignore").write_text("# nothing ignored\n", encoding="utf-8")
    commit_all(project)
    found = {(i.rule, i.message) for i in audit(project).issues}
    assert ("SEC104", ".env is not git-ignored") in found
    assert ("TRK104", "mlflow.db, mlruns are not git-ignored") in found
    assert ("DVC106", "stage 'train': output models/model is not git-ignored") in found
