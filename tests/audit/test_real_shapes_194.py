"""Shapes met on the hundred-and-ninety-fourth and later sets of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import audit, places, places_per_readme, repo

# A Deployment's environment given as `name:`/`value:` items. The keys are made up.
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: api
          image: api:1.0
          env:
            - name: AWS_SECRET_ACCESS_KEY
              value: "q8Vd2LkR7pXz0Tn4Ws9Yb3Hc6Jf1Mg5Ne8Ua2Qo"
            - name: DB_PASSWORD
              value: Sunflower2024x
            - name: API_TOKEN
              valueFrom:
                secretKeyRef: {name: api, key: token}
            - name: LOG_LEVEL
              value: info
"""

# Docker Compose's environment as a list of `KEY=value` items.
COMPOSE = """services:
  api:
    image: api
    environment:
      - MLFLOW_TRACKING_PASSWORD=Zk29fjQm01xLpWq8
      - POSTGRES_USER=mlflow
      - POSTGRES_PASSWORD=mlflow_password
      - REDIS_PASSWORD=${REDIS_PASSWORD}
      - "HF_TOKEN=Rt5Yu8Io2Pa4Sd6Fg8Hj0Kl2Zx4Cv6Bn8Mq1We3R"
"""


def test_credentials_in_an_environment_given_as_a_list(tmp_path: Path) -> None:
    files = {**TRAINING, "k8s/deploy.yaml": DEPLOYMENT, "docker-compose.yml": COMPOSE}
    root = repo(tmp_path, files)
    assert sorted(places(root, "SEC103")) == [
        "docker-compose.yml:5",
        "docker-compose.yml:9",
        "k8s/deploy.yaml:11",
    ]
    assert places(root, "SEC106") == ["k8s/deploy.yaml:13"]


def test_an_environment_list_is_judged_as_a_mapping_is(tmp_path: Path) -> None:
    # A local default (a password that starts with its user) and a reference are no
    # finding in either shape; an allowlisted item is exempt.
    allowed = COMPOSE.replace(
        "Zk29fjQm01xLpWq8", "Zk29fjQm01xLpWq8  # pragma: allowlist secret"
    ).replace('"HF_TOKEN=Rt5Yu8Io2Pa4Sd6Fg8Hj0Kl2Zx4Cv6Bn8Mq1We3R"', "HF_TOKEN=${HF_TOKEN}")
    root = repo(tmp_path, {**TRAINING, "docker-compose.yml": allowed})
    assert places(root, "SEC103") == []
    assert places(root, "SEC106") == []


DOCKERFILE = """FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .env ./
COPY . .
ADD --chown=app .env.example /app/
CMD ["python", "app.py"]
"""


def test_a_dockerfile_that_copies_the_env_file_into_its_image(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "app.py": "from dotenv import load_dotenv\n\nload_dotenv()\n",
        ".env.example": "OPENAI_API_KEY=\n",
        ".gitignore": ".env\n",
        "Dockerfile": DOCKERFILE,
    }
    assert places(repo(tmp_path, files, "secrets"), "SEC104") == ["Dockerfile:3"]
    settings = {**files, ".env.example": "LOG_LEVEL=info\n"}
    assert places(repo(tmp_path, settings, "settings"), "SEC104") == []


def test_a_thesis_a_showcase_and_a_finished_example_are_study_work(tmp_path: Path) -> None:
    openings = [
        "This work was undertaken as part of my master thesis at a university.",
        "This repository provides a structured example, built as part of my Thesis.",
        "Collection of various predictive maintenance solutions, showcasing approaches.",
        "This showcase highlights how sensors feed a maintenance model.",
        "A walkthrough of training a churn model on a managed platform.",
        "This is a test project that deploys a Kaggle model.",
    ]
    studies = [f"# Sensors\n\n{opening}\n" for opening in openings]
    studies.append("# Finished example.\n\nRun `python main.py`.\n")
    found = places_per_readme(tmp_path, TRAINING, "LAY104", studies)
    assert found == {key: [] for key in studies}
    projects = [
        "This project showcases a fraud model in production.",
        "A test suite runner for ML.",
    ]
    projects = [f"# Project\n\n{opening}\n" for opening in projects]
    found = places_per_readme(tmp_path, TRAINING, "LAY104", projects)
    assert found == {key: ["."] for key in projects}


def test_mlflow_skinny_pinned_beside_mlflow_is_one_finding(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "requirements.txt": "pandas==2.2.2\nmlflow==2.19.0\nmlflow_skinny==2.19.0\n",
        "train.py": "import mlflow\n\nmlflow.log_metric('rmse', 1.0)\n",
    }
    assert places(repo(tmp_path, files), "PKG109") == ["requirements.txt:2"]
    skinny = {**files, "requirements.txt": "pandas==2.2.2\nmlflow-skinny==2.19.0\n"}
    assert places(repo(tmp_path, skinny, "skinny"), "PKG109") == ["requirements.txt:2"]


TRAIN_CONDA = """name: train-env
channels:
  - conda-forge
dependencies:
  - python=3.10
  - pandas=1.3.5
  - scikit-learn=1.0.0
  - pip
  - pip:
      - mlflow==2.9.2
"""


def test_a_conda_file_an_azure_ml_environment_names_declares_the_steps_tools(
    tmp_path: Path,
) -> None:
    step = "import mlflow\nimport pandas as pd\nfrom sklearn.linear_model import Ridge\n"
    files: dict[str, str | bytes] = {
        "README.md": "# Fraud\n\nTrains a fraud model on Azure ML.\n",
        "requirements.txt": "numpy==1.26.4\n",
        "data-science/src/train.py": step,
        "data-science/environment/train-conda.yml": TRAIN_CONDA,
        "mlops/azureml/train/environment.yml": (
            "name: train-env\nimage: mcr.microsoft.com/azureml/base\n"
            "conda_file: ../../../data-science/environment/train-conda.yml\n"
        ),
    }
    assert places(repo(tmp_path, files), "PKG112") == []
    elsewhere = {**files, "data-science/setup/train.yml": TRAIN_CONDA}
    del elsewhere["data-science/environment/train-conda.yml"]
    assert len(places(repo(tmp_path, elsewhere, "elsewhere"), "PKG112")) == 3


SETUP_CFG = """[metadata]
name = tracking_hpo

[options]
packages = find:
package_dir =
    =src
install_requires =
    optuna>=3.0
    tracking @ git+https://example.invalid/tracking/tracking.git
"""


def test_a_dependency_from_a_git_url_may_install_what_the_package_imports(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Tracking HPO\n\nTunes the tracking models.\n",
        "setup.cfg": SETUP_CFG,
        "setup.py": "from setuptools import setup\n\nsetup()\n",
        "src/tracking_hpo/__init__.py": "",
        "src/tracking_hpo/load.py": "import optuna\nimport torch\n\nnet = torch.nn.Linear(2, 2)\n",
    }
    assert places(repo(tmp_path, files), "PKG105") == []
    plain = {**files, "setup.cfg": SETUP_CFG.replace("    tracking @ git+", "#    tracking @ git+")}
    assert places(repo(tmp_path, plain, "plain"), "PKG105") == ["src/tracking_hpo/load.py:2"]


def test_a_data_folder_of_models_and_assets_and_a_labelled_data_source(tmp_path: Path) -> None:
    app: dict[str, str | bytes] = {
        **TRAINING,
        "data/config.py": "RANGES = {'rooms': (1, 12)}\n",
        "data/models/model.joblib": b"\x80\x04K\x01.",
        "data/models/booster.json": '{"learner": {}}\n',
        "data/static/base.css": "body { margin: 0; }\n",
        "data/static/logo.png": b"\x89PNG\r\n\x1a\n",
    }
    assert places(repo(tmp_path, app, "app"), "LAY106") == []
    table = {**app, "data/houses.csv": "rooms,price\n3,250000\n"}
    assert places(repo(tmp_path, table, "table"), "LAY106") == ["."]
    readme = "# Cars\n\nData Source: the dataset was sourced from https://example.org/cars\n"
    assert places(repo(tmp_path, {**table, "README.md": readme}, "source"), "LAY106") == []


CODEQL = """name: CodeQL
on: [push, pull_request]
jobs:
  analyze:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v3
        with:
          languages: python
      - uses: github/codeql-action/analyze@v3
"""


def test_codeql_analysis_in_ci_is_a_static_analyser(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "traffic"\nversion = "1.0"\n\n[tool.ruff]\nline-length = 100\n'
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "traffic/__init__.py": "",
        "tests/test_traffic.py": "def test_one():\n    assert 1\n",
        ".github/workflows/codeql-analysis.yml": CODEQL,
    }
    assert places(repo(tmp_path, files), "QUA109") == []
    init_only = CODEQL.replace("      - uses: github/codeql-action/analyze@v3\n", "")
    other = {**files, ".github/workflows/codeql-analysis.yml": init_only}
    assert places(repo(tmp_path, other, "init"), "QUA109") != []


def workbook(header: list[str], rows: int) -> bytes:
    """An Excel workbook whose first sheet holds `header` and `rows` rows of numbers."""
    shared = "".join(f"<si><t>{cell}</t></si>" for cell in header)
    first = "".join(f'<c r="A1" t="s"><v>{index}</v></c>' for index in range(len(header)))
    body = "".join(
        f'<row r="{n + 2}">' + "".join(f"<c><v>{n * 0.001:.6f}</v></c>" for _ in header) + "</row>"
        for n in range(rows)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as book:
        book.writestr("xl/sharedStrings.xml", f"<sst>{shared}</sst>")
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet><sheetData><row r="1">{first}</row>{body}</sheetData></worksheet>',
        )
    return buffer.getvalue()


def test_a_workbook_of_experiment_scores_in_a_results_folder(tmp_path: Path) -> None:
    scores = workbook(["Features", "Algorithm", "Accuracy", "Precision (Weighted)", "F1"], 900)
    assert len(scores) > 30_000
    files: dict[str, str | bytes] = {
        **TRAINING,
        "output/experiment_results/all_scores.xlsx": scores,
    }
    assert places(repo(tmp_path, files, "scores"), "DAT102") == []
    readings = workbook(["sensor", "temperature", "pressure", "label", "timestamp"], 900)
    data = {**TRAINING, "output/experiment_results/all_scores.xlsx": readings}
    assert places(repo(tmp_path, data, "data"), "DAT102") == [
        "output/experiment_results/all_scores.xlsx"
    ]


def test_a_damaged_workbook_is_read_as_data_without_failing_the_audit(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/sharedStrings.xml", "<sst><si><t>sensor</t></si></sst>" * 3000)
        book.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData>" + "<row/>" * 9000)
        entry = book.getinfo("xl/worksheets/sheet1.xml")
    damaged = bytearray(buffer.getvalue())
    start = entry.header_offset + 30 + len(entry.filename.encode()) + len(entry.extra)
    damaged[start : start + entry.compress_size] = b"\xff" * entry.compress_size  # no deflate
    path = "results/readings.xlsx"  # a results folder's workbook: its header is read
    files = {**TRAINING, path: bytes(damaged) + b"\x00" * 60_000}
    assert places(repo(tmp_path, files), "DAT102") == [path]


def notebook(
    outputs: list[dict[str, object]], count: int | None, metadata: dict[str, object]
) -> str:
    cell = {"cell_type": "code", "execution_count": count, "metadata": {}, "outputs": outputs}
    return json.dumps({"cells": [cell], "metadata": metadata, "nbformat": 4, "nbformat_minor": 0})


def test_a_databricks_export_and_linked_report_notebooks_keep_no_run_outputs(
    tmp_path: Path,
) -> None:
    databricks = {"application/vnd.databricks.v1+notebook": {"notebookName": "ingest"}}
    placeholder = {
        "output_type": "display_data",
        "data": {"text/plain": ["Databricks visualization. Run in Databricks to view."]},
        "metadata": {},
    }
    table = {"output_type": "stream", "name": "stdout", "text": ["rows: 1200\n"]}
    export = {
        **TRAINING,
        "maintenance/01_ingest.ipynb": notebook([], 0, databricks),
        "maintenance/02_eda.ipynb": notebook([placeholder], 0, databricks),
    }
    assert places(repo(tmp_path, export, "export"), "DAT104") == []
    ran = {**export, "maintenance/02_eda.ipynb": notebook([placeholder, table], 0, databricks)}
    assert places(repo(tmp_path, ran, "ran"), "DAT104") == ["maintenance/02_eda.ipynb"]
    readme = "# Reviews\n\n- Cleaning: [Notebook](reports/1_cleaning.ipynb)\n"
    reports = {
        **TRAINING,
        "README.md": readme,
        "reports/1_cleaning.ipynb": notebook([table], 1, {}),
        "reports/2_training.ipynb": notebook([table], 1, {}),
    }
    assert places(repo(tmp_path, reports, "reports"), "DAT104") == []
    unlinked = {**reports, "README.md": "# Reviews\n\nSee the notebooks.\n"}
    assert places(repo(tmp_path, unlinked, "unlinked"), "DAT104") == ["reports/1_cleaning.ipynb"]


PINNED = """pandas==2.2.2
numpy==1.26.4
scikit-learn==1.4.2
fastapi==0.110.0
https://example.org/models/releases/download/en_core_web_sm-2.3.1/en_core_web_sm-2.3.1.tar.gz#egg=en_core_web_sm
"""


def test_a_file_of_pins_and_release_archives_is_a_lock(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**TRAINING, "requirements.txt": PINNED}
    assert places(repo(tmp_path, files, "archives"), "PKG107") == []
    ranges = {**files, "requirements.txt": PINNED + "imblearn>=0.12\n"}
    assert places(repo(tmp_path, ranges, "ranges"), "PKG107") == ["requirements.txt"]
    unversioned = PINNED.replace("-2.3.1.tar.gz#egg", ".tar.gz#egg")
    loose = {**files, "requirements.txt": unversioned}
    assert places(repo(tmp_path, loose, "loose"), "PKG107") == ["requirements.txt"]


def test_imblearn_installs_scikit_learn(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "requirements.txt": "pandas==2.2.2\nimblearn==0.0\n",
        "steps/balance.py": "from imblearn.over_sampling import SMOTE\nfrom sklearn import svm\n",
    }
    assert places(repo(tmp_path, files), "PKG112") == []


def joblib_dump(*classes: tuple[str, str]) -> bytes:
    """Bytes shaped as a joblib dump: classes named, an array wrapper, then raw array bytes."""
    named = b"".join(
        b"\x8c" + bytes([len(module)]) + module.encode() + b"\x94"
        b"\x8c" + bytes([len(name)]) + name.encode() + b"\x94\x93\x94)\x81\x94"
        for module, name in classes
    )
    wrapper = b"\x8c\x13joblib.numpy_pickle\x94\x8c\x11NumpyArrayWrapper\x94\x93\x94)\x81\x94"
    return b"\x80\x04" + named + wrapper + b"\x03\x00\x00\xff" * 6000


def test_a_joblib_dump_of_a_data_frame_is_no_model(tmp_path: Path) -> None:
    frame = joblib_dump(("pandas.core.frame", "DataFrame"))
    files: dict[str, str | bytes] = {**TRAINING, "app/empty_df.joblib": frame}
    assert places(repo(tmp_path, files, "frame"), "DAT103") == []
    model = frame + joblib_dump(("sklearn.linear_model._base", "LinearRegression"))
    fitted = {**TRAINING, "app/empty_df.joblib": model}
    assert places(repo(tmp_path, fitted, "model"), "DAT103") == ["app/empty_df.joblib"]


LOCAL_FALLBACK = """import mlflow


def configure(folder):
    current_uri = mlflow.get_tracking_uri()
    if current_uri.startswith("file:") or current_uri in {"mlruns", "./mlruns"}:
        mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
"""


def test_a_store_set_only_while_mlflow_keeps_its_default_is_a_fallback(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**TRAINING, "src/training/tracking.py": LOCAL_FALLBACK}
    assert places(repo(tmp_path, files, "fallback"), "TRK103") == []
    forced = LOCAL_FALLBACK.replace(
        '    current_uri = mlflow.get_tracking_uri()\n    if current_uri.startswith("file:") or '
        'current_uri in {"mlruns", "./mlruns"}:\n',
        "    if folder:\n",
    )
    assert "get_tracking_uri" not in forced
    root = repo(tmp_path, {**TRAINING, "src/training/tracking.py": forced}, "forced")
    assert places(root, "TRK103") == ["src/training/tracking.py:6"]


STARTER_TEST = '''"""Example tests of the project."""
from pathlib import Path

import pytest

# The tests below are here for the demonstration purpose
# and should be replaced with the ones testing the project
# functionality


class TestRun:
    def test_run_no_pipeline(self):
        with pytest.raises(Exception) as excinfo:
            raise RuntimeError("Pipeline contains no nodes")
        assert "no nodes" in str(excinfo.value)
'''


def test_a_templates_demonstration_test_is_no_test_of_the_project(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**TRAINING, "tests/test_run.py": STARTER_TEST}
    files = {k: v for k, v in files.items() if not k.startswith(".github/")}
    root = repo(tmp_path, files, "starter")
    assert places(root, "QUA110") == []
    assert places(root, "LAY104") == ["."]
    real = {**files, "tests/test_run.py": STARTER_TEST.replace("# The tests below are", "# Tests")}
    assert places(repo(tmp_path, real, "real"), "QUA110") == ["."]


def test_a_readme_github_shows_or_of_the_folder_that_holds_the_project(tmp_path: Path) -> None:
    inner: dict[str, str | bytes] = {
        "translation/README.md": "# Translation\n\nRun `pip install -r requirements.txt`.\n",
        "translation/train.py": "import torch\n",
        "translation/requirements.txt": "torch==2.3.0\n",
        ".gitignore": "data/\n",
    }
    assert places(repo(tmp_path, inner, "inner"), "LAY101") == []
    beside = {**inner, "notes.txt": "todo\n"}
    assert places(repo(tmp_path, beside, "beside"), "LAY101") == ["."]
    shown = {"docs/README.md": "# Project\n", "train.py": "import torch\n"}
    assert places(repo(tmp_path, shown, "shown"), "LAY101") == []


def test_editor_backups_and_an_ides_personal_state_are_generated_files(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "src/train.py~": "import torch\n",
        "src/#train.py#": "import torch\n",
        "images/Thumbs.db": b"\x00\x01",
        ".idea/workspace.xml": "<project/>\n",
        ".idea/misc.xml": "<project/>\n",
    }
    found = places(repo(tmp_path, files, "junk"), "LAY113")
    assert len(found) == 1
    root = repo(tmp_path, {**TRAINING, ".idea/misc.xml": "<project/>\n", "notes~v2.md": "x\n"})
    assert places(root, "LAY113") == []


SERVICE_DOCKERFILE = """FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1
ENV SECRET_KEY=q8Vd2LkR7pXz0Tn4Ws9Yb3Hc6Jf1Mg5Ne8Ua2Qo
ENV DB_PASSWORD Sunflower2024x
ARG API_TOKEN
ENV API_TOKEN=${API_TOKEN}
CMD ["python", "app.py"]
"""


def test_credentials_a_dockerfile_sets_are_in_the_image(tmp_path: Path) -> None:
    root = repo(tmp_path, {**TRAINING, "docker/Dockerfile": SERVICE_DOCKERFILE})
    assert places(root, "SEC103") == ["docker/Dockerfile:3"]
    assert places(root, "SEC106") == ["docker/Dockerfile:4"]


def test_a_misnamed_init_module_leaves_its_folder_no_package(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "src/__init___.py": "",
        "src/model.py": "import pandas\n",
        "pkg/__init__.py": "",
        "tools/init.py": "print('set up')\n",
    }
    assert places(repo(tmp_path, files), "LAY114") == ["src/__init___.py"]


FROZEN = """numpy==1.26.4
archspec @ file:///home/conda/feedstock_root/build_artifacts/archspec_1699370045702/work
pkg-resources==0.0.0
scikit_learn==1.4.1.post1
scikit-learn~=1.4.2
torch==2.2.0; python_version < "3.12"
torch==2.3.0; python_version >= "3.12"
pandas>=2.0
pandas==2.2.3
"""


def test_requirements_that_install_only_on_the_machine_that_wrote_them(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**TRAINING, "requirements.txt": FROZEN}
    root = repo(tmp_path, files, "frozen")
    assert places(root, "PKG113") == ["requirements.txt:2"]
    message = next(i.message for i in audit(root).issues if i.rule == "PKG113")
    assert "2 more" in message
    clean = "numpy==1.26.4\nscikit-learn~=1.4.2\nscikit_learn==1.4.2\n" + FROZEN.split("\n", 5)[5]
    assert places(repo(tmp_path, {**files, "requirements.txt": clean}, "clean"), "PKG113") == []
    withdrawn = {**files, "requirements.txt": "pandas==2.2.3\nsklearn\nsklearn==0.0\n"}
    assert places(repo(tmp_path, withdrawn, "withdrawn"), "PKG113") == ["requirements.txt:2"]
    first = {**files, "requirements.txt": "pandas==2.2.3\nsklearn==0.0\n"}
    assert places(repo(tmp_path, first, "first"), "PKG113") == []


def test_a_placeholder_written_in_another_language(tmp_path: Path) -> None:
    guide = (
        '# Déploiement\n\n```bash\nexport HF_TOKEN="votre_token_ici"\n'
        "export API_KEY=tu-clave-aqui\nexport WANDB_API_KEY=Qm7rTz2KpW9xLsVb4nR8\n```\n"
    )
    root = repo(tmp_path, {**TRAINING, "deploy/GUIDE.md": guide})
    assert places(root, "SEC105") == ["deploy/GUIDE.md:6"]


INSTALL_SCRIPT = """#!/bin/bash
conda create -y -n tagging python=3.6 scipy pandas h5py
source activate tagging
conda install -y -c conda-forge librosa
pip install keras
"""


def test_a_script_the_readme_runs_that_installs_packages_by_name(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Tagging\n\nRun `sh install_dependencies.sh` first.\n",
        "install_dependencies.sh": INSTALL_SCRIPT,
        "train.py": "import librosa\nimport pandas\n",
    }
    assert places(repo(tmp_path, files, "script"), "PKG101") == []
    unnamed = {**files, "README.md": "# Tagging\n\nTrains a tagger.\n"}
    assert places(repo(tmp_path, unnamed, "unnamed"), "PKG101") == ["."]


def test_a_demo_an_exercise_a_blog_posts_code_and_homework_are_study_work(
    tmp_path: Path,
) -> None:
    openings = [
        "This a demo MLOps deployment for a stroke model.",
        "this is small exercise at using autogluon tabular.",
        "This repository contains the companion code of the blog post on ball possession.",
        "See the accompanying blog post for full details.",
        "**Project**: This is my final project for EECS-433 Pattern Recognition.",
    ]
    studies = [f"# Actions\n\n{opening}\n" for opening in openings]
    studies.append("# HW1_Applied_Deep_learning\n\nA classifier.\n")
    found = places_per_readme(tmp_path, TRAINING, "LAY104", studies)
    assert found == {key: [] for key in studies}
    projects = ["Counts exercise repetitions from video.", "Ships the HW2048 sensor driver model."]
    projects = [f"# Project\n\n{opening}\n" for opening in projects]
    found = places_per_readme(tmp_path, TRAINING, "LAY104", projects)
    assert found == {key: ["."] for key in projects}


EVALUATION_LOOP = """import torch


def test(model, test_loader, criterion, device):
    model.eval()
    with torch.no_grad():
        return sum(criterion(model(x.to(device)), y).item() for x, y in test_loader)
"""
SAMPLE_TEST = '''"""The packaging guide's sample test module."""


def test_success():
    assert True
'''


def test_an_evaluation_loop_named_test_is_no_test(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**TRAINING, "discarded/test_run.py": EVALUATION_LOOP}
    files = {k: v for k, v in files.items() if not k.startswith(("tests/test_train", ".github/"))}
    assert audit(repo(tmp_path, files, "none")).profile.test_files == ()
    real = {**files, "tests/test_simple.py": SAMPLE_TEST}
    assert audit(repo(tmp_path, real, "real")).profile.test_files == ("tests/test_simple.py",)


def test_a_notebook_the_readme_links_keeps_its_outputs_on_purpose(tmp_path: Path) -> None:
    table = {"output_type": "stream", "name": "stdout", "text": ["rows: 1200\n"]}
    readme = "# Salaries\n\n- [Notebook](notebooks/notebook.ipynb) for exploration\n"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "README.md": readme,
        "notebooks/notebook.ipynb": notebook([table], 1, {}),
        "notebooks/scratch.ipynb": notebook([table], 1, {}),
    }
    assert places(repo(tmp_path, files, "linked"), "DAT104") == ["notebooks/scratch.ipynb"]


def test_a_readme_that_keeps_the_default_copyright_reserves_every_right(tmp_path: Path) -> None:
    readme = (
        "# Taxi\n\n## License\n\nNo license file is included. The code remains under the "
        "default copyright terms.\n"
    )
    assert places(repo(tmp_path, {**TRAINING, "README.md": readme}, "kept"), "LAY102") == []
    open_question = "# Taxi\n\n## License\n\nTo be decided.\n"
    root = repo(tmp_path, {**TRAINING, "README.md": open_question}, "open")
    assert places(root, "LAY102") == ["."]


def test_a_demo_clip_the_readme_runs_on_is_no_data_file(tmp_path: Path) -> None:
    clip = b"RIFF" + b"\x00" * 1_300_000
    files: dict[str, str | bytes] = {
        **TRAINING,
        "README.md": "# Birds\n\nRun `python detect.py tests/samples/demo/audio/` on the demo.\n",
        "tests/samples/demo/audio/20230730.wav": clip,
        "data_test/exercise.avi": clip,
        "detect.py": "VIDEO = 'data_test/exercise.avi'\n",
    }
    assert places(repo(tmp_path, files, "demo"), "DAT101") == []
    unnamed = {**files, "README.md": "# Birds\n", "detect.py": "VIDEO = None\n"}
    assert len(places(repo(tmp_path, unnamed, "unnamed"), "DAT101")) == 2


def test_a_document_the_readme_links_may_describe_the_data(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "data/raw.csv.dvc": "outs:\n- md5: 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n  path: raw.csv\n",
        "README.md": "# Bikes\n\n- [docs/dvc.md](docs/dvc.md) - data versioning\n",
        "docs/dvc.md": "# DVC\n\nRun `dvc pull` to fetch the counts from the remote.\n",
    }
    assert places(repo(tmp_path, files, "linked"), "LAY106") == []
    unlinked = {**files, "README.md": "# Bikes\n\nCounts bikes.\n"}
    assert places(repo(tmp_path, unlinked, "unlinked"), "LAY106") == ["."]


LISTING = """List of packages in environment: "/home/user/envs/credit"

  Name                Version   Build         Channel
  _libgcc_mutex       0.1       conda_forge   conda-forge
  pandas              2.2.3     py311h_0      conda-forge
"""


def test_a_conda_listing_saved_as_requirements_is_no_requirements_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**TRAINING, "env/requirements_conda.txt": LISTING}
    root = repo(tmp_path, files)
    assert places(root, "PKG113") == ["env/requirements_conda.txt:1"]
    assert "env/requirements_conda.txt" not in {p.split(":")[0] for p in places(root, "PKG110")}
