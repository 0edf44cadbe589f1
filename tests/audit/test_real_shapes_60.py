"""Shapes met on a sixtieth and sixty-first set of public repositories.

A benchmark's cross-validation split kept as a pickle, distributions that bring another
(ogb brings scikit-learn, dbx brings MLflow), a package deployed to Databricks with dbx,
test requirements named `unit-requirements.txt`, a REUSE `LICENSES/` folder, a Hydra
config found through `initialize_config_module`, a model zoo's `config.ini`, scripts
with inline metadata (PEP 723), a synthetic dataset made in code, an MLflow server
started by a Makefile, and a data folder that the DVC pipeline fills. Each test writes
the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo

PICKLE = b"\x80\x04" + b"\x95" * 2000


def test_a_cross_validation_split_kept_as_a_pickle(tmp_path: Path) -> None:
    base: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.4.1\n",
        "train.py": "import torch\n\ntorch.nn.Linear(1, 1)(torch.zeros(1)).sum().backward()\n",
    }
    split = {**base, "projects/Task012_LIDC/splits_final.pkl": PICKLE}
    assert places(repo(tmp_path, split, "split"), "DAT103") == []
    model = {**base, "projects/Task012_LIDC/model_final.pkl": PICKLE}
    assert places(repo(tmp_path, model, "model"), "DAT103") == [
        "projects/Task012_LIDC/model_final.pkl"
    ]


SETUP = "from setuptools import setup\n\nsetup(name='{name}', install_requires=[{deps}])\n"


def test_a_declared_distribution_that_brings_the_import(tmp_path: Path) -> None:
    def finding(deps: str, name: str) -> list[str]:
        files: dict[str, str | bytes] = {
            "setup.py": SETUP.format(name="openhgnn", deps=deps),
            "openhgnn/__init__.py": "",
            "openhgnn/dataset.py": "from sklearn.model_selection import KFold\n",
        }
        return places(repo(tmp_path, files, name), "PKG105")

    assert finding("'ogb>=1.1.0'", "ogb") == []
    assert finding("'dgl>=1.0'", "dgl") == ["openhgnn/dataset.py:1"]


DEPLOYMENT = """\
environments:
  default:
    workflows:
      - name: telco-churn-model-train
        job_clusters:
          - new_cluster:
              spark_version: 11.0.x-cpu-ml-scala2.12
        spark_python_task:
          python_file: file://telco_churn/pipelines/model_train_job.py
"""


def test_a_package_that_dbx_deploys_to_databricks(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": SETUP.format(name="telco_churn", deps="'mlflow==2.22.0'"),
        "telco_churn/__init__.py": "",
        "telco_churn/model_train.py": "import mlflow\n\nmlflow.log_metric('auc', 0.8)\n",
        "conf/deployment.yml": DEPLOYMENT,
        ".dbx/project.json": '{"environments": {"default": {"profile": "DEFAULT"}}}\n',
        "models/.gitkeep": "",
        ".gitignore": "mlruns/\n",
    }
    root = repo(tmp_path, files, "dbx")
    assert places(root, "TRK101") == []
    assert places(root, "TRK104") == []
    local = {k: v for k, v in files.items() if not k.startswith(".dbx/")}
    root = repo(tmp_path, local, "local")
    assert places(root, "TRK101") == ["telco_churn/model_train.py:1"]
    assert places(root, "TRK104") == [".gitignore"]


def test_test_requirements_named_for_unit_tests(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": SETUP.format(name="telco_churn", deps="'python-dotenv==0.20.0'"),
        "telco_churn/__init__.py": "",
        "unit-requirements.txt": "pytest==7.1.2\npytest-cov==3.0.0\n",
    }
    assert places(repo(tmp_path, files, "unit"), "PKG106") == []
    other = {**files, "notes-requirements.txt": files["unit-requirements.txt"]}
    del other["unit-requirements.txt"]
    assert places(repo(tmp_path, other, "other"), "PKG106") == ["setup.py"]


def test_a_reuse_licenses_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"README.md": "# nnDetection\n", "x.py": "print(1)\n"}
    assert places(repo(tmp_path, files, "none"), "LAY102") == ["."]
    reuse = {**files, "LICENSES/Apache-2.0.txt": "Apache License\nVersion 2.0\n"}
    assert places(repo(tmp_path, reuse, "reuse"), "LAY102") == []


TRAIN = (
    "from hydra import compose, initialize_config_module\n\n\n"
    "def main():\n"
    '    with initialize_config_module(config_module="nndet.conf", version_base="1.1"):\n'
    '        cfg = compose("config")\n'
    "    return cfg\n"
)


def test_a_hydra_config_found_through_its_module(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": SETUP.format(name="nndet", deps="'hydra-core>=1.3'"),
        "nndet/__init__.py": "",
        "nndet/conf/__init__.py": "",
        "nndet/conf/config.yaml": "defaults:\n  - train: v001\n",
        "nndet/conf/train/v001.yaml": "max_epochs: 60\n",
        "scripts/train.py": TRAIN,
    }
    profile = audit(repo(tmp_path, files, "module")).profile
    assert profile.hydra_config_dir == "nndet/conf"
    broken = {**files, "nndet/conf/train/v001.yaml": "max_epochs: [60\n"}
    assert places(repo(tmp_path, broken, "broken"), "CFG101") == ["nndet/conf/train/v001.yaml:2"]


def test_a_model_zoos_config_ini(tmp_path: Path) -> None:
    experiment = (
        "import os\nimport configparser\n\nimport torch\n\n"
        "PATH = os.path.join(os.path.dirname(__file__), 'config.ini')\n"
        "torch.nn.Linear(1, 1)(torch.zeros(1)).sum().backward()\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.4.1\n",
        "hgnn/__init__.py": "",
        "hgnn/experiment.py": experiment,
    }
    assert places(repo(tmp_path, files, "none"), "LAY105") == ["."]
    ini = {**files, "hgnn/config.ini": "[HGDL]\nlr = 0.001\n"}
    assert places(repo(tmp_path, ini, "ini"), "LAY105") == []


SCRIPT = """\
# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "datasets==4.3.0",
#     "omegaconf",
# ]
# ///
import marimo

import pandas as pd
from omegaconf import OmegaConf
{extra}
"""


def test_scripts_with_inline_metadata(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "unsloth==2025.1.1\n",
        "molab/raft.py": SCRIPT.format(extra=""),
    }
    assert places(repo(tmp_path, files, "inline"), "PKG112") == []
    extra = {**files, "molab/raft.py": SCRIPT.format(extra="import sklearn\n")}
    assert places(repo(tmp_path, extra, "extra"), "PKG112") == ["molab/raft.py:12"]


def test_a_synthetic_dataset_made_in_code(tmp_path: Path) -> None:
    training = (
        "import numpy as np\nfrom sklearn.linear_model import LogisticRegression\n\n\n"
        "def make_synthetic_dataset(n, seed=7):\n"
        "    rng = np.random.default_rng(seed)\n    return rng.normal(size=(n, 4))\n\n\n"
        "LogisticRegression().fit(make_synthetic_dataset(100), [0, 1] * 50)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "app/__init__.py": "",
        "app/ml/__init__.py": "",
        "app/ml/training.py": training,
    }
    assert places(repo(tmp_path, files, "synthetic"), "DVC115") == []
    real = training.replace("make_synthetic_dataset(100)", "load_rows(100)")
    real = real.replace("def make_synthetic_dataset(", "def load_rows(")
    assert places(repo(tmp_path, {**files, "app/ml/training.py": real}, "real"), "DVC115") == ["."]


MAKEFILE = (
    "start-services:\n"
    "\tmlflow server --host 127.0.0.1 --port 5001 --backend-store-uri sqlite:///mlflow.db\n"
)


def test_an_mlflow_server_a_makefile_starts(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.1\n",
        "train.py": (
            "import os\n\nimport mlflow\n\n"
            'mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])\n'
            "mlflow.log_metric('auc', 0.8)\n"
        ),
        "Makefile": MAKEFILE,
        ".gitignore": "__pycache__/\n",
    }
    assert places(repo(tmp_path, files, "makefile"), "TRK104") == [".gitignore"]
    ignored = {**files, ".gitignore": "__pycache__/\nmlflow.db\nmlruns/\n"}
    assert places(repo(tmp_path, ignored, "ignored"), "TRK104") == []


DVC_YAML = """\
stages:
  ingest:
    cmd: python -m src.ingest
    deps: [src/ingest.py]
    outs: [data/raw]
"""


def test_a_data_folder_the_pipeline_fills(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\ndvc==3.55.2\n",
        "src/__init__.py": "",
        "src/ingest.py": "import pandas as pd\n\npd.read_parquet('https://example.org/x.parquet')\n",
        "dvc.yaml": DVC_YAML,
        "data/.gitignore": "/raw\n",
        "README.md": "# Taxi fares\n\n## Setup\n\n`pip install -r requirements.txt`\n",
    }
    assert places(repo(tmp_path, files, "pipeline"), "LAY106") == []
    kept = {**files, "data/lookup/zones.csv": "a,b\n1,2\n"}
    assert places(repo(tmp_path, kept, "kept"), "LAY106") == ["."]


K8S_SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: minio\ndata:\n  password: {value}\n"


def test_a_kubernetes_secret_holding_a_chosen_password(tmp_path: Path) -> None:
    import base64

    chosen = base64.b64encode(b"minioadmin123").decode()
    files: dict[str, str | bytes] = {"k8s/minio.yaml": K8S_SECRET.format(value=chosen)}
    root = repo(tmp_path, files, "chosen")
    assert places(root, "SEC103") == []
    assert places(root, "SEC106") == ["k8s/minio.yaml:6"]
    key = base64.b64encode(bytes(range(7, 250, 11))).decode()
    root = repo(tmp_path, {"k8s/minio.yaml": K8S_SECRET.format(value=key)}, "generated")
    assert places(root, "SEC103") == ["k8s/minio.yaml:6"]
