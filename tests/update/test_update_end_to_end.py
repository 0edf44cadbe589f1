"""A team's project on an old template: edits, add-stage, update, resolve, everything green."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from helpers import run
from mlops_kit.template import template_version
from update.oldtemplate import ADDED_FILE, REMOVED_FILE, RENAMED_TO, WRITE_CSV_NEW

CONFLICT = re.compile(r"^<<<<<<< [^\n]*\n(.*?)^=======\n(.*?)^>>>>>>> [^\n]*\n", re.M | re.S)


def keep_both_sides(path: Path) -> None:
    """Resolve every conflict in `path` by keeping the team's lines, then the template's."""
    text = path.read_text(encoding="utf-8")
    assert CONFLICT.search(text), f"no conflict markers in {path}"
    path.write_text(CONFLICT.sub(lambda m: m.group(1) + m.group(2), text), encoding="utf-8")


@pytest.mark.slow
def test_team_project_updates_and_stays_green(
    old_bake: Callable[..., Path], project_env: dict[str, str]
) -> None:
    project = old_bake(example="minimal")  # prepare and train: the quicker pipeline
    env = {**project_env, "PYTHONPATH": str(project / "src")}  # runs without an install
    # The team's work: a changed stage, a new stage, a deleted file, an edited README.
    prepare = project / "src/wine_classifier/stages/prepare.py"
    prepare.write_text(
        prepare.read_text(encoding="utf-8").replace('print(f"prepare: ', 'print(f"prepare+: '),
        encoding="utf-8",
    )
    run(["mlops-kit", "add-stage", "featurize", "--after", "prepare"], project, env)
    (project / "notebooks/README.md").unlink()
    readme = project / "README.md"
    readme.write_text(
        readme.read_text(encoding="utf-8").replace(
            "or newer. From a fresh clone:", "or newer and 4 GB of RAM. From a clone:"
        )
        + "\n## Team notes\n\nAsk Ana before retraining.\n",
        encoding="utf-8",
    )
    run(["git", "add", "--all"], project, env)
    run(["git", "commit", "-q", "--no-verify", "-m", "Team work"], project, env)

    update = run(["mlops-kit", "update"], project, env, check=False)
    assert update.returncode == 1, update.stdout + update.stderr

    keep_both_sides(readme)
    run(["git", "rm", "-q", "notebooks/README.md"], project, env)
    run(["git", "add", "README.md"], project, env)
    run(["git", "commit", "-q", "--no-verify", "--no-edit"], project, env)

    text = readme.read_text(encoding="utf-8")
    assert "4 GB of RAM" in text and "git and make" in text and "Ask Ana" in text
    assert 'print(f"prepare+: ' in prepare.read_text(encoding="utf-8")
    assert WRITE_CSV_NEW in prepare.read_text(encoding="utf-8")
    assert "featurize" in (project / "dvc.yaml").read_text(encoding="utf-8")
    assert (project / "src/wine_classifier/stages/featurize.py").is_file()
    assert not (project / "notebooks/README.md").exists()
    assert (project / ADDED_FILE).is_file() and (project / RENAMED_TO).is_file()
    assert not (project / REMOVED_FILE).exists()
    assert f'template-version = "{template_version()}"' in (project / "pyproject.toml").read_text(
        encoding="utf-8"
    )
    assert run(["mlops-kit", "update", "--check"], project, env, check=False).returncode == 0

    repro = run(["dvc", "repro"], project, env, timeout=900).stdout
    assert "prepare+: " in repro  # the team's own edit of the stage ran
    lock = yaml.safe_load((project / "dvc.lock").read_text(encoding="utf-8"))
    assert "featurize" in lock["stages"]  # and the stage the update brought ran too
    run(["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env, timeout=900)
    audit = run(["mlops-kit", "audit", "--format", "json"], project, env, check=False)
    assert audit.returncode == 0, audit.stdout + audit.stderr
