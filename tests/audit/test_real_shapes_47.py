"""Shapes met on a forty-seventh set of public repositories the audit had never seen.

A BentoML service whose package trains in `model_training.py` beside a compose file;
a Jenkins pipeline whose scripts import pandas that the declared mlflow installs. Each
test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo


def test_a_package_that_trains_in_model_training(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "california-housing-api"\nversion = "0.1.0"\n\n'
            '[tool.poetry]\npackages = [{ include = "california_housing_api", from = "src" }]\n'
        ),
        "src/california_housing_api/__init__.py": "",
        "src/california_housing_api/model_training.py": (
            "from sklearn.linear_model import Ridge\n\n\n"
            "def fit(x, y):\n    return Ridge().fit(x, y)\n"
        ),
        "docker-compose.yml": "services:\n  api:\n    build: .\n",
        ".gitignore": ".venv/\n",
    }
    assert audit(repo(tmp_path, files, "service")).profile.kind == "project"


def test_pandas_comes_with_mlflow(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==2.19.0\nbentoml==1.3.0\n",
        "service.py": "import pandas as pd\n\nframe = pd.DataFrame()\n",
        "train.py": (
            "import sklearn\nfrom sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"
        ),
        ".gitignore": "mlruns/\nmlflow.db\n",
    }
    # scikit-learn stays: a model file depends on the version only its own pin fixes
    assert places(repo(tmp_path, files, "mlflow"), "PKG112") == ["train.py:1"]
