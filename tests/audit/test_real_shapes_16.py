"""Shapes met on a sixteenth set of public repositories the audit had never seen.

An application whose `.env` lives in its backend folder, a research codebase whose data/
is its data-loading package, and PyTorch installed by the commands of get_started.md.
Each test reproduces the shape with files written here: a false problem gone, the real
one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

TRAIN = "import pandas as pd\nfrom sklearn.ensemble import IsolationForest\n"
TRAIN += "IsolationForest().fit(pd.DataFrame())\n"


def test_the_env_file_beside_its_example_is_the_one_to_ignore(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "backend/.env_example": "DB_PASSWORD=\n",
        "backend/app.py": "from dotenv import load_dotenv\n\nload_dotenv()\n" + TRAIN,
        "requirements.txt": "python-dotenv==1.0.1\n",
    }
    ignored = repo(tmp_path, {**files, ".gitignore": "backend/.env\n"}, "ignored")
    assert places(ignored, "SEC104") == []
    exposed = repo(tmp_path, {**files, ".gitignore": "__pycache__/\n"}, "exposed")
    assert places(exposed, "SEC104") == [".gitignore"]


def test_a_data_package_is_code(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.5.1\n",
        "main.py": "import torch\n\nloss.backward()\n",
        "data/__init__.py": "from .build import build_loader\n",
        "data/build.py": "def build_loader():\n    return None\n",
        "data/map22kto1k.txt": "0\n1\n",
    }
    assert places(repo(tmp_path, files, "package"), "LAY106") == []
    loose = {k: v for k, v in files.items() if k != "data/__init__.py"}
    assert places(repo(tmp_path, loose, "loose"), "LAY106") == ["."]


def test_pytorch_installed_by_the_get_started_commands(tmp_path: Path) -> None:
    guide = (
        "# Get started\n\n- Install PyTorch with CUDA:\n\n```bash\n"
        "conda install pytorch==1.8.0 torchvision==0.9.0 cudatoolkit=10.2 -c pytorch\n```\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "requests==2.32.3\n",
        "config.py": "import torch\nimport pandas\n",
    }
    assert places(repo(tmp_path, files, "bare"), "PKG112") == ["config.py:1", "config.py:2"]
    guided = repo(tmp_path, {**files, "get_started.md": guide}, "guided")
    assert places(guided, "PKG112") == ["config.py:2"]
