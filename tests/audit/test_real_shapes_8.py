"""Shapes met on an eighth set of public repositories the audit had never seen.

A company-style project, Hydra + Lightning research code, a DVC + MLflow project, FastAPI
model services, a Kaggle solution, a library with tox, a cookiecutter-data-science project,
a collection of notebooks, a Poetry MLOps project and a Snakemake forecasting project. Each
test reproduces, with files written here, a shape where the audit reported a false problem,
and keeps the real problem next to it reported.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, fired, make_repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.secrets import is_placeholder

FIT = "model.fit(X, y)\n"


def repo(tmp_path: Path, files: dict[str, str | bytes], name: str = "r") -> Path:
    return make_repo(tmp_path / name, files)


def places(root: Path, rule: str) -> list[str]:
    """`path` or `path:line` of each finding of `rule`."""
    return [
        f"{i.path}:{i.line}" if i.line else str(i.path)
        for i in audit(root).issues
        if i.rule == rule
    ]


def test_the_gpu_build_of_tensorflow_declares_tensorflow(tmp_path: Path) -> None:
    code = "import tensorflow as tf\nimport xgboost\n" + FIT
    solution = repo(
        tmp_path,
        {"requirements.txt": "tensorflow-gpu==1.14.0\n", "train/input_fn.py": code},
    )
    assert places(solution, "PKG105") == ["train/input_fn.py:2"]  # xgboost stays reported


def test_placeholder_words_and_omegaconf_mandatory_values_are_not_credentials(
    tmp_path: Path,
) -> None:
    for value in ("???", "set_as_secret", "put-your-api-key-here", "fake value"):
        assert is_placeholder(value), value
    for value in ("s3cr3t-Pa55", "mysecretpassword", "hunter2", "correct_horse_battery"):
        assert not is_placeholder(value), value
    service = repo(
        tmp_path,
        {
            "requirements.txt": "fastapi==0.115.0\n",
            "app/config/parameters.yml": (
                "database:\n  username: root\n  password: set_as_secret\n"
                "cache:\n  password: Tr0ub4dor-and-3\n"
            ),
            "configs/logger/comet.yaml": "comet:\n  api_key: ???\n  project_name: demo\n",
        },
    )
    assert places(service, "SEC103") == ["app/config/parameters.yml:5"]
    assert places(service, "CFG105") == []


def test_a_notebook_collection_with_a_helper_package_is_a_notebook_layout(
    tmp_path: Path,
) -> None:
    cell = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    files: dict[str, str | bytes] = {
        f"notebooks/{topic}/Lesson{n}.ipynb": cell
        for topic in ("numpy", "keras", "spark")
        for n in range(3)
    }
    files |= {
        "scripts/__init__.py": "",
        "scripts/hello.py": "print('hello')\n",
        "data/prices.csv": "day,close\n" + "2020-01-01,1.0\n" * 3000,
    }
    collection = repo(tmp_path, files, "collection")
    assert profile_of(RepoView(collection)).layout == "notebooks"
    assert not {"LAY104", "DAT102"} & fired(collection)
    # A project whose package outweighs its notebooks keeps its package layout.
    files |= {f"scripts/step{n}.py": FIT for n in range(3)}
    project = repo(tmp_path, files, "project")
    assert profile_of(RepoView(project)).layout == "flat"
    assert {"LAY104", "DAT102"} <= fired(project)
