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
    assert places(repo(tmp_path, files, "yolo"), "TRK107") == ["."]


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
