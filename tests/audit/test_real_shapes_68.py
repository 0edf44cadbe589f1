"""Shapes met on a sixty-eighth and sixty-ninth set of public repositories, and misses
left by the sets before.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

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
