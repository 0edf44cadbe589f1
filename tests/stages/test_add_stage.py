"""add-stage on a small contract-shaped project: what it writes, and what it leaves alone."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml
from helpers import Invoke
from stages.stage_tools import assert_unchanged, snapshot

NEW_FILES = [
    "src/demo/stages/featurize.py",
    "conf/featurize/default.yaml",
    "tests/test_featurize.py",
]
EDITED = ["dvc.yaml", "conf/config.yaml", "params.yaml", "data/catalog.yaml"]


def inserted_lines(before: bytes, after: bytes) -> list[list[bytes]]:
    """Return the blocks of lines `after` adds; fail if it changes or drops any line."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    blocks = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        assert tag == "insert", (tag, old[i1:i2], new[j1:j2])
        blocks.append(new[j1:j2])
    return blocks


def only_insertion(before: bytes, after: bytes) -> bytes:
    """Return the one block `after` inserts into `before` (nothing else may differ)."""
    blocks = inserted_lines(before, after)
    assert len(blocks) == 1, blocks
    return b"".join(blocks[0])


def read(project: Path) -> dict[str, bytes]:
    return {name: (project / name).read_bytes() for name in EDITED}


def test_dry_run_prints_a_diff_and_writes_nothing(invoke: Invoke, project: Path) -> None:
    before = snapshot(project.parent)
    result = invoke("add-stage", "featurize", "--after", "prepare", "--dry-run", "--repo", project)
    assert result.exit_code == 0, result.output
    assert_unchanged(project.parent, before)
    for name in NEW_FILES:
        assert f"--- /dev/null\n+++ b/{name}\n" in result.stdout
    for name in EDITED:
        assert f"--- a/{name}\n+++ b/{name}\n" in result.stdout
    assert "+  featurize:\n+    cmd: python -m demo.stages.featurize\n" in result.stdout
    assert "nothing was written" in result.stdout


def test_one_folder_output_gets_one_file_per_input(invoke: Invoke, project: Path) -> None:
    result = invoke("add-stage", "merge", "--after", "prepare", "-o", "data/all", "--repo", project)
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((project / "conf/merge/default.yaml").read_text())
    assert config["tables"] == {
        "demo": {"input_paths": ["data/raw/demo.csv"], "output_path": "data/all/demo.csv"},
        "train": {"input_paths": ["data/processed/train.csv"], "output_path": "data/all/train.csv"},
        "test": {"input_paths": ["data/processed/test.csv"], "output_path": "data/all/test.csv"},
    }
    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    assert stages["merge"]["outs"] == ["data/all"]


def test_writes_the_stage_and_inserts_only_new_blocks(invoke: Invoke, project: Path) -> None:
    before = read(project)
    result = invoke("add-stage", "featurize", "--after", "prepare", "--repo", project)
    assert result.exit_code == 0, result.output
    after = read(project)
    for name in NEW_FILES:
        assert (project / name).is_file()

    block = only_insertion(before["dvc.yaml"], after["dvc.yaml"])
    assert block == (
        b"  featurize:\n"
        b"    cmd: python -m demo.stages.featurize\n"
        b"    deps:\n"
        b"      - src/demo/stages/featurize.py\n"
        b"      - data/raw/demo.csv\n"
        b"      - data/processed/train.csv\n"
        b"      - data/processed/test.csv\n"
        b"    params:\n"
        b"      - featurize\n"
        b"    outs:\n"
        b"      - data/featurize/demo.csv\n"
        b"      - data/featurize/train.csv\n"
        b"      - data/featurize/test.csv\n"
        b"\n"
    )
    stages = yaml.safe_load(after["dvc.yaml"])["stages"]
    assert list(stages) == ["prepare", "featurize", "train"]

    assert only_insertion(before["conf/config.yaml"], after["conf/config.yaml"]) == (
        b"  - featurize: default\n"
    )
    defaults = yaml.safe_load(after["conf/config.yaml"])["defaults"]
    assert defaults.index({"featurize": "default"}) == defaults.index({"prepare": "default"}) + 1

    params = yaml.safe_load(after["params.yaml"])
    config = yaml.safe_load((project / "conf/featurize/default.yaml").read_text())
    assert params["featurize"] == config
    assert list(params) == ["data", "prepare", "featurize", "train"]
    only_insertion(before["params.yaml"], after["params.yaml"])

    only_insertion(before["data/catalog.yaml"], after["data/catalog.yaml"])
    datasets = yaml.safe_load(after["data/catalog.yaml"])["datasets"]
    mine = {k: v for k, v in datasets.items() if v["produced_by"] == "featurize"}
    assert sorted(entry["path"] for entry in mine.values()) == [
        "data/featurize/demo.csv",
        "data/featurize/test.csv",
        "data/featurize/train.csv",
    ]
    train = mine["featurize_train"]
    assert set(train) == {
        "path",
        "description",
        "source",
        "owner",
        "license",
        "produced_by",
        "schema",
    }
    # A table made from one input inherits that dataset's owner, licence and schema.
    assert (train["owner"], train["license"]) == ("Data Team", "CC-BY-4.0")
    assert train["schema"] == datasets["train"]["schema"]
    assert not (project / ".mlops-kit.lock").exists()


def test_the_stage_config_names_its_inputs_and_outputs(invoke: Invoke, project: Path) -> None:
    args = ["-d", "data/raw/demo.csv", "-o", "reports/summary.csv", "-m", "reports/f.json"]
    result = invoke("add-stage", "featurize", *args, "-p", "data", "--repo", project)
    assert result.exit_code == 0, result.output
    stage = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]["featurize"]
    assert stage == {
        "cmd": "python -m demo.stages.featurize",
        "deps": ["src/demo/stages/featurize.py", "data/raw/demo.csv"],
        "params": ["featurize", "data"],
        "outs": ["reports/summary.csv"],
        "metrics": [{"reports/f.json": {"cache": False}}],
    }
    config = yaml.safe_load((project / "conf/featurize/default.yaml").read_text())
    assert config["tables"] == {
        "summary": {"input_paths": ["data/raw/demo.csv"], "output_path": "reports/summary.csv"}
    }
    assert config["metrics_paths"] == ["reports/f.json"]
    # Nothing new under data/, so the catalog is left as it was.
    result_catalog = (project / "data/catalog.yaml").read_text()
    assert "featurize" not in result_catalog


def test_without_inputs_the_stage_writes_one_table(invoke: Invoke, project: Path) -> None:
    assert invoke("add-stage", "ingest", "--repo", project).exit_code == 0
    config = yaml.safe_load((project / "conf/ingest/default.yaml").read_text())
    assert config["tables"] == {"ingest": {"input_paths": [], "output_path": "data/ingest.csv"}}
    stage = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]["ingest"]
    assert stage["deps"] == ["src/demo/stages/ingest.py"]
    assert stage["outs"] == ["data/ingest.csv"]
    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    assert list(stages) == ["prepare", "train", "ingest"]
    defaults = yaml.safe_load((project / "conf/config.yaml").read_text())["defaults"]
    assert defaults[-1] == {"ingest": "default"}


def test_finds_the_project_from_a_subdirectory(
    invoke: Invoke, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "src" / "demo" / "stages")
    result = invoke("add-stage", "featurize", "--after", "prepare")
    assert result.exit_code == 0, result.output
    assert (project / "src/demo/stages/featurize.py").is_file()


def test_force_replaces_an_existing_stage_in_place(invoke: Invoke, project: Path) -> None:
    assert invoke("add-stage", "featurize", "--after", "prepare", "--repo", project).exit_code == 0
    module = project / "src/demo/stages/featurize.py"
    module.write_text("# edited by hand\n")
    first = read(project)
    result = invoke(
        "add-stage", "featurize", "--after", "prepare", "-o", "data/all", "--force",
        "--repo", project,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "edited by hand" not in module.read_text()
    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    assert list(stages) == ["prepare", "featurize", "train"]
    assert stages["featurize"]["outs"] == ["data/all"]
    defaults = (project / "conf/config.yaml").read_text()
    assert defaults.count("featurize: default") == 1
    assert first["conf/config.yaml"] == (project / "conf/config.yaml").read_bytes()
    datasets = yaml.safe_load((project / "data/catalog.yaml").read_text())["datasets"]
    mine = [v["path"] for v in datasets.values() if v["produced_by"] == "featurize"]
    assert mine == ["data/all/demo.csv", "data/all/train.csv", "data/all/test.csv"]


def test_two_runs_at_once_lose_no_update(project: Path, project_env: dict[str, str]) -> None:
    import subprocess

    names = ["alpha", "beta", "gamma", "delta"]
    processes = [
        subprocess.Popen(
            ["mlops-kit", "add-stage", name, "--repo", str(project)],
            env=project_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    outcomes = {}
    for name, process in zip(names, processes, strict=True):
        _, err = process.communicate(timeout=120)
        outcomes[name] = (process.returncode, err)
    added = [name for name, (code, _) in outcomes.items() if code == 0]
    for name, (code, err) in outcomes.items():
        assert code == 0 or (code == 1 and err.startswith("Error: busy")), (name, code, err)
    assert added
    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    assert sorted(set(stages) - {"prepare", "train"}) == sorted(added)
    params = yaml.safe_load((project / "params.yaml").read_text())
    defaults = yaml.safe_load((project / "conf/config.yaml").read_text())["defaults"]
    for name in names:
        assert (name in params) == (name in added)
        assert ({name: "default"} in defaults) == (name in added)
        assert (project / f"src/demo/stages/{name}.py").exists() == (name in added)
    assert not (project / ".mlops-kit.lock").exists()


def test_a_failing_write_leaves_every_file_as_it_was(invoke: Invoke, project: Path) -> None:
    # A folder sits where the test file's temporary copy goes: the module and the config
    # are written first, then writing the test fails; all must be rolled back.
    (project / "tests" / ".test_featurize.py.mlops-kit.tmp").mkdir()
    before = snapshot(project.parent)
    result = invoke("add-stage", "featurize", "--repo", project)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: could not write tests/test_featurize.py")
    assert "every file was restored" in result.stderr
    assert_unchanged(project.parent, before)


def test_an_anchored_input_schema_is_reused_as_an_alias(invoke: Invoke, project: Path) -> None:
    catalog = project / "data/catalog.yaml"
    text = catalog.read_text().replace(
        "    schema:\n      a: float64\n      b: int64\n", "    schema: &split\n      a: float64\n"
    )
    catalog.write_text(text)
    assert invoke("add-stage", "featurize", "--after", "prepare", "--repo", project).exit_code == 0
    block = only_insertion(text.encode(), catalog.read_bytes()).decode()
    assert "  featurize_train:\n" in block
    assert "    source: train\n" in block
    assert "    schema: *split\n" in block
    datasets = yaml.safe_load(catalog.read_text())["datasets"]
    assert datasets["featurize_train"]["schema"] == {"a": "float64"}


def test_the_command_path_imports_no_heavy_library(project: Path) -> None:
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from mlops_kit.app import app\n"
        "args = ['add-stage', 'featurize', '--after', 'prepare', '--dry-run']\n"
        "try:\n"
        "    app([*args, '--repo', sys.argv[1]])\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "heavy = {'dvc', 'mlflow', 'hydra', 'pandas', 'omegaconf', 'yaml', 'rich'}\n"
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(project)], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "[]", result.stderr


def test_the_fixture_project_runs_the_template_s_own_kit_modules(
    project: Path, tmp_path: Path
) -> None:
    from helpers import bake_project
    from stages.fixture_project import KIT_MODULES

    baked = bake_project(tmp_path / "bake", project_name="Demo", module_name="demo")
    for name in KIT_MODULES:
        ours = (project / "src/demo" / name).read_bytes()
        assert ours == (baked / "src/demo" / name).read_bytes(), name
