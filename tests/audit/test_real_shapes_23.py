"""Shapes met on a twenty-third set of public repositories the audit had never seen.

TensorBoard written through PyTorch's own writer, a compose service that installs MLflow
without serving it, and a README's data section titled in another language. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "import torch\n\nmodel = torch.nn.Linear(1, 1)\nmodel(torch.ones(1)).backward()\n"


def test_pytorchs_tensorboard_writer_is_experiment_tracking(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"requirements.txt": "torch==2.5.1\n", "train.py": TRAIN}
    assert "TRK107" in fired(repo(tmp_path, files, "bare"))
    writer = "from torch.utils.tensorboard import SummaryWriter\n\nwriter = SummaryWriter('runs')\n"
    logged = {**files, "train.py": TRAIN + writer}
    assert "TRK107" not in fired(repo(tmp_path, logged, "logged"))


def test_a_service_that_installs_mlflow_does_not_serve_it(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  prefect-server:\n    image: prefecthq/prefect:3-latest\n"
        '    ports:\n      - "4200:4200"\n'
        '    command: >\n      /bin/sh -c "pip install boto3 mlflow;\n'
        '      prefect server start --host 0.0.0.0"\n'
        "  tracking:\n    image: python:3.11-slim\n"
        '    ports:\n      - "5000:5000"\n'
        "    command: mlflow server --host 0.0.0.0 --port 5000\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\n",
        "train.py": "import mlflow\n\nmlflow.set_experiment('x')\nmlflow.log_metric('a', 1.0)\n",
        "docker-compose.yml": compose,
    }
    assert places(repo(tmp_path, files), "TRK106") == ["docker-compose.yml:12"]


def test_a_dataset_section_titled_in_italian_describes_the_data(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
        "data/raw/churn.csv.dvc": "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661\n"
        "  path: churn.csv\n",
    }
    readme = "# Churn\n\n## 📊 Dataset e Problema\n\nDati dei clienti di una banca (Kaggle).\n"
    assert "LAY106" not in fired(repo(tmp_path, {**files, "README.md": readme}, "it"))
    pipeline = "# Churn\n\n## Data pipeline\n\nThree stages.\n"
    assert "LAY106" in fired(repo(tmp_path, {**files, "README.md": pipeline}, "pipeline"))
