"""Shapes met on a hundredth and hundred-and-first set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAIN_SCRIPT as TRAIN
from audit.support import audit, places, repo


def test_an_upper_case_requirements_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "REQUIREMENTS.txt": "scikit-learn==0.23.1\nPyYAML==5.3\n",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "upper"), "PKG101") == []
    none = {k: v for k, v in files.items() if k != "REQUIREMENTS.txt"}
    assert places(repo(tmp_path, none, "none"), "PKG101") == ["."]


def test_a_dot_env_the_gitignore_names_in_its_folder(tmp_path: Path) -> None:
    variables = (
        "import os\nfrom dotenv import load_dotenv\n\n"
        "PROJECT_DIR = os.path.dirname(__file__)\n"
        "load_dotenv(dotenv_path=os.path.join(PROJECT_DIR, 'setup', '.env'))\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "python-dotenv==1.1.0\nscikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "FEXT/app/variables.py": variables,
        ".gitignore": ".venv/\nFEXT/setup/.env\n",
    }
    assert places(repo(tmp_path, files, "named"), "SEC104") == []
    bare = {**files, ".gitignore": ".venv/\n"}
    assert places(repo(tmp_path, bare, "bare"), "SEC104") == [".gitignore"]


def test_an_attribute_mapping_expression_is_no_credential(tmp_path: Path) -> None:
    manifest = (
        "attributes:\n"
        '  apiKey: request.api_key | request.headers["x-api-key"] | ""\n'
        '  apiClaims: request.auth.raw_claims | ""\n'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "cluster-conf/istio/attributes.yaml": manifest,
    }
    assert places(repo(tmp_path, files, "istio"), "SEC106") == []
    chosen = manifest.replace('request.api_key | request.headers["x-api-key"] | ""', "Kq8vLm2pWx9z")
    literal = {**files, "cluster-conf/istio/attributes.yaml": chosen}
    assert places(repo(tmp_path, literal, "literal"), "SEC106") == [
        "cluster-conf/istio/attributes.yaml:2"
    ]


def test_a_stale_setup_script_beside_pep621_dependencies(tmp_path: Path) -> None:
    pyproject = (
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "claims-fraud"\nversion = "0.1.0"\n'
        'dependencies = ["scikit-learn>=1.3"]\n\n'
        '[project.optional-dependencies]\ndev = ["pytest>=7.4.0"]\n'
    )
    setup = (
        "from setuptools import setup\n\nsetup(\n    name='claims-fraud-detection',\n"
        "    install_requires=[\n        'scikit-learn>=1.3',\n"
        "        'pytest>=7.4.0',\n    ],\n)\n"
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "setup.py": setup,
        "src/claims_fraud/__init__.py": "",
        "src/claims_fraud/train.py": TRAIN,
    }
    assert places(repo(tmp_path, files, "stale"), "PKG111") == []
    dynamic = pyproject.replace(
        'dependencies = ["scikit-learn>=1.3"]', 'dynamic = ["dependencies"]'
    )
    live = {**files, "pyproject.toml": dynamic}
    assert places(repo(tmp_path, live, "live"), "PKG111") == ["setup.py:7"]


def test_a_store_whose_contents_the_gitignore_ignores(tmp_path: Path) -> None:
    train = (
        "import mlflow\n\nmlflow.set_tracking_uri('sqlite:///mlruns/mlflow.db')\n"
        "with mlflow.start_run():\n    mlflow.log_metric('rmse', 1.0)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==2.19.0\n",
        "train.py": train,
        "mlruns/.gitkeep": "",
        ".gitignore": "# MLflow\nmlruns/mlflow.db\nmlruns/*/\n!mlruns/.gitkeep\n",
    }
    assert places(repo(tmp_path, files, "contents"), "TRK104") == []
    open_store = {**files, ".gitignore": ".venv/\n"}
    assert places(repo(tmp_path, open_store, "open"), "TRK104") == [".gitignore"]


DOCKERFILE = "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"


def test_a_pyproject_of_tool_settings_and_a_build_table(tmp_path: Path) -> None:
    pyproject = (
        '[build-system]\nrequires = ["setuptools>=42", "wheel"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        "[tool.black]\nline-length = 100\n\n[tool.pytest.ini_options]\naddopts = '-q'\n"
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "requirements.txt": "scikit-learn==1.6.1\n",
        "src/segmentation/__init__.py": "",
        "src/segmentation/train.py": TRAIN,
        "Dockerfile": DOCKERFILE,
    }
    assert places(repo(tmp_path, files, "settings"), "PKG102") == []
    installed = {**files, "README.md": "# Seg\n\n## Setup\n\n    pip install -e .\n"}
    assert places(repo(tmp_path, installed, "installed"), "PKG102") == ["pyproject.toml:1"]


DB_CONFIG = (
    "class ProdDbConfig:\n"
    "    def __init__(self):\n"
    "        self.host = '10.18.25.72'\n"
    "        self.user = 'aiop_bind'\n"
    "        self.password = '1Ye8Xl1Td0'\n"
)


def test_a_chosen_password_in_a_module(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "global_vars.py": DB_CONFIG,
    }
    assert places(repo(tmp_path, files, "chosen"), "SEC106") == ["global_vars.py:5"]
    default = {**files, "global_vars.py": DB_CONFIG.replace("1Ye8Xl1Td0", "postgres")}
    assert places(repo(tmp_path, default, "default"), "SEC106") == []
    tested = {k: v for k, v in files.items() if k != "global_vars.py"}
    tested["tests/test_db.py"] = DB_CONFIG
    assert places(repo(tmp_path, tested, "tested"), "SEC106") == []


def test_a_fixture_password_and_vocabulary_ids(tmp_path: Path) -> None:
    golden = (
        "def seed(database):\n"
        "    database.create_user(\n"
        "        email='enterprise-admin@example.test',\n"
        "        password='Admin-password-1',\n"
        "    )\n"
    )
    summary = '{"neighbors": [{"token": "tok_38", "similarity": 0.18}], "token": "tok_0"}\n'
    sensors = '[cloud]\ntoken_store_path = "state/token_store.json"\n'
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "app/golden.py": golden,
        "runs/2026-06-03/llm_summary.json": summary,
        "cloud/config/sensors.toml": sensors,
    }
    assert places(repo(tmp_path, files, "fixtures"), "SEC106") == []
    real = {**files, "cloud/config/sensors.toml": '[cloud]\ndb_password = "Sunflower1987"\n'}
    assert places(repo(tmp_path, real, "real"), "SEC106") == ["cloud/config/sensors.toml:2"]


def test_a_stage_command_written_with_windows_separators(tmp_path: Path) -> None:
    dvc = (
        "stages:\n  prediction:\n    cmd: python src\\pipeline\\prediction_pipeline.py\n"
        "    deps:\n      - models/best_model.pkl\n    outs:\n      - predictions/\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\ndvc==3.59.0\n",
        "src/pipeline/prediction_pipeline.py": TRAIN,
        "dvc.yaml": dvc,
        ".dvc/config": "[core]\n",
        ".dvc/.gitignore": "/config.local\n/tmp\n/cache\n",
    }
    root = repo(tmp_path, files, "windows")
    messages = [i.message for i in audit(root).issues if i.rule == "DVC103"]
    assert any("src/pipeline/prediction_pipeline.py" in m for m in messages), messages
    listed = dvc.replace(
        "      - models/best_model.pkl\n",
        "      - models/best_model.pkl\n      - src/pipeline/prediction_pipeline.py\n",
    )
    fixed = repo(tmp_path, {**files, "dvc.yaml": listed}, "listed")
    assert not [i for i in audit(fixed).issues if i.rule == "DVC103"]
