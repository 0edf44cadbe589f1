"""Helpers for the audit tests: git, small repositories, in-process audits."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mlops_kit.audit import engine
from mlops_kit.audit.engine import Options, run_audit
from mlops_kit.audit.model import Report

GIT_IDENTITY = ["-c", "user.name=Audit Test", "-c", "user.email=audit@example.com"]


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` (fails the test on error)."""
    done = subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit_all(repo: Path, message: str = "change") -> None:
    """Stage everything (ignored files stay out) and commit."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", message)


def audit(path: Path, **options: object) -> Report:
    """Run the audit in-process, every rule asked for by name unless `select` is given.

    Asking by name runs the pillars a repository the kit did not bake gets only on request
    (DVC115, TRK107, LAY105), so the tests of their judgement run on any fixture;
    `select=None` audits as the command does by default.
    """
    options.setdefault("select", [rule.id for rule in engine.all_rules()])  # as patched
    return run_audit(path.resolve(), Options(**options))  # type: ignore[arg-type]


def fired(path: Path, **options: object) -> set[str]:
    """Ids of the rules that reported findings."""
    return {issue.rule for issue in audit(path, **options).issues}


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file; the old text must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def write(root: Path, relative: str, content: str | bytes) -> Path:
    """Write a file below `root`, creating folders."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return target


def make_repo(root: Path, files: dict[str, str | bytes], use_git: bool = True) -> Path:
    """A small repository made of `files` (committed when `use_git`)."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        write(root, relative, content)
    if use_git:
        git(root, "init", "-q")
        commit_all(root, "initial")
    return root


def repo(tmp_path: Path, files: dict[str, str | bytes], name: str = "r") -> Path:
    """A git repository `tmp_path/name` holding `files`, committed."""
    return make_repo(tmp_path / name, files)


def places(root: Path, rule: str) -> list[str]:
    """`path` or `path:line` of each finding of `rule`."""
    return [
        f"{i.path}:{i.line}" if i.line else str(i.path)
        for i in audit(root).issues
        if i.rule == rule
    ]


def places_per_readme(
    tmp_path: Path, files: dict[str, str | bytes], rule: str, readmes: list[str]
) -> dict[str, list[str]]:
    """`places` of `rule` for each README text, each in a repository of `files` beside it."""
    found = {}
    for text in readmes:
        name = f"readme{len(list(tmp_path.iterdir()))}"
        found[text] = places(repo(tmp_path, {**files, "README.md": text}, name), rule)
    return found


# The smallest training project: one script that fits a model, pinned, with a .gitignore.
# Tests add the shape they check to it.
TRAIN_SCRIPT = "from sklearn.linear_model import Ridge\n\nRidge().fit([[0]], [0])\n"
TRAINING_PROJECT: dict[str, str | bytes] = {
    "requirements.txt": "scikit-learn==1.6.1\n",
    "train.py": TRAIN_SCRIPT,
    ".gitignore": ".venv/\n",
}


def pickled(module: bytes, name: bytes, padding: int = 2_000) -> bytes:
    """A protocol-4 pickle of an object of `module.name` (STACK_GLOBAL), never loaded."""
    head = b"\x80\x04\x8c" + bytes([len(module)]) + module + b"\x94\x8c" + bytes([len(name)])
    state = b"\x8c\x04pads\x94C" + bytes([200]) + b"\0" * 200 + b"s"
    body = name + b"\x94\x93\x94)\x81\x94}\x94(" + state * (padding // 210) + b"u" + b"b."
    return head + body
