"""Shapes met on a twenty-seventh set of public repositories the audit had never seen.

A Composer training template whose trainer logs to W&B through Hydra config, scratch
caches under /tmp, a local MinIO beside the S3 client variables, example and Sphinx
folders, and a project that explores in as many notebooks as it has scripts. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from audit.support import fired, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

TRAIN = (
    "import hydra\nimport torch\n\n\n@hydra.main(config_path='../configs', config_name='config')\n"
    "def main(cfg):\n    trainer = hydra.utils.instantiate(cfg.trainer)\n    trainer.fit()\n"
)


def composer(logger: str, local: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "mosaicml==0.24.1\nhydra-core==1.3.2\n",
        "src/__init__.py": "",
        "src/train.py": TRAIN,
        "configs/config.yaml": "defaults:\n  - logger: wandb\n  - _self_\ntrainer: {}\n",
        "configs/logger/wandb.yaml": f"wandb:\n  _target_: {logger}\n  project: demo\n",
        "configs/dataset/streaming.yaml": f"train_dataset:\n  remote: s3://b/c\n  local: {local}\n",
        ".gitignore": "outputs/\n",
    }


def test_a_trainer_logger_in_hydra_config_tracks_runs(tmp_path: Path) -> None:
    logged = repo(tmp_path, composer("composer.loggers.wandb_logger.WandBLogger", "/tmp/c"), "w")
    assert "wandb" in profile_of(RepoView(logged)).trackers
    assert "TRK107" not in fired(logged)
    csv = repo(tmp_path, composer("lightning.pytorch.loggers.CSVLogger", "/tmp/c"), "csv")
    assert "TRK107" in fired(csv)


def test_a_scratch_cache_under_tmp_is_no_machine_path(tmp_path: Path) -> None:
    scratch = repo(tmp_path, composer("composer.loggers.WandBLogger", "/tmp/mds-cache/c10/"), "t")
    assert places(scratch, "CFG104") == []
    home = repo(tmp_path, composer("composer.loggers.WandBLogger", "/home/ana/c10/"), "home")
    assert places(home, "CFG104") == ["configs/dataset/streaming.yaml:3"]


ENVIRONMENT = """name: burnout
dependencies:
  - python=3.11
  - mlflow=2.19.0
variables:
  AWS_ACCESS_KEY_ID: admin
  AWS_SECRET_ACCESS_KEY: {secret}
  MLFLOW_S3_ENDPOINT_URL: {endpoint}
"""


def test_the_s3_clients_key_for_a_local_object_store(tmp_path: Path) -> None:
    def environment(secret: str, endpoint: str) -> dict[str, str | bytes]:
        return {
            "environment.yml": ENVIRONMENT.format(secret=secret, endpoint=endpoint),
            "train.py": "import mlflow\n\nmlflow.log_metric('a', 1)\n",
            ".gitignore": "mlruns/\nmlflow.db\n",
        }

    local = environment("secretpassword", "http://127.0.0.1:9000")
    assert "SEC106" not in fired(repo(tmp_path, local, "local"))
    # MinIO's default credentials are a development container's, whatever the endpoint.
    default = environment("minioadmin", "http://minio.internal:9000")
    assert "SEC106" not in fired(repo(tmp_path, default, "default"))
    remote = environment("secretpassword", "https://s3.eu-west-1.amazonaws.com")
    assert "SEC106" in fired(repo(tmp_path, remote, "remote"))


def notebook_with_output() -> str:
    cell = {
        "cell_type": "code",
        "execution_count": 3,
        "metadata": {},
        "outputs": [{"output_type": "stream", "name": "stdout", "text": ["42\n"]}],
        "source": ["print(42)"],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_example_and_sphinx_folders_keep_their_outputs(tmp_path: Path) -> None:
    results = bytes(range(256)) * 100  # a 25 KB SQLite file an example wrote
    files: dict[str, str | bytes] = {
        "setup.py": 'from setuptools import setup\n\nsetup(name="bench", packages=["bench"])\n',
        "bench/__init__.py": "",
        "pipelines/train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
        "pipelines/github_example/main.py": "import bench\n",
        "pipelines/github_example/hello_world.db": results,
        "sphinx/source/conf.py": "project = 'bench'\n",
        "sphinx/source/example.ipynb": notebook_with_output(),
        ".gitignore": "build/\n",
    }
    root = repo(tmp_path, files, "bench")
    assert places(root, "DAT102") == []
    assert places(root, "DAT104") == []
    moved = {
        **files,
        "pipelines/runs/hello_world.db": results,
        "nb/example.ipynb": files["sphinx/source/example.ipynb"],
    }
    assert places(repo(tmp_path, moved, "moved"), "DAT102") == ["pipelines/runs/hello_world.db"]
    assert places(repo(tmp_path, moved, "moved2"), "DAT104") == ["nb/example.ipynb"]


def test_as_many_scripts_as_notebooks_is_a_code_project(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "lightgbm==4.5.0\nflask==3.1.0\n",
        "pipelines/train.py": "import lightgbm\n",
        "pipelines/ingestion.py": "import pandas\n",
        "pipelines/deployment.py": "import flask\n",
        "notebooks/1_eda.ipynb": notebook_with_output(),
        "notebooks/2_features.ipynb": notebook_with_output(),
        "notebooks/3_training.ipynb": notebook_with_output(),
        "notebooks/4_serving.ipynb": notebook_with_output(),
        ".gitignore": "data/\n",
        ".flake8": "[flake8]\nmax-line-length = 100\n",
    }
    root = repo(tmp_path, files, "mixed")
    assert profile_of(RepoView(root)).layout == "scripts"
    assert "LAY104" in fired(root)
    course = {
        **files,
        **{f"notebooks/{n}_lesson.ipynb": notebook_with_output() for n in range(5, 9)},
    }
    assert profile_of(RepoView(repo(tmp_path, course, "course"))).layout == "notebooks"
