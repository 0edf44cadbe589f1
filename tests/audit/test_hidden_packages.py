"""LAY116: packages an ignore pattern keeps out of git; DVC117: a remote on one drive."""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import places, repo

DATASET = "import torch\n\n\nclass KSDataset(torch.utils.data.Dataset):\n    pass\n"


def _project(gitignore: str, **more: str) -> dict[str, str | bytes]:
    return {
        **TRAINING,
        ".gitignore": gitignore,
        "src/kws/__init__.py": "",
        "src/kws/data/__init__.py": "",
        "src/kws/data/dataset.py": DATASET,
        "src/kws/training/__init__.py": "",
        "src/kws/training/train.py": "import torch\n\nfrom kws.data.dataset import KSDataset\n",
        "scripts/evaluate.py": "from kws.data import dataset\nfrom kws.training import train\n",
        **more,
    }


def test_a_data_pattern_that_hides_a_package_is_found_at_the_first_import(
    tmp_path: Path,
) -> None:
    found = repo(tmp_path, _project(".venv/\ndata/\n"), "hidden")
    assert places(found, "LAY116") == ["scripts/evaluate.py:1"]


def test_an_anchored_or_re_included_pattern_keeps_the_package(tmp_path: Path) -> None:
    assert places(repo(tmp_path, _project("/data/\n"), "anchored"), "LAY116") == []
    reincluded = _project("data/\n!src/kws/data/\n")
    assert places(repo(tmp_path, reincluded, "again"), "LAY116") == []


def test_a_package_src_itself_with_its_models_hidden(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        ".gitignore": "models/\n*.pkl\n",
        "src/__init__.py": "",
        "src/features/__init__.py": "",
        "src/models/__init__.py": "",
        "src/models/forest.py": "def fit():\n    pass\n",
        "run_pipeline.py": "from src.features import build\n\n\n"
        "from src.models.forest import fit\n",
    }
    assert places(repo(tmp_path, files, "src"), "LAY116") == ["run_pipeline.py:4"]


def test_generated_modules_and_third_party_names_are_left_alone(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        ".gitignore": "src/kws/_version.py\n*_pb2.py\n*_pb2*\ndata/\n",
        "src/kws/__init__.py": "from kws._version import version\nfrom kws import api_pb2\n",
        "src/kws/train.py": "from kws.api_pb2 import Request\nimport torch.utils.data\n",
        "src/kws/models.py": "from kws.models import Net\n",  # a module's attribute
        "src/kws/loader.py": "from sklearn.datasets import load_iris\nfrom . import data\n",
    }
    assert places(repo(tmp_path, files, "generated"), "LAY116") == []


def test_a_missing_package_git_does_not_ignore_is_not_this_rules(tmp_path: Path) -> None:
    files = _project(".venv/\n")
    del files["src/kws/data/__init__.py"], files["src/kws/data/dataset.py"]
    assert places(repo(tmp_path, files, "absent"), "LAY116") == []


def test_a_dvc_remote_on_a_windows_drive_is_one_machines_folder(tmp_path: Path) -> None:
    config = "[core]\n    remote = nasa\n['remote \"nasa\"']\n    url = {}\n"
    files: dict[str, str | bytes] = {**TRAINING, "dvc.yaml": "stages: {}\n"}
    drive = {**files, ".dvc/config": config.format("D:\\Projects\\nasa-data-remote")}
    assert places(repo(tmp_path, drive, "drive"), "DVC117") == [".dvc/config:4"]
    for name, url in [("s3", "s3://team/dvc"), ("gs", "gs://team/dvc"), ("ssh", "ssh://h/dvc")]:
        shared = {**files, ".dvc/config": config.format(url)}
        assert places(repo(tmp_path, shared, name), "DVC117") == []
