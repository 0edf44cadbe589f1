"""remove-stage undoes add-stage exactly, and refuses to break the stages that remain."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import Invoke
from stages.stage_tools import assert_unchanged, snapshot


def files_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def ok(invoke: Invoke, *args: str | Path) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def refused(invoke: Invoke, project: Path, *args: str) -> str:
    before = snapshot(project.parent)
    result = invoke("remove-stage", *args, "--repo", project)
    assert result.exit_code == 2, result.output
    assert_unchanged(project.parent, before)
    assert len(result.stderr.splitlines()) == 1
    return str(result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["--after", "prepare"],
        ["-o", "reports/x.csv", "-m", "reports/x.json", "-p", "train.cv_folds"],
        [],
    ],
    ids=["after", "outs-metrics-params", "plain"],
)
def test_add_then_remove_gives_back_the_original_bytes(
    invoke: Invoke, project: Path, args: list[str]
) -> None:
    original = files_of(project)
    ok(invoke, "add-stage", "featurize", *args, "--repo", project)
    assert files_of(project) != original
    out = ok(invoke, "remove-stage", "featurize", "--repo", project)
    assert "deleted src/demo/stages/featurize.py" in out
    assert files_of(project) == original
    assert not (project / "conf" / "featurize").exists()


def test_dry_run_shows_the_removal_and_writes_nothing(invoke: Invoke, project: Path) -> None:
    ok(invoke, "add-stage", "featurize", "--after", "prepare", "--repo", project)
    before = snapshot(project.parent)
    out = ok(invoke, "remove-stage", "featurize", "--dry-run", "--repo", project)
    assert_unchanged(project.parent, before)
    assert "--- a/src/demo/stages/featurize.py\n+++ /dev/null\n" in out
    assert "-  featurize:\n-    cmd: python -m demo.stages.featurize\n" in out
    assert "-  - featurize: default\n" in out


def test_refuses_while_another_stage_uses_its_outputs(invoke: Invoke, project: Path) -> None:
    ok(invoke, "add-stage", "featurize", "--after", "prepare", "--repo", project)
    ok(invoke, "add-stage", "select", "--after", "featurize", "-p", "featurize", "--repo", project)
    message = refused(invoke, project, "featurize")
    outputs = "data/featurize/demo.csv, data/featurize/train.csv, data/featurize/test.csv"
    assert f"stage 'select' depends on its outputs ({outputs})" in message
    assert "stage 'select' reads its params (featurize)" in message
    assert "--force" in message
    ok(invoke, "remove-stage", "featurize", "--force", "--repo", project)
    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    assert list(stages) == ["prepare", "select", "train"]


def test_refuses_a_hand_written_stage_that_others_depend_on(invoke: Invoke, project: Path) -> None:
    assert "stage 'train' depends on its outputs (data/processed/train.csv)" in refused(
        invoke, project, "prepare"
    )


def test_refuses_an_unknown_stage(invoke: Invoke, project: Path) -> None:
    message = refused(invoke, project, "featurize")
    assert "no stage 'featurize' in dvc.yaml (stages: prepare, train)" in message
    assert "nothing of a stage 'featurize'" in refused(invoke, project, "featurize", "--force")


def test_refuses_a_bad_name(invoke: Invoke, project: Path) -> None:
    assert "path separator" in refused(invoke, project, "../train")


def test_never_removes_a_config_group_that_is_not_a_stage(invoke: Invoke, project: Path) -> None:
    message = refused(invoke, project, "data", "--force")
    assert "config group with options of its own" in message


def test_force_removes_the_leftovers_of_a_stage_gone_from_dvc_yaml(
    invoke: Invoke, project: Path
) -> None:
    original = files_of(project)
    ok(invoke, "add-stage", "featurize", "--repo", project)
    dvc = project / "dvc.yaml"
    dvc.write_bytes(original["dvc.yaml"])
    ok(invoke, "remove-stage", "featurize", "--force", "--repo", project)
    assert files_of(project) == original


def test_also_drops_its_dvc_lock_entry_and_gitignore_lines(invoke: Invoke, project: Path) -> None:
    ok(invoke, "add-stage", "featurize", "-o", "out/table.csv", "--repo", project)
    lock = (
        "schema: '2.0'\n"
        "stages:\n"
        "  prepare:\n    cmd: python -m demo.stages.prepare\n"
        "  featurize:\n    cmd: python -m demo.stages.featurize\n"
        "    outs:\n    - path: out/table.csv\n      md5: 0123\n"
        "  train:\n    cmd: python -m demo.stages.train\n"
    )
    (project / "dvc.lock").write_text(lock)
    (project / "out").mkdir()
    (project / "out" / ".gitignore").write_text("/other.csv\n/table.csv\n")
    ok(invoke, "remove-stage", "featurize", "--repo", project)
    assert list(yaml.safe_load((project / "dvc.lock").read_text())["stages"]) == [
        "prepare",
        "train",
    ]
    assert (project / "out" / ".gitignore").read_text() == "/other.csv\n"


def test_crlf_bom_and_blank_line_styles_survive_a_round_trip(invoke: Invoke, project: Path) -> None:
    catalog = project / "data/catalog.yaml"
    catalog.write_text(catalog.read_text().replace("  train:\n", "\n  train:\n"))
    for name in ("dvc.yaml", "conf/config.yaml", "params.yaml", "data/catalog.yaml"):
        path = project / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    original = files_of(project)
    ok(invoke, "add-stage", "featurize", "--after", "prepare", "--repo", project)
    for name in ("dvc.yaml", "conf/config.yaml", "params.yaml", "data/catalog.yaml"):
        data = (project / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert data.count(b"\n") == data.count(b"\r\n"), name
    # The catalog separates entries by blank lines, so the new entries are too.
    entries = catalog.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert "\n\n  featurize_demo:\n" in entries
    assert "\n\n  featurize_train:\n" in entries
    ok(invoke, "remove-stage", "featurize", "--repo", project)
    assert files_of(project) == original
