"""Shapes met on a sixty-sixth and sixty-seventh set of public repositories.

Path values OmegaConf writes as Python tags, a third-party licence notice, AWS CodeBuild
buildspecs, and a notebook whose output quotes MLflow's warning about `mlflow.db`. Each
test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from audit.support import places, repo

TRAIN = (
    'import hydra\n\n\n@hydra.main(config_path="../configs", config_name="config", '
    'version_base="1.3")\ndef main(cfg):\n    pass\n'
)


def test_path_values_omegaconf_writes(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.1\n",
        "src/train.py": TRAIN,
        "configs/config.yaml": "defaults:\n  - dataset: base\n",
        "configs/dataset/base.yaml": 'root_dir: !!python/object/apply:pathlib.Path ["./data"]\n',
    }
    assert places(repo(tmp_path, files, "path"), "CFG101") == []
    stray = {**files, "configs/dataset/base.yaml": "loader: !!python/name:os.system\n"}
    assert places(repo(tmp_path, stray, "stray"), "CFG101") == ["configs/dataset/base.yaml:1"]


def test_a_third_party_licence_notice(tmp_path: Path) -> None:
    notice = "** aws-cdk-lib; version 2.59.0 -- https://github.com/aws/aws-cdk\n" * 25_000
    files: dict[str, str | bytes] = {
        "README.md": "# Asset prediction\n",
        "THIRDPARTY_LICENSES.txt": notice,
    }
    assert places(repo(tmp_path, files, "notice"), "DAT101") == []
    dump = {"README.md": "# Asset prediction\n", "exports/THIRDPARTY_dump.txt": notice}
    assert places(repo(tmp_path, dump, "dump"), "DAT101") == ["exports/THIRDPARTY_dump.txt"]


BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - pytest tests\n"


def test_aws_codebuild_buildspecs_are_ci(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": "from sklearn.svm import SVR\n\nSVR().fit([[0]], [0])\n",
        "build_pipeline/buildspec.yml": BUILDSPEC,
        "tests/test_train.py": "def test_fit():\n    assert True\n",
    }
    assert places(repo(tmp_path, files, "codebuild"), "QUA110") == []
    other = {**files, "build_pipeline/spec.yml": BUILDSPEC}
    del other["build_pipeline/buildspec.yml"]
    assert places(repo(tmp_path, other, "other"), "QUA110") == ["."]


def notebook(source: str, output: str) -> str:
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": [source],
        "outputs": [{"output_type": "stream", "name": "stderr", "text": [output]}],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


WARNING = "FutureWarning: Consider a database backend (e.g., 'sqlite:///mlflow.db')\n"


def test_a_notebook_output_that_quotes_mlflows_warning(tmp_path: Path) -> None:
    code = "import mlflow\nmlflow.log_metric('x', 1)\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.1\n",
        "src/settings.py": "import mlflow\n\nmlflow.set_tracking_uri('./mlruns')\n",
        "notebooks/demo.ipynb": notebook(code, WARNING),
        ".gitignore": "/mlruns/\n",
    }
    assert places(repo(tmp_path, files, "warning"), "TRK104") == []
    uses = "import mlflow\nmlflow.set_tracking_uri('sqlite:///mlflow.db')\n"
    used = {**files, "notebooks/demo.ipynb": notebook(uses, WARNING)}
    assert places(repo(tmp_path, used, "used"), "TRK104") == [".gitignore"]


def test_a_carpentries_lesson(tmp_path: Path) -> None:
    fit = "import tensorflow as tf\n\nmodel = tf.keras.Sequential()\nmodel.fit([], [])\n"
    files: dict[str, str | bytes] = {
        "config.yaml": "carpentry: 'incubator'\ntitle: 'Intro to image classification'\n",
        "episodes/01-introduction.md": "---\ntitle: Introduction\n---\n",
        "episodes/scripts/04_fit_intro_model.py": fit,
        "README.md": "# Intro to image classification\n",
    }
    root = repo(tmp_path, files, "lesson")
    assert places(root, "LAY104") == []
    assert places(root, "TRK107") == []
    project = {**files, "config.yaml": "title: 'Image classifier'\n"}
    assert places(repo(tmp_path, project, "project"), "LAY104") == ["."]


MANIFEST = (
    '{"source": "kaggle:ieee-fraud-detection", "files": {"train_transaction.csv": '
    '{"bytes": 683351067, "sha256": "%s"}}}\n'
)


def test_datasets_pinned_by_a_checksum_manifest(tmp_path: Path) -> None:
    train = (
        "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\n"
        "df = pd.read_csv('data/raw/train_transaction.csv')\n"
        "LogisticRegression().fit(df[['a']], df['y'])\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\npandas==2.2.3\n",
        "src/train.py": train,
        "data/raw/MANIFEST.json": MANIFEST % ("3f" * 32),
    }
    assert places(repo(tmp_path, files, "pinned"), "DVC115") == []
    unpinned = {**files, "data/raw/MANIFEST.json": MANIFEST % "unknown"}
    assert places(repo(tmp_path, unpinned, "unpinned"), "DVC115") == ["."]
