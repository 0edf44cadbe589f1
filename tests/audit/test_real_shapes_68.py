"""Shapes met on a sixty-eighth and sixty-ninth set of public repositories, and misses
left by the sets before.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

MLFLOW_SERVICE = (
    "services:\n"
    "  mlflow:\n"
    "    image: ghcr.io/mlflow/mlflow:v2.16.2\n"
    "    command: mlflow server --host 0.0.0.0\n"
    "    ports:\n"
    "      - {port}\n"
)


def test_compose_port_whose_host_port_is_a_variable(tmp_path: Path) -> None:
    def found(port: str, name: str) -> list[str]:
        files: dict[str, str | bytes] = {
            "docker-compose.yml": MLFLOW_SERVICE.format(port=port),
        }
        return places(repo(tmp_path, files, name), "TRK106")

    assert found('"${MLFLOW_PORT}:5000"', "host-port") == ["docker-compose.yml:6"]
    assert found('"${MLFLOW_PORT:-5000}:${MLFLOW_PORT:-5000}"', "both") == ["docker-compose.yml:6"]
    assert found('"${BIND_ADDRESS}:5000:5000"', "address") == []
    assert found('"${BIND_ADDRESS:-127.0.0.1}:${MLFLOW_PORT}:5000"', "loopback") == []


def test_dotenv_loading_committed_job_parameters(tmp_path: Path) -> None:
    common = (
        "import dotenv\n\n\ndef load_env_vars(env: str) -> None:\n"
        '    dotenv.load_dotenv(f"conf/{env}/.{env}.env")\n'
    )
    files: dict[str, str | bytes] = {
        ".gitignore": "__pycache__/\n",
        "requirements.txt": "python-dotenv==1.0.1\nscikit-learn==1.5.2\n",
        "churn/__init__.py": "",
        "churn/common.py": common,
        "churn/train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
        "conf/dev/.dev.env": "model_name=churn_dev\nexperiment_path=/Shared/churn\n",
    }
    assert places(repo(tmp_path, files, "named"), "SEC104") == []
    bare = {**files, "churn/common.py": "from dotenv import load_dotenv\n\nload_dotenv()\n"}
    assert places(repo(tmp_path, bare, "bare"), "SEC104") == [".gitignore"]
    keyword = {**files, "churn/common.py": "import dotenv\n\ndotenv.load_dotenv(override=True)\n"}
    assert places(repo(tmp_path, keyword, "keyword"), "SEC104") == [".gitignore"]
    beside = (
        "from pathlib import Path\nfrom dotenv import load_dotenv\n\n"
        "load_dotenv(Path(__file__).parent / '.env')\n"
    )
    assert places(repo(tmp_path, {**files, "churn/common.py": beside}, "beside"), "SEC104") == [
        ".gitignore"
    ]


def test_a_spreadsheet_template_is_a_form_not_data(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
        "latex/Rebuttal_Tracking_Template.xlsx": b"PK\x03\x04" + b"\0" * 30_000,
    }
    assert places(repo(tmp_path, files, "form"), "DAT102") == []
    data = {**files, "latex/rebuttal_scores.xlsx": b"PK\x03\x04" + b"\0" * 30_000}
    assert places(repo(tmp_path, data, "data"), "DAT102") == ["latex/rebuttal_scores.xlsx"]


def test_marker_words_under_token_keys(tmp_path: Path) -> None:
    reward = (
        "reward:\n  kv:\n    category_token: kv\n    strict_json: true\n"
        "  grounding:\n    category_token: evidence\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\n",
        "src/train.py": (
            'import hydra\n\n\n@hydra.main(config_path="../configs", config_name="config", '
            'version_base="1.3")\ndef main(cfg):\n    pass\n'
        ),
        "configs/config.yaml": "defaults:\n  - reward: base\n",
        "configs/reward/base.yaml": reward,
    }
    assert places(repo(tmp_path, files, "markers"), "CFG105") == []
    keyed = {**files, "configs/reward/base.yaml": reward + "hub:\n  api_token: a8f3kq29xm71pz\n"}
    assert places(repo(tmp_path, keyed, "keyed"), "CFG105") == ["configs/reward/base.yaml:8"]
    password = {**files, "configs/reward/base.yaml": reward + "db:\n  password: kvbbox\n"}
    assert places(repo(tmp_path, password, "password"), "CFG105") == ["configs/reward/base.yaml:8"]


def test_ultralytics_training_is_machine_learning(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "ultralytics==8.3.40\n",
        "src/train.py": (
            "from ultralytics import YOLO\n\n"
            'YOLO("yolov8n.pt").train(data="dataset/data.yaml", epochs=50)\n'
        ),
    }
    profile = profile_of(RepoView(repo(tmp_path, files, "yolo")))
    assert profile.ml and profile.trains
    assert "ultralytics" in profile.trackers  # its trainer records every run in a folder


SERVICE = {
    "pyproject.toml": (
        '[tool.poetry]\nname = "rag_chat_api"\nversion = "0.1.0"\n\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "^0.115"\n'
        'langchain = "^0.3"\n\n[tool.poetry.scripts]\nstart = "rag_chat_api.app:start"\n'
    ),
    "rag_chat_api/__init__.py": "",
    "rag_chat_api/app.py": (
        "import uvicorn\nfrom fastapi import FastAPI\nfrom langchain_core.prompts import "
        "PromptTemplate\n\napp = FastAPI()\n\n\ndef start() -> None:\n"
        '    uvicorn.run(app, host="127.0.0.1", port=8080)\n'
    ),
    "tests/mock_files/mock_file.csv": "a,b\n" + "1,2\n" * 20_000,
}


def test_a_packaged_service_that_an_image_deploys_is_a_project(tmp_path: Path) -> None:
    deployed = {**SERVICE, "Dockerfile": 'FROM python:3.11-slim\nCMD ["start"]\n'}
    assert profile_of(RepoView(repo(tmp_path, deployed, "deployed"))).kind == "project"
    # Test fixtures are no dataset of a service that trains nothing.
    assert places(repo(tmp_path, deployed, "fixtures"), "DVC115") == []
    assert profile_of(RepoView(repo(tmp_path, SERVICE, "plain"))).kind == "library"
    published = {
        **deployed,
        ".github/workflows/release.yml": (
            "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        ),
    }
    assert profile_of(RepoView(repo(tmp_path, published, "published"))).kind == "library"


def test_mlflow_2_writes_no_mlflow_db(tmp_path: Path) -> None:
    def found(requirement: str, name: str) -> list[str]:
        files: dict[str, str | bytes] = {
            ".gitignore": "# mlflow\nmlruns/\n",
            "pyproject.toml": (
                f'[project]\nname = "dex"\nversion = "0.1.0"\ndependencies = ["{requirement}"]\n'
            ),
            "scripts/train.py": (
                "import mlflow\nfrom sklearn.ensemble import IsolationForest\n\n"
                "with mlflow.start_run():\n    IsolationForest().fit([[0]])\n"
            ),
        }
        return places(repo(tmp_path, files, name), "TRK104")

    assert found("mlflow (>=2.22.0,<3.0.0)", "capped") == []
    assert found("mlflow==2.9.2", "pinned") == []
    assert found("mlflow>=2.22", "open") == [".gitignore"]
    assert found("mlflow<3.1", "three") == [".gitignore"]


def test_a_wheel_the_manifest_installs_from_the_repository(tmp_path: Path) -> None:
    wheel = "bundle/oss/curope-0.0.0-cp311-cp311-linux_x86_64.whl"
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "recon"\nversion = "0.1.0"\ndependencies = ["curope"]\n\n'
            f'[tool.uv.sources]\ncurope = {{ path = "{wheel}" }}\n'
        ),
        "scripts/run.py": "import curope\n",
        wheel: b"PK\x03\x04" + b"\0" * 2_600_000,
    }
    assert places(repo(tmp_path, files, "sourced"), "DAT101") == []
    stray = {**files, "bundle/oss/other-1.0-py3-none-any.whl": b"PK\x03\x04" + b"\0" * 2_600_000}
    assert places(repo(tmp_path, stray, "stray"), "DAT101") == [
        "bundle/oss/other-1.0-py3-none-any.whl"
    ]


def test_a_proxy_uri_whose_password_names_itself(tmp_path: Path) -> None:
    values = (
        "extraEnv:\n"
        "#   'proxy-config':\n"
        "#     stringData: |\n"
        "#        HTTP_PROXY: http://proxy_user:proxy_password@192.168.0.10:2080\n"
    )
    files: dict[str, str | bytes] = {"infra/airflow.yaml": values}
    assert places(repo(tmp_path, files, "named"), "SEC102") == []
    real = {"infra/airflow.yaml": values.replace("proxy_password", "Vq8r2LmZt4")}
    assert places(repo(tmp_path, real, "real"), "SEC102") == ["infra/airflow.yaml:4"]


def test_a_setup_heading_in_japanese(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# DEX 流動性\n\n## セットアップ手順\n\n1. gcloud init\n",
        "scripts/train.py": "from sklearn.ensemble import IsolationForest\n",
    }
    assert places(repo(tmp_path, files, "ja"), "DOC101") == []
    bare = {**files, "README.md": "# DEX 流動性\n\n## 概要\n\nBigQuery のデータ。\n"}
    assert places(repo(tmp_path, bare, "bare"), "DOC101") == ["README.md"]


def test_dev_tools_listed_by_tox_environments(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n',
        "setup.cfg": (
            "[metadata]\nname = log-analyzer\n\n[options]\npackages = find:\n"
            "install_requires =\n    torch >= 1.9.1\n"
        ),
        "log_analyzer/__init__.py": "",
        "log_analyzer/train_model.py": "import torch\n",
        "tox.ini": "[tox]\nenvlist = py3\n\n[testenv]\ndeps = pytest\ncommands = pytest\n",
    }
    assert places(repo(tmp_path, files, "tox"), "PKG106") == []
    bare = {**files, "tox.ini": "[tox]\nenvlist = py3\n\n[testenv]\ncommands = pytest\n"}
    assert places(repo(tmp_path, bare, "bare"), "PKG106") == ["pyproject.toml"]


def test_a_project_table_beside_tool_settings_installs_nothing(tmp_path: Path) -> None:
    stub = '[project]\nname = "book-recsys"\nversion = "0.4.0"\n\n[tool.ruff]\nline-length = 100\n'
    files: dict[str, str | bytes] = {
        "pyproject.toml": stub,
        "environment.yml": "dependencies:\n  - python=3.10\n  - scikit-learn=1.5.2\n",
        "models/train.py": "from sklearn.svm import SVC\n",
    }
    assert places(repo(tmp_path, files, "stub"), "PKG104") == []
    built = {**files, "pyproject.toml": stub + '\n[build-system]\nrequires = ["hatchling"]\n'}
    assert places(repo(tmp_path, built, "built"), "PKG104") == ["pyproject.toml:1"]


def test_dev_tools_among_setup_cfg_install_requires(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": "import setuptools\n\nsetuptools.setup()\n",
        "setup.cfg": (
            "[metadata]\nname = log-analyzer\n\n[options]\npackages = find:\n"
            "install_requires =\n    numpy >= 1.22.3\n\tpytest >= 6.2.3\n\ttorch >= 1.9.1\n"
            "\n[options.extras_require]\nlint = black\n"
        ),
        "log_analyzer/__init__.py": "",
        "log_analyzer/train_model.py": "import torch\n",
    }
    assert places(repo(tmp_path, files, "cfg"), "PKG111") == ["setup.cfg:8"]


def test_a_conda_freeze_is_no_runtime_set(tmp_path: Path) -> None:
    freeze = (
        "pybind11 @ file:///home/conda/feedstock_root/build_artifacts/pybind11_17527/work\n"
        "pre_commit==4.5.0\npytest==9.0.2\nscikit-learn==1.7.1\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": freeze,
        "requirements/ci.txt": "pytest==9.0.2\nscikit-learn==1.7.1\n",
        "pyproject.toml": '[project]\nname = "recsys"\nversion = "0.1.0"\n',
        "recsys/__init__.py": "",
        "recsys/train.py": "from sklearn.svm import SVC\n",
    }
    assert places(repo(tmp_path, files, "freeze"), "PKG111") == []
    plain = {**files, "requirements.txt": freeze.split("\n", 1)[1]}
    assert places(repo(tmp_path, plain, "plain"), "PKG111") == [
        "requirements.txt:1",  # one finding names both tools
    ]


def test_a_package_that_trains_beside_empty_data_folders_is_a_project(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "ecg-anomaly-detection"\nversion = "0.1.0"\n'
            'dependencies = ["numpy>=1.26"]\n\n[project.scripts]\n'
            'ecg-data = "ecg_anomaly_detection.cli:main"\n'
        ),
        "src/ecg_anomaly_detection/__init__.py": "",
        "src/ecg_anomaly_detection/training.py": "class BaselineModel:\n    pass\n",
        "data/raw/.gitkeep": "",
        "data/processed/.gitkeep": "",
    }
    assert profile_of(RepoView(repo(tmp_path, files, "layout"))).kind == "project"
    del files["data/raw/.gitkeep"], files["data/processed/.gitkeep"]
    assert profile_of(RepoView(repo(tmp_path, files, "library"))).kind == "library"


def test_python_that_starts_mlflow_on_every_interface(tmp_path: Path) -> None:
    launcher = (
        "import subprocess\n\n\ndef start() -> None:\n    subprocess.Popen(\n"
        '        ["mlflow", "server", "--host", "{host}", "--port", "5000"],\n    )\n'
    )
    files: dict[str, str | bytes] = {"run_mlflow_training.py": launcher.format(host="0.0.0.0")}
    assert places(repo(tmp_path, files, "open"), "TRK106") == ["run_mlflow_training.py:6"]
    loopback = {"run_mlflow_training.py": launcher.format(host="127.0.0.1")}
    assert places(repo(tmp_path, loopback, "loopback"), "TRK106") == []
    line = {"serve.py": 'import os\n\nos.system("mlflow ui --host 0.0.0.0 --port 5000")\n'}
    assert places(repo(tmp_path, line, "line"), "TRK106") == ["serve.py:3"]
    described = {
        "rules.py": (
            '"""Reports `mlflow server --host 0.0.0.0` in scripts.\n\n'
            '`os.system("mlflow ui --host 0.0.0.0")` is reported too.\n"""\n'
            '# subprocess.run("mlflow ui --host 0.0.0.0")\n'
        )
    }
    assert places(repo(tmp_path, described, "described"), "TRK106") == []


def test_time_series_an_arma_process_simulates(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.5.1\nstatsmodels==0.14.4\n",
        "arma.py": (
            "from statsmodels.tsa.arima_process import ArmaProcess\n\n\n"
            "def generate_arma_batch(seed):\n    return ArmaProcess(ar=[1, -0.5], ma=[1])\n"
        ),
        "train.py": "import torch\nfrom arma import generate_arma_batch\n\nloss.backward()\n",
    }
    assert places(repo(tmp_path, files, "arma"), "DVC115") == []
    read = {**files, "train.py": files["train.py"] + "import pandas as pd\npd.read_csv('x.csv')\n"}
    assert places(repo(tmp_path, read, "read"), "DVC115") == ["."]
