"""Shapes met on a twenty-first set of public repositories the audit had never seen.

Databricks notebooks that log to MLflow, a dependency group for a task of the project, a
README section on getting the data, and a library that its CI publishes to PyPI. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

DATABRICKS = (
    "# Databricks notebook source\n# MAGIC %md\n# MAGIC # Run an experiment\n\n"
    "# COMMAND ----------\n\nimport mlflow\n\nwith mlflow.start_run():\n"
    "    mlflow.log_metric('mape', 0.1)\n"
)


def test_databricks_notebooks_log_to_the_workspace(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\nscikit-learn==1.5.2\n",
        "notebooks/run_ml_experiment_mlflow.py": DATABRICKS,
        "src/train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
    }
    assert not {"TRK101", "TRK104", "TRK105"} & fired(repo(tmp_path, files, "databricks"))
    # the same code as a plain script logs to a local store
    plain = {**files, "notebooks/run_ml_experiment_mlflow.py": DATABRICKS.split("\n", 1)[1]}
    assert {"TRK101", "TRK105"} <= fired(repo(tmp_path, plain, "plain"))


def test_a_dependency_group_for_a_task_declares_what_its_code_needs(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "recs"\nversion = "0.1.0"\ndependencies = ["numpy>=1.26"]\n\n'
        '[dependency-groups]\neval = ["scikit-learn>=1.3,<2"]\ntest = ["pytest>=8"]\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "uv.lock": "version = 1\n",
        "src/recs/__init__.py": "",
        "src/recs/evaluation/__init__.py": "",
        "src/recs/evaluation/ils.py": "from sklearn.metrics.pairwise import cosine_similarity\n",
    }
    assert places(repo(tmp_path, files, "eval"), "PKG105") == []
    # a test group is a tool group: an install of the package still lacks the import
    tools = {**files, "pyproject.toml": pyproject.replace("eval = [", "tests = [")}
    assert places(repo(tmp_path, tools, "tools"), "PKG105") == ["src/recs/evaluation/ils.py:1"]


def test_a_readme_section_on_getting_the_data_describes_it(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
        "data/news.zip.dvc": "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661\n  path: news.zip\n",
    }
    assert "LAY106" in fired(repo(tmp_path, files, "bare"))
    for heading in ("## Data and Model Access", "### Getting the data"):
        readme = f"# Recs\n\n{heading}\n\nPut S3 credentials in .env, then `dvc pull`.\n"
        found = fired(repo(tmp_path, {**files, "README.md": readme}, heading[-6:].strip()))
        assert "LAY106" not in found


def test_a_package_its_ci_publishes_to_pypi_is_a_library(tmp_path: Path) -> None:
    publish = (
        "on: {release: {types: [published]}}\njobs:\n  wheels:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - run: python -m build\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "LibRecs"\nversion = "1.5.2"\n'
        'dependencies = ["numpy>=1.26"]\n',
        "libreco/__init__.py": "",
        "libreco/training/trainer.py": "def fit(model, data):\n    model.fit(data)\n",
        ".github/workflows/wheels.yml": publish,
    }
    assert profile_of(RepoView(repo(tmp_path, files, "lib"))).kind == "library"
    unpublished = {
        **files,
        ".github/workflows/wheels.yml": publish.replace(
            "      - uses: pypa/gh-action-pypi-publish@release/v1\n", ""
        ),
    }
    assert profile_of(RepoView(repo(tmp_path, unpublished, "app"))).kind == "project"
