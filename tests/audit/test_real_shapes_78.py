"""Shapes met on a seventy-eighth and seventy-ninth set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit.support import places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rules import serving

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


KEDRO_SETUP = (
    "from setuptools import find_packages, setup\n\n"
    'with open("requirements.txt", encoding="utf-8") as f:\n'
    '    requires = [x.strip() for x in f if x.strip() and not x.startswith("-")]\n\n'
    'setup(name="data_pipeline", version="0.1", packages=find_packages(),'
    " install_requires=requires)\n"
)


def test_requirements_a_setup_script_reads_are_the_runtime(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "src/setup.py": KEDRO_SETUP,
        "src/requirements.txt": "black==24.10.0\nkedro==0.19.10\npytest==8.3.4\n",
        "src/data_pipeline/__init__.py": "",
        "src/data_pipeline/nodes.py": "import kedro\n",
        "src/tests/test_run.py": "def test_run():\n    assert True\n",
    }
    assert places(repo(tmp_path, files, "kedro"), "PKG111") == [
        "src/requirements.txt:1",  # one finding names both tools
    ]
    unread = {**files, "src/setup.py": KEDRO_SETUP.replace("requirements.txt", "README.md")}
    assert places(repo(tmp_path, unread, "unread"), "PKG111") == []


def test_autohooks_manages_the_git_hooks(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[tool.poetry]\nname = "pipe"\nversion = "0.1.0"\n\n'
            '[tool.poetry.group.dev.dependencies]\nautohooks = "^23.1.0"\n\n'
            "[tool.black]\nline-length = 100\n\n"
            '[tool.autohooks]\nmode = "poetry"\npre-commit = ["autohooks.plugins.black"]\n'
        ),
        "main.py": "import xgboost\n",
    }
    root = repo(tmp_path, files, "autohooks")
    assert "autohooks" in profile_of(RepoView(root)).hook_managers
    assert places(root, "QUA112") == []
    bare = {**files, "pyproject.toml": files["pyproject.toml"].split("[tool.autohooks]")[0]}
    assert places(repo(tmp_path, bare, "bare"), "QUA112") == ["."]


COMPUTED_HYDRA = (
    "from importlib.resources import files\n\nimport hydra\n\n"
    'config_yaml = files("tabular").joinpath("configs/launch.yaml")\n\n\n'
    "@hydra.main(version_base=None, config_path=str(config_yaml.parent.resolve()),"
    " config_name=config_yaml.stem)\n"
    "def main(cfg):\n    print(cfg)\n"
)


def test_a_packaged_hydra_folder_the_code_computes(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "tabular"\nversion = "0.1.0"\n',
        "src/tabular/__init__.py": "",
        "src/tabular/scripts/launch.py": COMPUTED_HYDRA,
        "src/tabular/configs/launch.yaml": "defaults:\n  - _self_\nseed: 0\n",
    }
    root = repo(tmp_path, files, "computed")
    assert profile_of(RepoView(root)).hydra_config_dir == "src/tabular/configs"
    literal = {
        **files,
        "src/tabular/scripts/launch.py": COMPUTED_HYDRA.replace(
            "str(config_yaml.parent.resolve())", '"../../../conf/launch"'
        ),
    }
    root = repo(tmp_path, literal, "literal")
    assert profile_of(RepoView(root)).hydra_config_dir is None


TRACKER = (
    "import os\n\nimport mlflow\n\n\nclass InferenceTracker:\n"
    "    def __init__(self):\n"
    "        self.tracking_uri = {value}\n\n"
    "    def start(self):\n"
    "        mlflow.set_tracking_uri(self.tracking_uri)\n"
    '        mlflow.set_experiment("inference")\n'
    "        with mlflow.start_run():\n"
    '            mlflow.log_metric("latency", 1.0)\n'
)


def test_a_tracking_uri_an_attribute_reads_from_the_environment(tmp_path: Path) -> None:
    env = 'os.environ.get("MLFLOW_BERU_TRACKING_URI", "file:///app/mlruns")'
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.1.0\nscikit-learn==1.6.1\n",
        "app/tracker.py": TRACKER.format(value=env),
        "app/train.py": "from sklearn.linear_model import LinearRegression\n\n"
        "LinearRegression().fit([[0]], [0])\n",
    }
    assert places(repo(tmp_path, files, "env"), "TRK102") == []
    fixed = {**files, "app/tracker.py": TRACKER.format(value='"http://mlflow:5000"')}
    assert places(repo(tmp_path, fixed, "fixed"), "TRK102") == ["app/tracker.py:11"]


URI = "postgresql://admin:" + "Pr0dPassw0rd9x@db.internal:5432/prod"


def test_insecure_on_purpose_examples_hold_no_secret_to_report(tmp_path: Path) -> None:
    config = f'env:\n  - name: DATABASE_URL\n    value: "{URI}"\n'
    files: dict[str, str | bytes] = {
        "training-data/faulty-examples/deployment-FAULTY.yaml": config,
        "training-data/broken-app/deployment.yaml": "# VULN: credentials inline\n" + config,
        "agent/main.py": "print('agent')\n",
    }
    root = repo(tmp_path, files, "lessons")
    assert places(root, "SEC102") == []
    real = {**files, "deploy/deployment.yaml": config}
    assert places(repo(tmp_path, real, "real"), "SEC102") == ["deploy/deployment.yaml:3"]


def test_a_model_the_gitignore_keeps_on_purpose(tmp_path: Path) -> None:
    model = b"\x80\x04" + bytes(1_100_000)
    files: dict[str, str | bytes] = {
        ".gitignore": "*.joblib\n# small models are versioned on purpose\n!ranker/data/*.joblib\n",
        "ranker/data/rank_classifier.joblib": model,
        "ranker/train.py": "import joblib\nfrom sklearn.svm import SVC\n\n"
        "joblib.dump(SVC().fit([[0], [1]], [0, 1]), 'ranker/data/rank_classifier.joblib')\n",
    }
    root = repo(tmp_path, files, "kept")
    assert places(root, "DAT103") == []
    folder_rule = {**files, ".gitignore": "/*\n# versioned on purpose\n!ranker/\n"}
    assert places(repo(tmp_path, folder_rule, "folder"), "DAT103") != []
    unexplained = {**files, ".gitignore": "*.joblib\n!ranker/data/*.joblib\n"}
    assert places(repo(tmp_path, unexplained, "unexplained"), "DAT103") != []


PREFECT_FLOW = (
    "import pandas as pd\nfrom prefect import flow\nfrom sklearn.linear_model import "
    "LogisticRegression\n\n\n@flow\ndef train():\n"
    "    frame = pd.read_csv('data/avazu.csv')\n"
    "    LogisticRegression().fit(frame[['x']], frame['y'])\n"
)


def test_a_repository_that_calls_itself_an_example(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# prefect-ml-workflow\nExample of how to build ml training workflow "
        "on AWS by Prefect\n\nBlog: https://example.org/post\n",
        "requirements.txt": "prefect==2.20.0\nscikit-learn==1.6.1\npandas==2.2.3\n",
        "flows/train.py": PREFECT_FLOW,
    }
    root = repo(tmp_path, files, "example")
    assert profile_of(RepoView(root)).demonstration
    for rule in ("DVC115", "TRK107", "QUA110"):
        assert places(root, rule) == []
    assert places(root, "LAY104") == []
    project = {
        **files,
        "README.md": "# Click-through prediction\nTrains a model of clicks.\n"
        "\nSee docs/ for an example run.\n",
        "tests/test_train.py": "def test_fit():\n    assert True\n",
    }
    root = repo(tmp_path, project, "project")
    assert not profile_of(RepoView(root)).demonstration
    for rule in ("DVC115", "TRK107", "QUA110"):
        assert places(root, rule) == ["."]


SECRET_MANIFEST = (
    '# To make the value: echo -n "postgresql://user:password@db-host/ml" | base64\n'
    "#\n# The value below is ONLY AN EXAMPLE (it decodes to:\n"
    "#   {uri})\n"
    "apiVersion: v1\nkind: Secret\ndata:\n"
    "  # Base64 of: {uri}\n"
    "  DATABASE_URL: cG9zdGdyZXNxbDovL3NhbnRhbmRlcg==\n"
)


def test_a_uri_in_a_comment_that_calls_itself_an_example(tmp_path: Path) -> None:
    uri = "postgresql://ml_user:" + "S3cur3Pass9x@db-prod:5432/ml"
    files: dict[str, str | bytes] = {
        "k8s/secret.yaml": SECRET_MANIFEST.format(uri=uri),
        "app.py": "print('serve')\n",
    }
    assert places(repo(tmp_path, files, "example"), "SEC102") == []
    plain = {
        **files,
        "k8s/secret.yaml": SECRET_MANIFEST.format(uri=uri).replace(
            "The value below is ONLY AN EXAMPLE (it decodes to:", "It decodes to:"
        ),
    }
    assert places(repo(tmp_path, plain, "plain"), "SEC102") == ["k8s/secret.yaml:4"]


def test_dev_tools_kept_in_a_notebook_test_file_and_a_colour_named_black(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "aerial"\nversion = "0.1.0"\n'
        'dependencies = ["torch==2.5.1"]\n',
        "requirements-notebook-test.txt": "pytest==8.4.1\nnbformat==5.10.4\n",
        "src/aerial/__init__.py": "",
        "src/aerial/train.py": "import torch\n",
        "tests/test_train.py": "def test_train():\n    assert True\n",
    }
    assert places(repo(tmp_path, files, "notebook-test"), "PKG106") == []
    plots = {
        "setup.py": "from setuptools import setup\n\nwith open('requirements.txt') as f:\n"
        "    setup(name='amharic', install_requires=f.read().splitlines())\n",
        "requirements.txt": "torch==2.5.1\nblack==24.10.0\nrequests==2.32.3\n",
        "requirements-dev.txt": "pytest==8.4.1\n",
        "amharic/__init__.py": "",
        "amharic/plot.py": "import matplotlib.pyplot as plt\n\n"
        "plt.hist([1, 2], edgecolor='black')\n",
        "amharic/fmt.py": "import requests\n",
    }
    assert places(repo(tmp_path, plots, "plots"), "PKG111") == ["requirements.txt:2"]
    runs = {
        **plots,
        "amharic/fmt.py": "import subprocess\n\nsubprocess.run(['black', '.'])\nCMD = 'black'\n",
    }
    assert places(repo(tmp_path, runs, "runs"), "PKG111") == []


def test_an_openmmlab_visualizer_writes_to_tensorboard(tmp_path: Path) -> None:
    script = (
        "from mmengine.config import Config\nfrom mmengine.runner import Runner\n\n"
        "cfg = Config.fromfile('configs/retinanet.py')\n"
        "cfg.visualizer.vis_backends = [{'type': 'LocalVisBackend'}]\n"
        "cfg.visualizer.vis_backends.append({'type': 'TensorboardVisBackend'})\n"
        "Runner.from_cfg(cfg).train()\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mmdet==3.3.0\nmmengine==0.10.7\n",
        "scripts/run_mmdetection.py": script,
    }
    root = repo(tmp_path, files, "mmdet")
    assert "tensorboard" in profile_of(RepoView(root)).trackers
    assert places(root, "TRK107") == []


@pytest.mark.parametrize(
    ("opening", "demonstration"),
    [
        ("# Git, DVC, MLflow 기반 MLOps 예제\n", True),
        ("# CPU Predictor App - MLOps Assignment\nAn end-to-end workflow.\n", True),
        ("# CPU Predictor\nBuilt solely for learning purposes.\n", True),
        ("# Fraud platform\nThis project demonstrates how to build and monitor a model.\n", False),
        ("# Fraud platform\nTrains a model.\n\n## Assignment of labels\n", False),
    ],
)
def test_what_a_readme_opening_says_of_the_repository(
    tmp_path: Path, opening: str, demonstration: bool
) -> None:
    files: dict[str, str | bytes] = {
        "README.md": opening,
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": PREFECT_FLOW,
    }
    root = repo(tmp_path, files, "readme")
    assert profile_of(RepoView(root)).demonstration is demonstration


def _sqlite(path: Path, rows: int) -> bytes:
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
        connection.execute("INSERT INTO django_migrations VALUES ('auth', '0001_initial')")
        connection.execute("CREATE TABLE model_metrics (name TEXT, value REAL)")
        for row in range(rows):
            connection.execute("INSERT INTO model_metrics VALUES (?, ?)", (f"m{row}", row))
        connection.execute("CREATE TABLE padding (blob BLOB)")
        connection.execute("INSERT INTO padding VALUES (zeroblob(40000))")
        connection.execute("DELETE FROM padding")
    data = path.read_bytes()
    path.unlink()
    return data


def test_an_empty_sqlite_schema_and_open_data_with_a_licence(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "web/db.sqlite3": _sqlite(tmp_path / "empty.db", 0),
        "study/train.py": "import pandas as pd\n\npd.read_csv('data/scores/long.csv')\n",
        "data/scores/long.csv": "id,score\n" + "".join(f"{i},{i % 7}\n" for i in range(5000)),
        "data/LICENSE": "Attribution 4.0 International\n",
    }
    assert places(repo(tmp_path, files, "open"), "DAT102") == []
    filled = {**files, "web/db.sqlite3": _sqlite(tmp_path / "filled.db", 3000)}
    filled.pop("data/LICENSE")
    assert places(repo(tmp_path, filled, "filled"), "DAT102") == [
        "data/scores/long.csv",
        "web/db.sqlite3",
    ]


def test_tokenizer_settings_a_readme_pdf_and_a_monorepo_root(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "configs/model.yaml": "text_processing:\n  token_level_type: Word\n"
        '  token_rule: "[^\\\\W_]+"\n',
        "README.pdf": b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n" + bytes(range(256)),
        "pyproject.toml": '[project]\nname = "root"\nversion = "0.1.0"\n'
        'description = "Monorepo root: see each service"\n',
        "backend/ner/pyproject.toml": '[tool.poetry]\nname = "ner"\nversion = "0.1.0"\n\n'
        '[tool.poetry.group.dev.dependencies]\npytest = "^8.0.0"\n',
        "backend/ner/ner/__init__.py": "",
        "backend/ner/tests/test_ner.py": "def test_ner():\n    assert True\n",
    }
    root = repo(tmp_path, files, "mono")
    assert places(root, "SEC106") == []
    assert places(root, "LAY112") == []
    assert places(root, "PKG106") == []
    secret = {**files, "configs/model.yaml": "api_token: hunter2" + "hunter2\n"}
    assert places(repo(tmp_path, secret, "secret"), "SEC106") == ["configs/model.yaml:1"]


UV_LOCK = (
    'version = 1\n\n[[package]]\nname = "research-utils"\nversion = "1.0"\n'
    'dependencies = [\n    { name = "numpy" },\n]\n\n'
    "[package.optional-dependencies]\nboosting = [\n"
    '    { name = "lightgbm" },\n]\n\n'
    '[[package]]\nname = "lightgbm"\nversion = "4.5.0"\n\n'
    '[[package]]\nname = "numpy"\nversion = "2.1.0"\n'
)


def test_a_framework_an_extra_of_a_declared_package_brings(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "predictors"\nversion = "0.1.0"\n'
        'dependencies = ["research-utils[boosting]"]\n',
        "uv.lock": UV_LOCK,
        "src/predictors/__init__.py": "",
        "src/predictors/model.py": "import lightgbm\n\nlightgbm.LGBMRegressor().fit([[0]], [0])\n",
    }
    assert places(repo(tmp_path, files, "extra"), "PKG105") == []
    plain = {**files, "pyproject.toml": files["pyproject.toml"].replace("[boosting]", "")}
    assert places(repo(tmp_path, plain, "plain"), "PKG105") == ["src/predictors/model.py:1"]


def test_a_recording_a_test_opens(tmp_path: Path) -> None:
    clip = bytes(1_100_000)
    files: dict[str, str | bytes] = {
        "tests/clips/possum.cptv": clip,
        "tests/test_motion.py": (
            'def test_motion():\n    assert open("tests/clips/possum.cptv", "rb")\n'
        ),
        "src/classify/__init__.py": "",
    }
    assert places(repo(tmp_path, files, "named"), "DAT101") == []
    unnamed = {**files, "tests/test_motion.py": "def test_motion():\n    assert True\n"}
    assert places(repo(tmp_path, unnamed, "unnamed"), "DAT101") == ["tests/clips/possum.cptv"]


def test_a_client_given_its_uri_and_a_configuration_package(tmp_path: Path) -> None:
    registry = (
        "import os\n\nimport mlflow\n\n\nclass Registry:\n    def __init__(self):\n"
        '        uri = os.environ.get("MLFLOW_TRACKING_URI", "mlruns")\n'
        "        self.client = mlflow.tracking.MlflowClient(tracking_uri=uri)\n\n"
        "    def log(self, model):\n"
        '        mlflow.sklearn.log_model(model, "model")\n'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.1.0\nscikit-learn==1.6.1\n",
        "platform/registry.py": registry,
        "platform/train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n",
        "configuration/__init__.py": "",
        "configuration/training/general.py": "LEARNING_RATE = 0.001\n",
        "configuration/data/general.py": "BATCH_SIZE = 64\n",
    }
    root = repo(tmp_path, files, "client")
    assert places(root, "TRK101") == []
    assert places(root, "LAY105") == []
    bare = {
        k: v.replace("MlflowClient(tracking_uri=uri)", "MlflowClient()")
        if isinstance(v, str)
        else v
        for k, v in files.items()
        if not k.startswith("configuration/")
    }
    root = repo(tmp_path, bare, "bare")
    assert places(root, "TRK101") != []
    assert places(root, "LAY105") == ["."]


DRONE = (
    "kind: pipeline\nname: build\nsteps:\n  - name: publish\n    image: plugins/docker\n"
    "    environment:\n      NEXUS_PASSWORD:\n        from_secret: nexus_pypi_reader_password\n"
)


def test_a_drone_secret_reference_and_a_key_prefix_in_instructions(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        ".drone.yaml": DRONE,
        "README.md": '# Service\n\n```bash\nexport ANTHROPIC_API_KEY="sk-ant-..."\n```\n',
        "app.py": "print('serve')\n",
    }
    root = repo(tmp_path, files, "refs")
    assert places(root, "SEC106") == []
    assert places(root, "SEC105") == []
    real = {**files, "README.md": '# Service\n\nexport ANTHROPIC_API_KEY="' + "Q7w" * 8 + '"\n'}
    assert places(repo(tmp_path, real, "real"), "SEC105") == ["README.md:3"]


def test_pandas_that_gluonts_brings(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "forecast"\nversion = "0.1.0"\n'
        'dependencies = ["gluonts==0.16.0", "torch==2.5.1"]\n',
        "src/forecast/__init__.py": "",
        "src/forecast/loaders.py": "import pandas as pd\n\nframe = pd.DataFrame()\n",
        "src/forecast/train.py": "import torch\n\ntorch.zeros(1).backward()\n",
    }
    assert places(repo(tmp_path, files, "gluonts"), "PKG105") == []


RESTX = (
    "import joblib\nfrom flask import Flask\nfrom flask_restx import Api, Resource\n\n"
    "app = Flask(__name__)\napi = Api(app)\nmodel = joblib.load('model.pkl')\n\n\n"
    "@api.route('/<uuid:id>/predict')\nclass Predict(Resource):\n"
    "    @api.expect(sample_parser, validate=True)\n"
    "    def post(self, id):\n        return model.predict(api.payload)\n"
)


def test_a_restx_route_that_validates_and_a_readme_that_runs_locally(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Netdata ML\n\n## Running locally\n\n```bash\npipenv install\n"
        "python index.py\n```\n",
        "Pipfile": '[packages]\nflask-restx = "==1.3.0"\n',
        "cardio/controllers/datasets.py": RESTX,
        "cardio/train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n",
    }
    root = repo(tmp_path, files, "restx")
    assert places(root, "DOC101") == []
    bare = {
        **files,
        "README.md": "# Netdata ML\n\nDashboards for netdata.\n",
        "cardio/controllers/datasets.py": RESTX.replace(", validate=True", ""),
    }
    root = repo(tmp_path, bare, "bare")
    assert places(root, "DOC101") == ["README.md"]
    # The handler's check is what SRV101 looks for: without `validate=True`, none.
    assert serving._VALIDATES.search(RESTX) is not None
    assert serving._VALIDATES.search(bare["cardio/controllers/datasets.py"]) is None


def test_conda_exports_a_data_note_and_mis_encoded_notes(tmp_path: Path) -> None:
    utf16 = b"# Topic\n" + "Topic: wellbore".encode("utf-16-le")
    files: dict[str, str | bytes] = {
        "environments/yml/kaggle.yml": "name: kaggle\nchannels:\n  - defaults\n"
        "dependencies:\n  - pandas=1.0.1=py38h47e9c7a_0\n",
        "titanic/train.py": "import pandas as pd\nfrom sklearn.svm import SVC\n\n"
        "frame = pd.read_csv('data/train.csv')\nSVC().fit(frame[['x']], frame['y'])\n",
        "data/train.csv": "x,y\n0,0\n1,1\n",
        "data/source.txt": "The data comes from https://example.org/titanic\n",
        "docs/discussion/a.md": utf16,
        "docs/discussion/b.md": utf16,
    }
    root = repo(tmp_path, files, "kaggle")
    assert places(root, "PKG101") == []
    assert places(root, "LAY106") == []
    assert places(root, "LAY112") == ["docs/discussion/a.md"]
    nested = {k: v for k, v in files.items() if k != "data/source.txt"}
    nested["environments/yml/old/kaggle.yml"] = nested.pop("environments/yml/kaggle.yml")
    root = repo(tmp_path, nested, "nested")
    assert places(root, "PKG101") == ["."]
    assert places(root, "LAY106") == ["."]
