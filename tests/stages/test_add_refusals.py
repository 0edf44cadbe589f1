"""Every refusal of add-stage: one `Error:` line, a non-zero exit, the tree untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Invoke
from stages.stage_tools import assert_unchanged, snapshot


def refused(invoke: Invoke, project: Path, *args: str, code: int = 2) -> str:
    """Run add-stage, assert it refused without touching the tree; return the message."""
    before = snapshot(project.parent)
    result = invoke("add-stage", *args, "--repo", project)
    assert result.exit_code == code, result.output
    assert_unchanged(project.parent, before)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Featurize", "not a lowercase Python identifier"),
        ("feat-urize", "not a lowercase Python identifier"),
        ("feat urize", "not a lowercase Python identifier"),
        ("featurize!", "not a lowercase Python identifier"),
        ("feat.urize", "not a lowercase Python identifier"),
        ("1featurize", "not a lowercase Python identifier"),
        ("_featurize", "not a lowercase Python identifier"),
        ("caf\u00e9", "not a lowercase Python identifier"),
        ("feat\u200burize", "not a lowercase Python identifier"),
        ("a/b", "path separator"),
        ("a\\b", "path separator"),
        ("..", "path separator or '..'"),
        ("../evil", "path separator"),
        ("class", "Python keyword"),
        ("match", "Python keyword"),
        ("hydra", "reserved"),
        ("x" * 41, "longer than 40"),
    ],
)
def test_refuses_a_bad_name(invoke: Invoke, project: Path, name: str, reason: str) -> None:
    assert reason in refused(invoke, project, name)


def test_refuses_an_empty_name(invoke: Invoke, project: Path) -> None:
    assert "empty" in refused(invoke, project, "")


@pytest.mark.parametrize(
    ("make", "where"),
    [
        (lambda p: None, "dvc.yaml (stage 'train')"),
        (lambda p: (p / "conf" / "featurize").mkdir(), "conf/featurize"),
        (lambda p: (p / "src/demo/stages/featurize.py").write_text(""), "src/demo/stages/"),
        (lambda p: (p / "tests/test_featurize.py").write_text(""), "tests/test_featurize.py"),
    ],
    ids=["dvc.yaml", "conf", "src", "tests"],
)
def test_refuses_a_name_that_exists(
    invoke: Invoke, project: Path, make: object, where: str
) -> None:
    assert callable(make)
    make(project)
    name = "train" if where.startswith("dvc.yaml") else "featurize"
    message = refused(invoke, project, name)
    assert "already exists" in message
    assert where in message
    assert "--force" in message


def test_refuses_a_config_group_that_is_not_a_stage_even_with_force(
    invoke: Invoke, project: Path
) -> None:
    assert "not a stage" in refused(invoke, project, "data", "--force")


def test_refuses_after_naming_no_stage(invoke: Invoke, project: Path) -> None:
    message = refused(invoke, project, "featurize", "--after", "prepair")
    assert "--after prepair: no such stage in dvc.yaml (stages: prepare, train)" in message


def test_refuses_after_a_stage_without_outs(invoke: Invoke, project: Path) -> None:
    dvc = project / "dvc.yaml"
    dvc.write_text(dvc.read_text() + "  report:\n    cmd: echo hi\n")
    assert "has no outs" in refused(invoke, project, "featurize", "--after", "report")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["-p", "nope"], "-p nope: no such key in params.yaml"),
        (["-p", "train.lr"], "-p train.lr: no such key"),
        (["-p", "a b"], "not a params key"),
        (["-d", "data/missing.csv"], "no such file, and no stage in dvc.yaml writes it"),
        (["-d", "/etc/passwd"], "relative to the project root"),
        (["-o", "../outside.csv"], "leaves the project"),
        (["-o", "data/\x1b[31mred.csv"], "cannot hold control characters"),
        (["-d", "data/a\nb.csv"], "cannot hold control characters"),
        (["-o", "data/processed/train.csv"], "an output of stage 'prepare'"),
        (["-o", "data/processed"], "an output of stage 'prepare'"),
        (["-o", "src/demo/x.py"], "outputs cannot go into src"),
        (["-o", "dvc.yaml"], "outputs cannot go into dvc.yaml"),
        (["-o", "data/a.csv", "-o", "data/a.csv/b"], "overlap"),
        (["-d", "data/raw/demo.csv", "-o", "data/raw/demo.csv"], "both an input and an output"),
        (["--after", "prepare", "-o", "data/a.csv", "-o", "data/b.csv"], "3 input tables"),
    ],
)
def test_refuses_bad_paths_and_params(
    invoke: Invoke, project: Path, args: list[str], reason: str
) -> None:
    assert reason in refused(invoke, project, "featurize", *args)


BROKEN_DVC = {
    "malformed": ("stages:\n  a:\n    cmd: [x\n  b: 1\n", "dvc.yaml:4:"),
    "duplicate": (
        "stages:\n  a:\n    cmd: x\n  a:\n    cmd: y\n",
        "dvc.yaml:4: found duplicate key",
    ),
    "null": ("# nothing yet\nstages:\n", "dvc.yaml:2: `stages:` is empty (null)"),
    "list": ("stages:\n  - cmd: x\n", "dvc.yaml:1: `stages:` is a list"),
    "flow": ("stages: {a: {cmd: x}}\n", "dvc.yaml:1: `stages:` is written in flow style"),
    "foreach": (
        "stages:\n  a:\n    foreach: [1, 2]\n    do:\n      cmd: echo ${item}\n",
        "dvc.yaml:3: stage 'a' uses `foreach`",
    ),
    "matrix": (
        "stages:\n  a:\n    matrix:\n      x: [1, 2]\n    cmd: echo ${item.x}\n",
        "dvc.yaml:3: stage 'a' uses `matrix`",
    ),
    "vars": ("vars:\n  - p.yaml\nstages:\n  a:\n    cmd: x\n", "dvc.yaml:1: uses `vars`"),
    "stage-vars": (
        "stages:\n  a:\n    vars:\n      - x: 1\n    cmd: echo ${x}\n",
        "dvc.yaml:3: stage 'a' uses `vars`",
    ),
    "no-stages": ("plots:\n  - x.json\n", "has no `stages:` mapping"),
    "scalar": ("just text\n", "dvc.yaml:1: the top level is not a mapping"),
    "two-documents": ("stages:\n  a:\n    cmd: x\n---\nb: 1\n", "dvc.yaml:4:"),
    "mixed-endings": ("stages:\r\n  a:\n    cmd: x\n", "mixes CRLF and LF"),
    "tab": ("stages:\n\ta:\n", "dvc.yaml:2:"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_DVC))
def test_refuses_a_dvc_yaml_it_cannot_edit_safely(invoke: Invoke, project: Path, case: str) -> None:
    content, reason = BROKEN_DVC[case]
    (project / "dvc.yaml").write_bytes(content.encode())
    assert reason in refused(invoke, project, "featurize")


def test_refuses_a_dvc_yaml_that_is_not_utf8(invoke: Invoke, project: Path) -> None:
    (project / "dvc.yaml").write_bytes("stages:\n  a:\n    cmd: x\n".encode("utf-16"))
    assert "not UTF-8 text" in refused(invoke, project, "featurize")


@pytest.mark.parametrize(
    ("relative", "content", "reason"),
    [
        ("conf/config.yaml", "defaults: [_self_]\n", "conf/config.yaml:1: `defaults:` is written"),
        ("conf/config.yaml", "a: 1\n", "has no `defaults:` list"),
        ("conf/config.yaml", "defaults:\n  - a: 1\n  - a: 1\n  b: [\n", "conf/config.yaml:"),
        ("params.yaml", "a: 1\na: 2\n", "params.yaml:2: found duplicate key"),
        ("data/catalog.yaml", "datasets:\n  - a\n", "`datasets:` is not a mapping"),
    ],
)
def test_refuses_other_files_it_cannot_edit_safely(
    invoke: Invoke, project: Path, relative: str, content: str, reason: str
) -> None:
    (project / relative).write_text(content)
    assert reason in refused(invoke, project, "featurize")


def test_refuses_a_dvc_yaml_symlinked_out_of_the_project(
    invoke: Invoke, project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.yaml"
    (project / "dvc.yaml").rename(outside)
    (project / "dvc.yaml").symlink_to(outside)
    assert "dvc.yaml is a symlink that leads out of the project" in refused(
        invoke, project, "featurize"
    )


def test_refuses_a_conf_folder_symlinked_out_of_the_project(
    invoke: Invoke, project: Path, tmp_path: Path
) -> None:
    (project / "conf").rename(tmp_path / "shared_conf")
    (project / "conf").symlink_to(tmp_path / "shared_conf")
    assert "symlink that leads out of the project" in refused(invoke, project, "featurize")


def test_refuses_a_folder_that_is_not_a_project(invoke: Invoke, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".git").mkdir()
    message = refused(invoke, empty, "featurize")
    assert "no mlops-kit project at or above" in message


def test_says_what_a_project_is_missing(invoke: Invoke, project: Path) -> None:
    (project / "params.yaml").unlink()
    (project / "data" / "catalog.yaml").unlink()
    message = refused(invoke, project, "featurize")
    assert "is not an mlops-kit project: missing params.yaml, data/catalog.yaml;" in message
    assert "`mlops-kit adopt` adds them" in message


def test_lists_every_missing_piece_at_once(invoke: Invoke, project: Path) -> None:
    (project / "params.yaml").unlink()
    (project / "src" / "demo" / "runner.py").unlink()
    (project / "tests" / "conftest.py").unlink()
    message = refused(invoke, project, "featurize")
    for piece in ("params.yaml", "src/demo/runner.py", "the `cfg` fixture in tests/conftest.py"):
        assert piece in message
    assert message.count("\n") == 0


def test_refuses_a_missing_repo_path(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("add-stage", "featurize", "--repo", tmp_path / "nope")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_refuses_a_hostile_module_name(invoke: Invoke, project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"demo"\nauthor', '"../x"\nauthor'))
    assert "is not a Python package name" in refused(invoke, project, "featurize")


@pytest.mark.parametrize("args", [[], ["featurize", "--no-such-option"], ["a", "b"]])
def test_usage_errors_exit_2(invoke: Invoke, project: Path, args: list[str]) -> None:
    before = snapshot(project.parent)
    result = invoke("add-stage", *args, "--repo", project)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert_unchanged(project.parent, before)
