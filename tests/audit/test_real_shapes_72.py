"""Shapes met on a seventy-second and seventy-third set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

TRAINER = (
    "from datasets import load_dataset\n"
    "from transformers import Trainer, TrainingArguments\n\n"
    'imdb = load_dataset("imdb")\n'
    'args = TrainingArguments(output_dir="out", logging_dir="logs"{report})\n'
    "Trainer(model=None, args=args, train_dataset=imdb['train']).train()\n"
)


def test_a_hub_dataset_and_the_trainers_default_report(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "transformers==4.49.0\ndatasets==3.3.2\nwandb==0.19.7\n",
        "src/model/train.py": TRAINER.replace("{report}", ""),
    }
    root = repo(tmp_path, files, "default")
    assert places(root, "DVC115") == []
    assert places(root, "TRK107") == []
    silenced = {**files, "src/model/train.py": TRAINER.replace("{report}", ', report_to="none"')}
    assert places(repo(tmp_path, silenced, "none"), "TRK107") == ["."]
    local = {
        **files,
        "src/model/train.py": files["src/model/train.py"].replace(
            'load_dataset("imdb")', 'load_dataset("csv", data_files="data/reviews.csv")'
        ),
    }
    assert places(repo(tmp_path, local, "local"), "DVC115") == ["."]
    annotated = {**files, "data/annotated/20220620/elina.json": '{"text": "x", "labels": [1]}\n'}
    assert places(repo(tmp_path, annotated, "annotated"), "DVC115") == ["."]


def test_requirements_exported_beside_a_pyproject_runtime(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "readmission"\nversion = "0.1.0"\n'
            'dependencies = ["xgboost==3.0.2"]\n\n'
            '[project.optional-dependencies]\ndev = ["pytest==9.1.1", "ruff==0.16.2"]\n'
        ),
        "requirements.txt": "xgboost==3.0.2\npytest==9.1.1\nruff==0.16.2\n",
        "src/readmission/__init__.py": "",
        "src/readmission/train.py": "import xgboost\n",
    }
    assert places(repo(tmp_path, files, "export"), "PKG111") == []
    image = {**files, "Dockerfile": "FROM python:3.11\nRUN pip install -r requirements.txt\n"}
    assert places(repo(tmp_path, image, "image"), "PKG111") == [
        "requirements.txt:2",  # one finding names both tools
    ]
    runtime = {
        **files,
        "pyproject.toml": '[project]\nname = "readmission"\nversion = "0.1.0"\n\n'
        '[project.optional-dependencies]\ndev = ["ruff==0.16.2"]\n',
    }
    assert places(repo(tmp_path, runtime, "runtime"), "PKG111") == [
        "requirements.txt:2",  # one finding names both tools
    ]


def test_a_script_that_installs_the_git_hook(tmp_path: Path) -> None:
    setup = (
        "#!/bin/bash\ncat > .git/hooks/pre-commit << 'EOF'\n#!/bin/bash\n./run_tests.sh\nEOF\n"
        "chmod +x .git/hooks/pre-commit\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
        "setup_hooks.sh": setup,
        ".flake8": "[flake8]\nmax-line-length = 100\n",
    }
    assert places(repo(tmp_path, files, "hooks"), "QUA112") == []
    other = {**files, "setup_hooks.sh": "#!/bin/bash\npip install -r requirements.txt\n"}
    assert places(repo(tmp_path, other, "other"), "QUA112") == ["."]


def test_a_conda_environment_in_a_req_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": "[tool.black]\nline-length = 100\n",
        "req/environment.yaml": (
            "channels:\n  - pytorch\ndependencies:\n  - python==3.8\n  - pytorch\n  - hydra-core\n"
        ),
        "train.py": "import hydra\nimport torch\n",
    }
    root = repo(tmp_path, files, "req")
    assert places(root, "PKG112") == []
    assert places(root, "PKG110") == ["req/environment.yaml:5"]


def test_a_databricks_job_step_inside_the_package(tmp_path: Path) -> None:
    step = (
        "import numpy as np\nfrom databricks.sdk.runtime import sqlContext\n"
        "from pyspark.sql import SparkSession\nfrom sklearn.cluster import DBSCAN\n"
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "oor"\nversion = "0.1.0"\ndependencies = ["numpy>=1.26"]\n\n'
            '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        ),
        "oor/__init__.py": "",
        "oor/databricks_pipelines/clustering.py": step,
    }
    assert places(repo(tmp_path, files, "job"), "PKG105") == []
    local = {
        **files,
        "oor/databricks_pipelines/clustering.py": step.replace("databricks.sdk.runtime", "oor"),
    }
    assert places(repo(tmp_path, local, "local"), "PKG105") == [
        "oor/databricks_pipelines/clustering.py:4"
    ]


def test_overrides_in_experiment_configs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\n",
        "src/train.py": (
            'import hydra\n\n\n@hydra.main(config_path="../configs", config_name="train", '
            'version_base="1.3")\ndef main(cfg):\n    pass\n'
        ),
        "configs/train.yaml": "defaults:\n  - data: isbi_bin\n  - _self_\n",
        "configs/data/isbi_bin.yaml": "classes: 2\n",
        "configs/experiment/isbi_multiple.yaml": (
            "# @package _global_\ndefaults:\n  - override /data: isbi\n"
            "  - override /hydra/sweeper: optuna\n"
        ),
    }
    assert places(repo(tmp_path, files, "missing"), "CFG103") == [
        "configs/experiment/isbi_multiple.yaml:3"
    ]
    fixed = {**files, "configs/data/isbi.yaml": "classes: 5\n"}
    assert places(repo(tmp_path, fixed, "fixed"), "CFG103") == []


def test_a_kubernetes_secret_of_declared_placeholders(tmp_path: Path) -> None:
    secret = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n"
        "  REDIS_PASSWORD: cmVkaXNfcGFzc3dvcmQ=  # 'redis_password' - CHANGE IN PRODUCTION\n"
        "  API_SECRET_KEY: c3VwZXJfc2VjcmV0X2tleV9jaGFuZ2VfaW5fcHJvZHVjdGlvbg==\n"
    )
    files: dict[str, str | bytes] = {"deployment/kubernetes/secrets.yaml": secret}
    assert places(repo(tmp_path, files, "declared"), "SEC106") == []
    chosen = "  DB_PASSWORD: bWluaW9hZG1pbjEyMw==\n"
    real = {"deployment/kubernetes/secrets.yaml": secret + chosen}
    assert places(repo(tmp_path, real, "chosen"), "SEC106") == [
        "deployment/kubernetes/secrets.yaml:9"
    ]


def test_empty_placeholder_notebooks(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "src/train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
        "notebooks/01_exploration.ipynb": "",
        "notebooks/02_models.ipynb": "",
    }
    assert places(repo(tmp_path, files, "empty"), "DAT104") == []
    broken = {**files, "notebooks/02_models.ipynb": "<<<<<<< HEAD\n"}
    assert places(repo(tmp_path, broken, "broken"), "DAT104") == ["notebooks/02_models.ipynb"]


def test_editor_swap_and_office_lock_files(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Report\n",
        "src/.train.py.swp": b"b0VIM 9.0\0",
        "reports/final/~$Project_Report_v4.docx": b"\x08owner\0",
        "notebooks/.~lock.slides.pptx#": "user,host,2026-01-01\n",
        "reports/final/Project_Report_v4.docx": b"PK\x03\x04",
    }
    root = repo(tmp_path, files, "locks")
    assert places(root, "LAY113") == ["notebooks/.~lock.slides.pptx#"]
    [message] = [i.message for i in audit(root).issues if i.rule == "LAY113"]
    assert message.startswith("3 generated files are committed")


def test_data_files_named_for_a_tutorial(tmp_path: Path) -> None:
    rows = "date,open,close\n" + "2024-01-01,1.0,1.1\n" * 2_000
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": "from sklearn.svm import SVR\n\nSVR().fit([[0]], [0])\n",
        "d_price/tutorial_RIVN_5min.csv": rows,
        "d_sentiment/Example_stock_news.csv": rows,
    }
    assert places(repo(tmp_path, files, "tutorial"), "DAT102") == []
    data = {**files, "d_price/RIVN_5min.csv": rows}
    assert places(repo(tmp_path, data, "data"), "DAT102") == ["d_price/RIVN_5min.csv"]


def test_paddleocr_training_is_machine_learning(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "paddlepaddle>=2.5.0\npaddleocr>=3.0.0\n",
        "scripts/train_rec.py": "import paddle\n\nmodel = paddle.Model(net)\nmodel.fit(loader)\n",
    }
    found = profile_of(RepoView(repo(tmp_path, files, "paddle")))
    assert found.ml and found.kind == "project"
