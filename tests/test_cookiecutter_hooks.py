"""Plain `cookiecutter` runs the same checks through the pre-generation hook."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from helpers import REPO_ROOT, run

COOKIECUTTER = str(Path(sys.executable).parent / "cookiecutter")


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            "project_slug=../escaped",
            "ERROR: project_slug '../escaped' is not a lowercase Python identifier",
        ),
        ("module_name=mlflow", "ERROR: module_name 'mlflow' would shadow"),
        ("author_email=@", "ERROR: author_email"),
        ("python_version=3.9", None),  # not a choice: cookiecutter itself refuses it
        ("project_name=Ok", None),
    ],
)
def test_hostile_extra_context_is_refused_and_leaves_nothing(
    tmp_path: Path, answer: str, message: str | None
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run(
        [COOKIECUTTER, "--no-input", str(REPO_ROOT), "-o", str(out), answer],
        cwd=tmp_path,
        check=False,
    )
    if answer == "project_name=Ok":
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode != 0
    if message:
        assert message in result.stderr
    assert listing(tmp_path) == ["out"]


def test_edited_replay_file_is_validated(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([COOKIECUTTER, "--no-input", str(REPO_ROOT), "-o", str(out)], cwd=tmp_path)
    # The suite's cookiecutter config puts replays in a temp folder; take the newest one.
    config = Path(os.environ["COOKIECUTTER_CONFIG"]).read_text(encoding="utf-8")
    replay_root = Path(config.split("replay_dir:")[1].split("\n")[0].strip())
    replays = sorted(replay_root.glob("*.json"), key=lambda p: p.stat().st_mtime)
    assert replays, "cookiecutter wrote no replay file"
    replay = json.loads(replays[-1].read_text(encoding="utf-8"))
    replay["cookiecutter"]["project_slug"] = "../../owned"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(replay), encoding="utf-8")
    second = tmp_path / "second"
    second.mkdir()
    result = run(
        [COOKIECUTTER, "--replay-file", str(edited), str(REPO_ROOT), "-o", str(second)],
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode != 0
    assert "ERROR: project_slug '../../owned'" in result.stderr
    assert listing(second) == []
    assert not (tmp_path.parent / "owned").exists()
