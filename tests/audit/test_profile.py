"""Detect, then judge: the repository profile the rules read (and `adopt` reuses)."""

from __future__ import annotations

import json
from pathlib import Path

from audit.support import make_repo
from mlops_kit.app import app
from mlops_kit.audit.profile import RepoProfile, profile_of
from mlops_kit.audit.repo import RepoView
from typer.testing import CliRunner

TRAIN_MAIN = (
    "import hydra\n\n\n"
    '@hydra.main(version_base=None, config_path="../configs", config_name="train")\n'
    "def main(cfg):\n    pass\n"
)


def profile(root: Path, files: dict[str, str | bytes], use_git: bool = True) -> RepoProfile:
    return profile_of(RepoView(make_repo(root, files, use_git=use_git)))


def test_baked_project_profile(baked: Path) -> None:
    found = profile_of(RepoView(baked))
    assert found.kit and found.kit_version
    assert found.kind == "project" and found.layout == "src"
    assert found.packages == ("src/wine_classifier",)
    assert found.hydra_config_dir == "conf" and found.dvc and found.dvc_pipeline and found.mlflow
    assert found.ci == ("github",) and "make" in found.task_runners
    assert found.hook_managers == ("pre-commit",)
    assert "pyproject.toml" in found.manifests and "poetry.lock" in found.locks
    assert found.test_files and all(p.startswith("tests/") for p in found.test_files)


def test_hydra_folder_and_name_come_from_hydra_main(tmp_path: Path) -> None:
    found = profile(
        tmp_path / "r",
        {
            "src/train.py": TRAIN_MAIN,
            "configs/train.yaml": "seed: 1\n",
            "conf/other.yaml": "a: 1\n",
        },
    )
    assert found.hydra and found.hydra_config_dir == "configs"
    assert found.hydra_config_name == "train"
    assert found.hydra_source == "src/train.py:4"


def test_hydra_compose_api_and_conventional_folders(tmp_path: Path) -> None:
    compose = (
        "from hydra import compose, initialize\n\n"
        "def load():\n"
        '    with initialize(version_base=None, config_path="settings"):\n'
        '        return compose(config_name="main")\n'
    )
    found = profile(tmp_path / "a", {"app/load.py": compose, "app/settings/main.yaml": "a: 1\n"})
    assert (found.hydra_config_dir, found.hydra_config_name) == ("app/settings", "main")
    # Hydra imported, the path built at run time: the conventional folder is taken.
    dynamic = "import hydra\nfrom hydra import initialize_config_dir\nPATH = make()\n"
    found = profile(tmp_path / "b", {"run.py": dynamic, "config/base.yaml": "a: 1\n"})
    assert found.hydra_config_dir == "config" and found.hydra_config_name is None
    # A config/ folder without Hydra is just YAML.
    found = profile(tmp_path / "c", {"run.py": "import yaml\n", "config/base.yaml": "a: 1\n"})
    assert not found.hydra and found.hydra_config_dir is None


def test_packaging_layout_and_kind(tmp_path: Path) -> None:
    found = profile(
        tmp_path / "a",
        {
            "setup.py": "from setuptools import setup\nsetup(name='x')\n",
            "requirements.txt": "pandas==2.2.3\n",
            "Pipfile.lock": "{}\n",
            "x/__init__.py": "",
            "x/train.py": "import sklearn\n",
        },
    )
    assert found.manifests == ("setup.py", "requirements.txt") and found.locks == ("Pipfile.lock",)
    assert found.package_metadata and found.layout == "flat" and found.packages == ("x",)
    assert found.kind == "project" and found.ml
    library = profile(
        tmp_path / "b",
        {"pyproject.toml": '[project]\nname = "lib"\n', "lib/__init__.py": "import numpy\n"},
    )
    assert library.kind == "library"
    scripts = profile(tmp_path / "c", {"train.py": "import torch\n", "environment.yml": "a: 1\n"})
    assert scripts.layout == "scripts" and scripts.kind == "project"
    notebooks = profile(tmp_path / "d", {"a.ipynb": "{}", "b.ipynb": "{}", "util.py": ""})
    assert notebooks.layout == "notebooks"
    template = profile(tmp_path / "e", {"cookiecutter.json": "{}", "{{x}}/train.py": "import x"})
    assert template.kind == "template" and template.layout == "none"


def test_mlflow_anywhere_in_the_code_but_not_only_in_tests(tmp_path: Path) -> None:
    found = profile(tmp_path / "a", {"train.py": "import mlflow\n\nmlflow.autolog()\n"})
    assert found.mlflow and found.mlflow_files == ("train.py",) and found.trackers == ("mlflow",)
    found = profile(tmp_path / "b", {"app.py": "", "tests/test_x.py": "import mlflow\n"})
    assert not found.mlflow
    found = profile(tmp_path / "c", {"MLproject": "name: x\n", "train.py": ""})
    assert found.mlflow


def test_ci_runners_and_hook_managers(tmp_path: Path) -> None:
    found = profile(
        tmp_path / "a",
        {
            ".gitlab-ci.yml": "test:\n  script: [just test]\n",
            "github/workflows/ci.yml": "on: push\n",
            "justfile": "test:\n    pytest\n",
            "noxfile.py": "import nox\n",
            "lefthook.yml": "pre-commit:\n  commands: {}\n",
            "pyproject.toml": '[tool.poe.tasks]\nlint = "ruff check ."\n',
            "x.py": "",
        },
    )
    assert found.ci == ("gitlab",) and found.ci_files == (".gitlab-ci.yml",)
    assert found.misplaced_ci == ("github/workflows/ci.yml",)
    assert found.task_runners == ("just", "nox", "poe")
    assert found.hook_managers == ("lefthook",)


def test_kit_stamp_but_not_an_audit_table(tmp_path: Path) -> None:
    stamped = '[tool.mlops-kit]\ntemplate-version = "0.1.0"\n'
    assert profile(tmp_path / "a", {"pyproject.toml": stamped}).kit
    audit_only = '[tool.mlops-kit.audit]\nfail-on = "warning"\n'
    assert not profile(tmp_path / "b", {"pyproject.toml": audit_only}).kit


def test_broken_python_and_strange_calls_do_not_break_detection(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "bad.py": "import hydra\n@hydra.main(config_path=\n",
        "odd.py": "import hydra\nhydra.main(config_path=PATH)(f)\ncompose()\n",
        "latin.py": b"import hydra\n# caf\xe9\n",
        "conf/config.yaml": "a: 1\n",
    }
    found = profile(tmp_path / "r", files, use_git=False)
    assert found.hydra and found.hydra_config_dir == "conf"


def test_reports_show_the_profile(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {"train.py": "import mlflow\n\nmlflow.autolog()\n", "requirements.txt": "x\n"},
    )
    runner = CliRunner()
    text = runner.invoke(app, ["audit", str(repo), "--fail-on", "never"]).output
    assert text.splitlines()[1].startswith("Detected: project; requirements.txt; layout scripts")
    data = json.loads(
        runner.invoke(app, ["audit", str(repo), "-f", "json", "--fail-on", "never"]).output
    )
    assert data["profile"]["mlflow_files"] == ["train.py"]
    assert data["profile"]["kind"] == "project"
    assert "DRF101" in data["not_applicable"] and "DVC102" in data["not_applicable"]
