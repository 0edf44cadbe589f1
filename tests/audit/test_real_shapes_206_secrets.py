"""Shapes of secrets and manifests met on the two-hundred-and-sixth and later sets.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import places, repo


def _notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": source.splitlines(True)}
        for source in sources
    ]
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


def test_words_where_a_provider_key_goes_are_a_placeholder(tmp_path: Path) -> None:
    # A misspelt "your": words, one of them naming the key, never a Groq key (`gsk_...`).
    cell = (
        "from langchain_groq import ChatGroq\nimport os\n\n# Set your API Key\n"
        'os.environ["GROQ_API_KEY"] = "you_groq_api"\n'
        'os.environ["HF_TOKEN"] = "hugging-face-token"\n'
    )
    files = {**TRAINING, "notebooks/agent.ipynb": _notebook(cell)}
    assert places(repo(tmp_path, files, "words"), "SEC105") == []
    real = cell.replace("you_groq_api", "gsk_q8Vd2LkR7pXz0Tn4Ws9Yb3Hc6Jf1Mg5Ne8Ua2QoTr7Wm3")
    # Words under a password, or without the key's word, are a value someone chose.
    chosen = cell.replace("HF_TOKEN", "DB_PASSWORD").replace("hugging-face-token", "db_api_pass")
    kept = {**TRAINING, "real.py": real, "chosen.py": chosen.replace("you_groq_api", "bright_lamp")}
    assert sorted(places(repo(tmp_path, kept, "kept"), "SEC105")) == [
        "chosen.py:5",
        "chosen.py:6",
        "real.py:5",
    ]


COMPOSE = """services:
  airflow:
    image: apache/airflow:2.9.1
    environment:
      POSTGRES_PASSWORD: 'airflow'
      TELEGRAM_API_TOKEN: 'Place your tele bot token here'
      SMTP_PASSWORD: "Put the mail password here."
      TELEGRAM_CHAT_ID: 'Place your chat id here'
"""


def test_a_sentence_to_the_reader_is_no_credential(tmp_path: Path) -> None:
    files = {**TRAINING, "build/docker-compose.yaml": COMPOSE}
    assert places(repo(tmp_path, files, "sentence"), "SEC106") == []
    # A passphrase is words too, but says nothing to the reader.
    phrase = COMPOSE.replace("Put the mail password here.", "correct horse battery staple")
    kept = {**TRAINING, "build/docker-compose.yaml": phrase}
    assert places(repo(tmp_path, kept, "kept"), "SEC106") == ["build/docker-compose.yaml:7"]


DOTENV_PROJECT: dict[str, str | bytes] = {
    **TRAINING,
    "requirements.txt": "python-dotenv==1.1.0\nscikit-learn==1.6.1\n",
    "train.py": "from dotenv import load_dotenv\n\nload_dotenv()\n" + str(TRAINING["train.py"]),
    ".gitignore": ".venv/\n/.env\n",
}


def test_a_template_a_guide_installs_outside_the_checkout(tmp_path: Path) -> None:
    guide = (
        "# Deploying the API\n\n```bash\n"
        "sudo install -m 0600 deploy/env/api.env.template /opt/flight-delay/api.env\n"
        "sudoedit /opt/flight-delay/api.env\n```\n"
    )
    files = {
        **DOTENV_PROJECT,
        "README.md": "# Flights\n\n```bash\ncp deploy/env/local.env.template .env\n```\n",
        "deploy/env/api.env.template": "WANDB_API_KEY=\nDB_PASSWORD=\n",
        "deploy/env/local.env.template": "AWS_SECRET_ACCESS_KEY=\n",
        "docs/aws-deployment.md": guide,
    }
    assert places(repo(tmp_path, files, "outside"), "SEC104") == []
    inside = {**files, "docs/aws-deployment.md": guide.replace("/opt/flight-delay", "deploy/env")}
    assert places(repo(tmp_path, inside, "inside"), "SEC104") == [".gitignore"]


def test_a_dot_env_template_copied_to_the_root(tmp_path: Path) -> None:
    # `deploy/.env.template` filled in as the root's `.env`, which `/.env` ignores.
    files = {
        **DOTENV_PROJECT,
        "README.md": "# App\n\n```bash\ncp deploy/.env.template .env\n```\n",
        "deploy/.env.template": "OPENAI_API_KEY=\n",
    }
    assert places(repo(tmp_path, files, "root"), "SEC104") == []
    beside = {**files, "README.md": "# App\n\nFill in `deploy/.env.template`.\n"}
    assert places(repo(tmp_path, beside, "beside"), "SEC104") == [".gitignore"]


VALOHAI = """- step:
    name: preprocess
    image: python:3.9
    command:
      - pip install evidently==0.4.16 pandas==2.2.1 scikit-learn==1.4.1.post1 valohai
      - python preprocess.py

- step:
    name: call-retrain
    image: python:3.9
    command:
      - pip install valohai-utils
      - python call-retrain.py
"""

GITLAB_CI = """lint:
  image: python:3.9
  script:
    - pip install ruff==0.6.9 pytest==8.3.3
    - ruff check .
"""

PREPROCESS = "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n"


def test_step_files_that_pin_installs_in_their_own_image(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "train.py": str(TRAINING["train.py"]),
        "preprocess.py": PREPROCESS,
        "valohai.yaml": VALOHAI,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "valohai"), "PKG101") == []
    # A CI job's installs are its tools; a step file of unpinned installs pins nothing.
    ci = {**files, ".gitlab-ci.yml": GITLAB_CI}
    del ci["valohai.yaml"]
    assert places(repo(tmp_path, ci, "ci"), "PKG101") == ["."]
    loose = {**files, "valohai.yaml": VALOHAI.replace("==", ">=")}
    assert places(repo(tmp_path, loose, "loose"), "PKG101") == ["."]
