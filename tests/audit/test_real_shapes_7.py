"""Shapes met on a seventh set of public repositories the audit had never seen.

Vision and NLP research code, LLM fine-tuning and RAG apps, forecasting and recommender
projects, Kaggle solutions, small personal projects, Terraform/Helm deployments, GitLab
CI, Makefile- and tox-driven repositories. Each test reproduces, with files written here,
a shape where the audit reported a false problem, and keeps the real problem next to it
reported.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

FIT = "model.fit(X, y)\n"
REQUIREMENTS = "pandas==2.2.3\nscikit-learn==1.5.2\n"
LIBRARYLESS = '[project]\nname = "platform"\nversion = "0.1.0"\ndependencies = ["mlflow>=3.5"]\n'


def test_one_import_statement_may_name_several_modules(tmp_path: Path) -> None:
    logs = repo(
        tmp_path,
        {
            "requirements.txt": "mlflow==3.1.0\n" + REQUIREMENTS,
            "ml/train.py": "import pandas as pd, joblib, mlflow\n" + FIT,
        },
        "logs",
    )
    profile = profile_of(RepoView(logs))
    assert profile.mlflow and "mlflow" in profile.trackers
    assert "TRK107" not in fired(logs)
    # `from x import a, b` names members of x: no module `mlflow` is imported here.
    silent = repo(
        tmp_path,
        {
            "requirements.txt": REQUIREMENTS,
            "ml/train.py": "from helpers import load, mlflow\nimport pandas as pd, sklearn\n" + FIT,
        },
        "silent",
    )
    assert not profile_of(RepoView(silent)).mlflow
    assert "TRK107" in fired(silent)


def test_a_hugging_face_trainer_reports_to_the_tracker_it_names(tmp_path: Path) -> None:
    finetune = (
        "import transformers\n\n"
        "args = transformers.TrainingArguments(\n"
        '    output_dir="out",\n'
        '    report_to="wandb" if use_wandb else None,\n'
        ")\ntrainer = transformers.Trainer(model=model, args=args)\ntrainer.train()\n"
    )
    reports = repo(
        tmp_path,
        {"requirements.txt": "transformers==4.46.0\n", "finetune.py": finetune},
        "reports",
    )
    assert "wandb" in profile_of(RepoView(reports)).trackers
    assert "TRK107" not in fired(reports)
    quiet = repo(
        tmp_path,
        {
            "requirements.txt": "transformers==4.46.0\n",
            "finetune.py": finetune.replace('"wandb" if use_wandb else None', '"none"'),
        },
        "quiet",
    )
    assert "TRK107" in fired(quiet)


def test_a_library_named_by_its_setup_py(tmp_path: Path) -> None:
    setup = (
        'from setuptools import setup\n\nsetup(\n    name="recsys-utils",\n    version="1.0",\n'
        '    classifiers=["Programming Language :: Python :: 3"],\n)\n'
    )
    library = repo(
        tmp_path,
        {
            "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\n',
            "setup.py": setup,
            "recsys_utils/__init__.py": "",
            "recsys_utils/models.py": "import numpy as np\n" + FIT,
            "recsys_utils/training_utils.py": "import torch\n",
            "contrib/entries/train_entry.py": "from recsys_utils import models\n",
            "examples/quickstart.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4}\n',
            "tests/test_models.py": "def test_fit():\n    assert True\n",
        },
        "library",
    )
    assert profile_of(RepoView(library)).kind == "library"
    assert not {"PKG107", "DVC115", "TRK107", "LAY105"} & fired(library)
    # `setup(name="src")` installs a project's code folder: still a project.
    project = repo(
        tmp_path,
        {
            "setup.py": setup.replace("recsys-utils", "src"),
            "requirements.txt": REQUIREMENTS,
            "src/__init__.py": "",
            "src/models/train_model.py": "import sklearn\n" + FIT,
            "notebooks/explore.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4}\n',
        },
        "project",
    )
    assert profile_of(RepoView(project)).kind == "project"
    assert {"DVC115", "TRK107"} <= fired(project)


def test_torch_installed_from_the_pytorch_index_is_declared(tmp_path: Path) -> None:
    dockerfile = (
        "FROM nvidia/cuda:11.8.0-devel-ubuntu22.04\nCOPY requirements.txt .\n"
        "RUN python3 -m pip install -r requirements.txt \\\n"
        "    && python3 -m pip install numpy --pre torch --force-reinstall "
        "--index-url https://download.pytorch.org/whl/nightly/cu118\n"
    )
    code = "import torch\nimport transformers\nimport pandas\n"
    root = repo(
        tmp_path,
        {
            "requirements.txt": "transformers==4.46.0\n",
            "Dockerfile": dockerfile,
            "export_checkpoint.py": code,
        },
        "index",
    )
    # torch comes from the CUDA index on purpose; pandas is declared nowhere.
    assert places(root, "PKG112") == ["export_checkpoint.py:3"]
    plain = repo(
        tmp_path,
        {
            "requirements.txt": "transformers==4.46.0\npandas==2.2.3\n",
            "Dockerfile": "FROM python:3.12\nRUN pip install torch\n",
            "export_checkpoint.py": code,
        },
        "plain",
    )
    assert places(plain, "PKG112") == ["export_checkpoint.py:1"]


def test_a_large_dataset_is_reported_once_for_its_size(tmp_path: Path) -> None:
    big = b'[{"instruction": "x", "output": "y"}]\n' + b" " * 3_000_000
    root = repo(
        tmp_path,
        {
            "requirements.txt": REQUIREMENTS,
            "finetune.py": "import sklearn\n" + FIT,
            "alpaca_data.json": big,
            "settings.yaml": b"a: 1\n" + b"#" * 3_000_000 + b"\n",
        },
    )
    assert places(root, "LAY112") == ["settings.yaml"]
    assert any("alpaca_data.json" in p for p in places(root, "DAT101"))


def test_test_requirements_kept_next_to_the_tests_are_a_dev_place(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": 'from setuptools import setup\n\nsetup(name="project", version="0.0.0")\n',
        "requirements.txt": "torch==2.5.1\n",
        "project/__init__.py": "",
        "project/classifier.py": "import torch\n",
        "tests/requirements.txt": "pytest>=8\nflake8\n",
        "tests/test_classifier.py": "def test_it():\n    assert True\n",
    }
    assert "PKG106" not in fired(repo(tmp_path, files, "kept"))
    del files["tests/requirements.txt"]
    assert "PKG106" in fired(repo(tmp_path, files, "missing"))


def test_a_readme_with_dependencies_and_running_sections_explains_setup(tmp_path: Path) -> None:
    readme = (
        "# platform\n\n## 🛠 **Dependencies**\n- Docker\n- Docker Compose\n\n"
        "## 🚀 **Running**\n```sh\nmake build\nmake run\n```\n"
    )
    files: dict[str, str | bytes] = {
        "README.md": readme,
        "requirements.txt": REQUIREMENTS,
        "train.py": "import sklearn\n" + FIT,
    }
    assert "DOC101" not in fired(repo(tmp_path, files, "explained"))
    files["README.md"] = "# platform\n\n## 📝 **Description**\nAn end-to-end platform.\n"
    assert "DOC101" in fired(repo(tmp_path, files, "unexplained"))


def test_settings_in_the_package_or_in_launch_scripts_are_configuration(
    tmp_path: Path,
) -> None:
    base: dict[str, str | bytes] = {
        "requirements.txt": REQUIREMENTS,
        "model_pkg/__init__.py": "",
        "model_pkg/train_pipeline.py": "import sklearn\n" + FIT,
    }
    packaged = repo(tmp_path, {**base, "model_pkg/config.yml": "target: price\n"}, "packaged")
    assert "LAY105" not in fired(packaged)
    launch = "python -u run.py \\\n  --model {m} \\\n  --seq_len 96 \\\n  --pred_len 24 \\\n"
    scripts: dict[str, str | bytes] = {
        f"scripts/forecast/{m}.sh": launch.format(m=m) for m in ("Autoformer", "Informer")
    }
    assert "LAY105" not in fired(repo(tmp_path, {**base, **scripts}, "scripts"))
    # A config.yaml deep in a lab folder that is no package is not the project's settings.
    lab = {**base, "labs/cloud/vm/config.yaml": "machine: e2-small\n"}
    assert "LAY105" in fired(repo(tmp_path, lab, "lab"))


def test_notebook_front_ends_need_no_pin(tmp_path: Path) -> None:
    environment = (
        "name: ml\ndependencies:\n  - python=3.10\n  - pip\n  - ipykernel\n"
        "  - pandas=1.4.2\n  - lightgbm=3.3.4\n"
    )
    files: dict[str, str | bytes] = {
        "environment.yaml": environment,
        "src/train.py": "import lightgbm\n" + FIT,
    }
    assert "PKG110" not in fired(repo(tmp_path, files, "pinned"))
    files["environment.yaml"] = environment.replace("lightgbm=3.3.4", "lightgbm")
    assert places(repo(tmp_path, files, "loose"), "PKG110") == ["environment.yaml:7"]


def test_private_key_files_are_scanned(tmp_path: Path) -> None:
    body = "MIIEowIBAAKCAQEAmP7Ia4VLoRTZvDNYF0dc8pft6gKpr9Ca3eguPWNoWvzYyr2t\n"
    kind = "RSA " + "PRIVATE KEY"  # split: the kit's own audit reads this file too
    key = f"-----BEGIN {kind}-----\n{body}-----END {kind}-----\n"
    root = repo(
        tmp_path,
        {
            "requirements.txt": REQUIREMENTS,
            "service/secrets/client-key.pem": key,
            "service/secrets/server-ca.pem": key.replace(kind, "CERTIFICATE"),
            "tests/fixtures/tls.key": key,
        },
    )
    assert places(root, "SEC101") == ["service/secrets/client-key.pem:1"]


def test_no_data_to_version_when_a_library_fetches_it_or_nothing_trains(
    tmp_path: Path,
) -> None:
    cifar = (
        "import torch\nimport torchvision\n\n"
        "trainset = torchvision.datasets.CIFAR10(root='./data', train=True, download=True)\n"
        "loss.backward()\n"
    )
    bundled = repo(tmp_path, {"requirements.txt": "torch==2.5.1\n", "main.py": cifar}, "cifar")
    assert "DVC115" not in fired(bundled)
    # The same model trained on a CSV of its own: that data wants versioning.
    own = cifar.replace("trainset = ", "frame = pd.read_csv('data/train.csv')\ntrainset = ")
    assert "DVC115" in fired(
        repo(tmp_path, {"requirements.txt": "torch==2.5.1\n", "main.py": own}, "own")
    )
    # A tracking platform that logs runs and fits nothing.
    logger = "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_param('a', 1)\n"
    platform = repo(tmp_path, {"pyproject.toml": LIBRARYLESS, "src/log_mlflow.py": logger}, "mlf")
    assert "DVC115" not in fired(platform)
    trainer = logger + "    model.fit(X, y)\n"
    project = repo(tmp_path, {"pyproject.toml": LIBRARYLESS, "src/log_mlflow.py": trainer}, "fit")
    assert "DVC115" in fired(project)


def test_an_llm_application_is_an_ml_project(tmp_path: Path) -> None:
    app = (
        "import streamlit as st\nfrom langchain_openai import ChatOpenAI\n"
        "from langchain_chroma import Chroma\n"
    )
    root = repo(
        tmp_path,
        {
            "requirements.txt": "streamlit==1.40.0\nlangchain\nlangchain-openai\n",
            "rag_chatbot.py": app,
            "Dockerfile": "FROM python:3.12\nRUN pip install -r requirements.txt\n",
        },
    )
    assert profile_of(RepoView(root)).ml
    assert places(root, "PKG110") == ["requirements.txt:2"]


def test_terraform_sources_assign_no_literal_passwords(tmp_path: Path) -> None:
    rds = (
        'resource "aws_db_instance" "tracking" {\n'
        "  username = var.db_user\n"
        '  password = "Qz8rT2vLw9kP"\n'
        "}\n"
        'resource "aws_db_instance" "registry" {\n'
        '  username = "mlflow"\n'
        '  password = "mlflowpass"\n'
        "}\n"
        'resource "kubernetes_secret" "registry" {\n'
        "  data = {\n    password = var.registry_token\n  }\n}\n"
    )
    root = repo(tmp_path, {"requirements.txt": REQUIREMENTS, "terraform/rds.tf": rds})
    # A password built from the user name is no local default in Terraform: it provisions
    # real databases.
    assert places(root, "SEC106") == ["terraform/rds.tf:3", "terraform/rds.tf:7"]
