"""Pristine bakes: the template rendered with a project's answers, stored as a git tree.

A bake is rendered into a temporary folder and added to the project's object store
through a temporary index; the project's work tree, index and refs are not touched.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from mlops_kit.errors import UsageError
from mlops_kit.update.git import Git


def template_version_of(template: Path) -> str:
    """Return the `_template_version` of a template folder."""
    try:
        data = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
        return str(data["_template_version"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(
            f"{template}: no _template_version in cookiecutter.json ({error})"
        ) from None


def full_answers(template: Path, answers: Mapping[str, str]) -> dict[str, str]:
    """Return every answer the template asks, recorded ones kept, new questions defaulted.

    Answers to questions the template no longer asks are dropped; the result is checked
    by the template's own validation.
    """
    from mlops_kit.new import collect_answers, load_validator, questions

    known = questions(template)
    given = {key: value for key, value in answers.items() if key in known}
    if "package_manager" in known and "package_manager" not in answers:
        # Projects baked before the question existed install with pip from requirements.lock.
        given["package_manager"] = "pip"
    collected = collect_answers(template, given, no_input=True)
    problems = load_validator(template).validate(collected)
    if problems:
        raise UsageError("; ".join(problems))
    return {key: str(value) for key, value in collected.items()}


def bake_tree(git: Git, template: Path, answers: Mapping[str, str]) -> str:
    """Render `template` with `answers` and return the id of the resulting git tree."""
    from mlops_kit.new import render

    git_dir = git.out("rev-parse", "--absolute-git-dir")
    with tempfile.TemporaryDirectory(prefix="mlops-kit-bake-") as temp:
        out = Path(temp) / "bake"
        out.mkdir()
        folder = render(template, answers, out)
        shutil.rmtree(folder / ".git", ignore_errors=True)
        index = {"GIT_INDEX_FILE": str(Path(temp) / "index")}
        tree_git = Git(folder, dict(git.env))
        tree_git.run(f"--git-dir={git_dir}", f"--work-tree={folder}", "add", "--all", env=index)
        return tree_git.out(f"--git-dir={git_dir}", "write-tree", env=index)
