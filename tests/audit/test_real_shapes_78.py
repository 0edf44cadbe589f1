"""Shapes met on a seventy-eighth and seventy-ninth set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

KAGGLE_ETL = (
    "import kagglehub\n"
    "from kagglehub import KaggleDatasetAdapter\n"
    "from xgboost import XGBRegressor\n\n"
    "frame = kagglehub.load_dataset(\n"
    '    KaggleDatasetAdapter.PANDAS, "someone/job-salaries", "salaries.csv"\n'
    ")\n"
    "XGBRegressor().fit(frame.drop(columns='salary'), frame['salary'])\n"
)


def test_a_kaggle_dataset_loaded_by_handle(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "kagglehub==0.3.12\nxgboost==3.0.2\n",
        "etl.py": KAGGLE_ETL,
    }
    assert places(repo(tmp_path, files, "handle"), "DVC115") == []
    own = {**files, "etl.py": KAGGLE_ETL + "extra = __import__('pandas').read_csv('data/x.csv')\n"}
    assert places(repo(tmp_path, own, "own"), "DVC115") == ["."]


SETTINGS_ENV = (
    "# Committed on purpose: run settings only, never secrets (those go to .env.local).\n"
    "AWS_REGION=eu-west-1\nTRAIN_INSTANCE_TYPE=ml.g5.xlarge\nUSE_MLFLOW=0\n"
)
LOADER = "from dotenv import load_dotenv\n\nload_dotenv()\n"


def test_a_committed_settings_env_without_credentials(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        ".env": SETTINGS_ENV,
        ".gitignore": ".env.local\n",
        "requirements.txt": "python-dotenv==1.1.0\n",
        "settings.py": LOADER,
    }
    assert places(repo(tmp_path, files, "settings"), "SEC104") == []
    untracked = {k: v for k, v in files.items() if k != ".env"}
    root = repo(tmp_path, untracked, "untracked")
    (root / ".env").write_text(SETTINGS_ENV)
    assert places(root, "SEC104") == [".gitignore"]
    password = "DB_PASS" + "WORD=hunter2hunter2\n"
    secret = {**files, ".env": SETTINGS_ENV + password}
    assert places(repo(tmp_path, secret, "secret"), "SEC104") == [".env"]


def test_no_dev_group_asked_of_a_repository_without_dev_tools(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": (
            "from setuptools import setup\n\nLIST_OF_REQUIREMENTS = []\n"
            'setup(name="nlp", version="0.1", install_requires=LIST_OF_REQUIREMENTS)\n'
        ),
        "requirements.txt": "torch==2.5.1\ntransformers==4.46.0\n-e .\n",
        "src/nlp/__init__.py": "",
        "src/nlp/train.py": "import torch\n\nloss = torch.zeros(1)\nloss.backward()\n",
    }
    assert places(repo(tmp_path, files, "bare"), "PKG106") == []
    linted = {**files, "pyproject.toml": "[tool.ruff]\nline-length = 100\n"}
    assert places(repo(tmp_path, linted, "linted"), "PKG106") != []
    tested = {**files, "tests/test_train.py": "def test_loss():\n    assert True\n"}
    assert places(repo(tmp_path, tested, "tested"), "PKG106") == ["setup.py"]


LIGHTNING = (
    "import pytorch_lightning as pl\n"
    "from pytorch_lightning.loggers import MLFlowLogger\n"
    "from torchvision.datasets import MNIST\n\n"
    'train = MNIST(root=".", train=True, download=True)\n'
    'logger = MLFlowLogger(experiment_name="mnist", tracking_uri="file:./mlruns")\n'
    "pl.Trainer(logger=logger).fit(None, train)\n"
)


def test_torchvision_dataset_imported_by_name_and_lightnings_mlflow_logger(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pytorch-lightning==2.4.0\ntorchvision==0.20.1\nmlflow==2.19.0\n",
        "main.py": LIGHTNING,
    }
    root = repo(tmp_path, files, "lightning")
    assert places(root, "DVC115") == []
    assert "mlflow" in profile_of(RepoView(root)).trackers
    assert places(root, "TRK107") == []
    plain = {**files, "main.py": LIGHTNING.replace("MLFlowLogger(", "CSVLogger(")}
    plain["main.py"] = plain["main.py"].replace("download=True", "download=False")
    root = repo(tmp_path, plain, "plain")
    assert places(root, "DVC115") == ["."]
    assert "mlflow" not in profile_of(RepoView(root)).trackers


OWN_IMAGES = (
    "from glob import glob\n\nfrom PIL import Image\nfrom torch.utils.data import Dataset\n\n\n"
    "class Faces(Dataset):\n"
    "    def __init__(self, root='/src/datasets/faces'):\n"
    "        self.files = glob(root + '/*.png')\n\n"
    "    def __getitem__(self, key: int):\n"
    "        path = self.files[key]\n\n"
    "        return Image.open(path).convert('RGB')\n"
)
SERVICE = (
    "import io\n\nfrom fastapi import FastAPI, UploadFile\nfrom PIL import Image\n\n"
    "app = FastAPI()\n\n\n@app.post('/predict')\nasync def predict(file: UploadFile):\n"
    "    return Image.open(io.BytesIO(await file.read()))\n"
)


def test_a_downloaded_dataset_beside_an_image_folder_of_its_own(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pytorch-lightning==2.4.0\ntorchvision==0.20.1\n",
        "main.py": LIGHTNING,
        "serve.py": SERVICE,
    }
    assert places(repo(tmp_path, files, "served"), "DVC115") == []
    own = {**files, "src/dataset/faces.py": OWN_IMAGES}
    assert places(repo(tmp_path, own, "own"), "DVC115") == ["."]


def test_notebook_and_load_test_tools_ask_for_a_dev_group(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "api"\nversion = "0.1.0"\n'
            'dependencies = ["onnxruntime==1.20.1", "ipykernel==6.29.5", "locust==2.32.4"]\n'
        ),
        "src/api/__init__.py": "",
        "src/api/main.py": "import onnxruntime\n",
    }
    assert places(repo(tmp_path, files, "desk"), "PKG106") == ["pyproject.toml"]
