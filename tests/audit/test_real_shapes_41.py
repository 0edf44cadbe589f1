"""Shapes met on a forty-first set of public repositories the audit had never seen.

A packaged churn project whose package holds its training components, run by a root
`main.py` and deployed by a compose file; a platform that commits its `.env` with the
stack's passwords. Each test writes the shape here and checks the finding appear where it
belongs and not where it does not.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo

PYPROJECT = (
    '[project]\nname = "churn-project"\nversion = "0.1.0"\n'
    'dependencies = ["pandas>=2.2,<3"]\n\n[tool.poetry]\n'
    'packages = [{include = "churn_project", from = "src"}]\n'
)


def test_a_packaged_project_whose_package_trains(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": PYPROJECT,
        "src/churn_project/__init__.py": "",
        "src/churn_project/components/model_trainer.py": (
            "from sklearn.svm import SVC\n\n\ndef train(x, y):\n    return SVC().fit(x, y)\n"
        ),
        "main.py": "from churn_project.components.model_trainer import train\n",
        ".gitignore": ".venv/\n",
    }
    assert audit(repo(tmp_path, files, "packaged")).profile.kind == "project"
    library = {k: v for k, v in files.items() if k != "main.py"}
    assert audit(repo(tmp_path, library, "library")).profile.kind == "library"


def test_a_committed_env_with_the_stacks_passwords(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n",
        ".env": "POSTGRES_USER=platform\nPOSTGRES_PASSWORD=platform_secret_key_2024\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "passwords"), "SEC104") == [".env"]
    shared = {**files, ".env": "COMPOSE_PROJECT_NAME=platform\n"}
    assert places(repo(tmp_path, shared, "shared"), "SEC104") == []
