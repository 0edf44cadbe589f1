"""Shapes met on a sixty-second and sixty-third set of public repositories.

A masked API key in a README, CI that runs make targets from a matrix through Makefile
variables, GoCD pipelines, an MLflow server whose store stays in its container, a
secret-store path as a Terraform value, a competition's submission format, a smoke
test's fixture, and the Flask debugger on every interface (a miss, now SRV105). Each
test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo


def test_a_masked_key_in_a_readme(tmp_path: Path) -> None:
    readme = '# Gateway\n\n```bash\nexport API_KEY="{key}"\n```\n'
    files: dict[str, str | bytes] = {"src/gateway/README.md": readme.format(key="sk_dev_XXXXXXXXX")}
    assert places(repo(tmp_path, files, "masked"), "SEC105") == []
    real = {"src/gateway/README.md": readme.format(key="sk_dev_q7Vb2Lm9Tx4R")}
    assert places(repo(tmp_path, real, "real"), "SEC105") == ["src/gateway/README.md:4"]


WORKFLOW = """\
on: push
jobs:
  check:
    strategy:
      matrix:
        target: [compile, lint, TEST]
    runs-on: ubuntu-latest
    steps:
      - run: make ${{ matrix.target }}
"""
MAKEFILE = """\
PY_LINT := uv run ruff check
PY_TEST := uv run pytest

compile:
\tpython -m compileall -q dlk
lint:
\t$(PY_LINT) dlk
test: compile
\t@$(PY_TEST)
"""


def test_ci_that_runs_make_targets_from_a_matrix(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "dlk"\nversion = "0.1"\n',
        "dlk/__init__.py": "",
        "tests/test_dlk.py": "def test_x():\n    assert True\n",
        "Makefile": MAKEFILE,
        ".github/workflows/ci.yml": WORKFLOW.replace("TEST", "test"),
    }
    root = repo(tmp_path, files, "matrix")
    assert places(root, "QUA107") == []
    assert places(root, "QUA109") == []
    untested = {**files, ".github/workflows/ci.yml": WORKFLOW.replace("TEST", "docs")}
    assert places(repo(tmp_path, untested, "untested"), "QUA107") == [".github/workflows/ci.yml"]


GOCD = """\
format_version: 10
pipelines:
  demo_ci_pipeline:
    group: ml
    stages:
      - commit:
          jobs:
            test:
              tasks:
                - exec: {command: bin/test.sh}
"""


def test_gocd_pipelines_are_ci(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "src/train.py": "from sklearn.svm import SVR\n\nSVR().fit([[0]], [0])\n",
        "ci.gocd.yaml": GOCD,
        "tests/test_train.py": "def test_fit():\n    assert True\n",
    }
    assert places(repo(tmp_path, files, "gocd"), "QUA110") == []
    other = {**files, "ci.notes.yaml": GOCD}
    del other["ci.gocd.yaml"]
    assert places(repo(tmp_path, other, "other"), "QUA110") == ["."]


COMPOSE = """\
services:
  api:
    build: .
    volumes:
      - ./:/app
  mlflow:
    image: python:3.11-slim
    command: mlflow server --host 0.0.0.0 --backend-store-uri sqlite:///mlflow.db
{mount}"""


def test_an_mlflow_store_inside_its_container(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.1\n",
        "src/train.py": (
            "import os\n\nimport mlflow\n\n"
            'mlflow.set_tracking_uri(os.environ.get("MLFLOW_URI", "http://mlflow:5000"))\n'
            "mlflow.log_metric('auc', 0.9)\n"
        ),
        "docker-compose.yml": COMPOSE.format(mount=""),
        ".gitignore": "__pycache__/\n",
    }
    assert places(repo(tmp_path, files, "inside"), "TRK104") == []
    mounted = {
        **files,
        "docker-compose.yml": COMPOSE.format(mount="    volumes:\n      - ./:/mlflow\n"),
    }
    assert places(repo(tmp_path, mounted, "mounted"), "TRK104") == [".gitignore"]


TERRAFORM = """\
module "search" {{
  source = "./service"
  secret_env_vars = {{
    USERNAME = "elasticsearch/prototype/USERNAME"
    PASSWORD = "{password}"
  }}
}}
"""


def test_a_secret_store_path_as_a_terraform_value(tmp_path: Path) -> None:
    path = "elasticsearch/prototype/PASSWORD"
    files: dict[str, str | bytes] = {"terraform/main.tf": TERRAFORM.format(password=path)}
    assert places(repo(tmp_path, files, "path"), "SEC106") == []
    real = {"terraform/main.tf": TERRAFORM.format(password="Elastic2024!")}
    assert places(repo(tmp_path, real, "real"), "SEC106") == ["terraform/main.tf:5"]


def test_a_submission_format_and_a_smoke_fixture(tmp_path: Path) -> None:
    table = "Id,SalePrice\n" + "".join(f"{i},169277.05\n" for i in range(1461, 3000))
    fixture = '{\n  "username": "smoke{{RANDOM}}",\n  "password": "SmokePass!2026"\n}\n'
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "src/train.py": "from sklearn.svm import SVR\n\nSVR().fit([[0]], [0])\n",
        "references/sample_submission.csv": table,
        "tools/smoke_fixtures/smoke_applicant.json": fixture,
    }
    root = repo(tmp_path, files, "kept")
    assert places(root, "DAT102") == []
    assert places(root, "SEC106") == []
    moved = {
        "requirements.txt": files["requirements.txt"],
        "src/train.py": files["src/train.py"],
        "data/train_prices.csv": table,
        "config/applicant.json": fixture,
    }
    root = repo(tmp_path, moved, "moved")
    assert places(root, "DAT102") == ["data/train_prices.csv"]
    assert places(root, "SEC106") == ["config/applicant.json:3"]


APP = """\
from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run(host={host}, port=5001, debug=True)
"""


def test_the_flask_debugger_on_every_interface(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask==3.0.3\ntorch==2.4.1\n",
        "src/api/main.py": APP.format(host="'0.0.0.0'"),
        "src/api/model.py": "import torch\n\nMODEL = torch.jit.load('model.pt')\n",
    }
    assert places(repo(tmp_path, files, "exposed"), "SRV105") == ["src/api/main.py:6"]
    local = {**files, "src/api/main.py": APP.format(host="'127.0.0.1'")}
    assert places(repo(tmp_path, local, "local"), "SRV105") == []
    course = {
        "requirements.txt": files["requirements.txt"],
        "chapter-05-deployment/serve.py": APP.format(host="'0.0.0.0'"),
    }
    assert places(repo(tmp_path, course, "course"), "SRV105") == []


def test_a_tracking_uri_read_from_the_environment_in_another_module(tmp_path: Path) -> None:
    constants = 'import os\n\nMLFLOW_URI = os.environ.get("MLFLOW_URI", "http://mlflow:5000")\n'
    api = (
        "import mlflow\n\nfrom src.constants import MLFLOW_URI, MODEL_NAME\n\n"
        "mlflow.set_tracking_uri(uri=MLFLOW_URI)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.1\n",
        "src/__init__.py": "",
        "src/constants.py": constants + 'MODEL_NAME = "fraud"\n',
        "src/api/api.py": api,
    }
    assert places(repo(tmp_path, files, "imported"), "TRK102") == []
    fixed = {
        **files,
        "src/constants.py": 'MLFLOW_URI = "http://mlflow:5000"\nMODEL_NAME = "fraud"\n',
    }
    assert places(repo(tmp_path, fixed, "fixed"), "TRK102") == ["src/api/api.py:5"]
