"""Real shapes of hold-outs 206-211: study work, licence statements and data/ notes."""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import audit, places, places_per_readme, repo


def test_a_practice_exercise_and_a_repository_that_demonstrates_how_to(tmp_path: Path) -> None:
    studies = [
        "# Satisfaction\n\nThis repository serves as a practice exercise for MLOps workflows.\n",
        "# Drift\n\nThis repository demonstrates how to detect data drift with a monitor.\n",
        "# Receipts\n\nThis project demonstrates fine-tuning the Donut model on receipts.\n",
    ]
    found = places_per_readme(tmp_path, TRAINING, "LAY104", studies)
    assert found == {text: [] for text in studies}
    projects = [
        "# Satisfaction\n\nPredicts passenger satisfaction; practice shows it works.\n",
        "# Drift\n\nThis repository demonstrates an end-to-end churn pipeline.\n",
        "# Receipts\n\nThis project demonstrates strong accuracy on receipts.\n",
    ]
    found = places_per_readme(tmp_path, TRAINING, "LAY104", projects)
    assert found == {text: ["."] for text in projects}


def test_a_readme_line_that_keeps_the_copyright_on_purpose(tmp_path: Path) -> None:
    readmes = [
        "# Delays\n\nNo license is included; absent an owner-selected license, normal "
        "copyright restrictions apply.\n",
        "# Delays\n\nTrains a model.\n\nCopyright (c) 2024 Jane Doe. All rights reserved.\n",
    ]
    found = places_per_readme(tmp_path, TRAINING, "LAY102", readmes)
    assert found == {text: [] for text in readmes}
    silent = ["# Delays\n\nNo license is included yet.\n", "# Delays\n\nAll rights to data.\n"]
    found = places_per_readme(tmp_path, TRAINING, "LAY102", silent)
    assert found == {text: ["."] for text in silent}


def test_a_shipped_sample_beside_placeholders_needs_no_data_readme(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "README.md": "# Stock-outs\n\nRun `python train.py`.\n",
        "data/.gitignore": "*.csv\n!sample/*.csv\n",
        "data/sample/branches.csv": "id,name\nB1,Central\n",
        "data/raw/.gitkeep": "",
    }
    assert places(repo(tmp_path, files, "sample"), "LAY106") == []
    real = {**files, "data/raw/stock.json": '[{"id": 1, "qty": 2}]\n'}
    assert places(repo(tmp_path, real, "real"), "LAY106") == ["."]


def test_a_data_inputs_heading_and_a_kaggle_download_describe_the_data(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**TRAINING, "data/raw/sales.csv": "store,units\n1,2\n"}
    readmes = [
        "# Stock-outs\n\n## Data Inputs (CSV)\n\n- sales.csv: store, units\n",
        "# M5\n\n**Get the data:**\n\n```\nkaggle competitions download -c m5 -p data/raw/\n```\n",
    ]
    found = places_per_readme(tmp_path, files, "LAY106", readmes)
    assert found == {text: [] for text in readmes}
    silent = ["# M5\n\n## Inputs (CSV)\n\n- sales.csv\n", "# M5\n\nRun `kaggle --version`.\n"]
    found = places_per_readme(tmp_path, files, "LAY106", silent)
    assert found == {text: ["."] for text in silent}


def test_a_path_of_one_machine_in_code(tmp_path: Path) -> None:
    loader = (
        'import pandas as pd\n\n\ndef load(path=None):\n    """Read the data.\n\n'
        '    >>> load("D:/My Data/train.csv")\n    """\n'
        '    # path = "W:/Projekte/old.csv"\n'
        '    return pd.read_csv(path or "/home/airflow/data/train.csv")\n'
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "src/loader.py": loader,
        "src/service.py": 'MODEL = "/home/svc/models/m.pkl"\nTOOL = r"C:\\Program Files\\x"\n',
        "Dockerfile": "FROM python:3.11\nRUN useradd svc\nUSER svc\n",
        "tests/test_loader.py": 'DATA = "C:/Users/alice/fixture.csv"\n',
    }
    assert places(repo(tmp_path, files, "portable"), "LAY115") == []
    author = {
        **files,
        "train.py": 'import pandas as pd\n\ndf = pd.read_csv(r"C:\\Users\\alice\\train.csv")\n',
        "src/eval.py": 'OUT = "/Users/alice/Desktop/eval"\n',
    }
    found = audit(repo(tmp_path, author, "author")).issues
    assert [(i.path, i.line) for i in found if i.rule == "LAY115"] == [("src/eval.py", 1)]
    message = next(i.message for i in found if i.rule == "LAY115")
    assert "/Users/alice/Desktop/eval" in message and "train.py" in message


COMPOSE = """services:
  api:
    build: .
    ports:
      - "8000:8000"
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: learning
    ports:
      - "127.0.0.1:5432:5432"
  cache:
    image: bitnami/redis:7.2
    expose: ["6379"]
  tracking:
    image: ghcr.io/mlflow/mlflow:v2.19.0
    command: mlflow server --host 0.0.0.0
    ports: ["127.0.0.1:5000:5000"]
"""


def test_databases_a_compose_file_publishes_on_every_interface(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**TRAINING, "docker-compose.yml": COMPOSE}
    assert places(repo(tmp_path, files, "loopback"), "SRV106") == []
    published = COMPOSE.replace('"127.0.0.1:5432:5432"', '"5432:5432"')
    published = published.replace('expose: ["6379"]', 'ports: ["${REDIS_PORT}:6379"]')
    found = {**files, "docker-compose.yml": published, "tests/compose.yml": published}
    assert places(repo(tmp_path, found, "every"), "SRV106") == [
        "docker-compose.yml:11",
        "docker-compose.yml:14",
    ]


def test_a_database_published_in_the_long_port_syntax(tmp_path: Path) -> None:
    long_form = COMPOSE.replace(
        '      - "127.0.0.1:5432:5432"', "      - target: 5432\n        published: 5432"
    )
    found = repo(tmp_path, {**TRAINING, "docker-compose.yml": long_form}, "long")
    assert places(found, "SRV106") == ["docker-compose.yml:11"]
    loopback = long_form.replace("published: 5432", "published: 5432\n        host_ip: 127.0.0.1")
    kept = repo(tmp_path, {**TRAINING, "docker-compose.yml": loopback}, "kept")
    assert places(kept, "SRV106") == []
