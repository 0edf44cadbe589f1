"""Shapes met on a fortieth set of public repositories the audit had never seen.

A research template whose lock file records what its one declared library installs;
nbdev notebooks whose outputs its documentation site renders; an upload route whose
query fields are optional numbers. Each test writes the shape here and checks the false
finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit.support import fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"
UV_LOCK = (
    'version = 1\n\n[[package]]\nname = "imodelsx"\nversion = "1.0"\n'
    'source = { registry = "https://pypi.org/simple" }\ndependencies = [\n'
    '    { name = "numpy" },\n    { name = "scikit-learn" },\n]\n'
    'wheels = [\n    { url = "https://x/imodelsx.whl", hash = "sha256:0" },\n]\n\n'
    '[package.optional-dependencies]\nplots = [\n    { name = "xgboost" },\n]\n\n'
    '[[package]]\nname = "scikit-learn"\nversion = "1.5.2"\n'
    'dependencies = [{ name = "scipy" }, { name = "joblib" }]\n'
)
POETRY_LOCK = (
    '[[package]]\nname = "imodelsx"\nversion = "1.0"\noptional = false\n'
    'files = [\n    {file = "imodelsx.whl", hash = "sha256:0"},\n]\n\n'
    '[package.dependencies]\nnumpy = "*"\nscikit-learn = {version = ">=1", markers = "x"}\n\n'
    '[package.extras]\nplots = ["xgboost"]\n'
)


@pytest.mark.parametrize("lock", [("uv.lock", UV_LOCK), ("poetry.lock", POETRY_LOCK)])
def test_an_import_the_lock_file_says_a_declared_library_installs(
    tmp_path: Path, lock: tuple[str, str]
) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "src"\nversion = "0.1.0"\ndependencies = ["imodelsx"]\n'
        ),
        "src/__init__.py": "",
        "src/model.py": "import sklearn\nimport xgboost\n",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    name, text = lock
    locked = repo(tmp_path, {**files, name: text}, name.replace(".", "-"))
    # xgboost is only an extra of imodelsx: an install of the project lacks it
    assert places(locked, "PKG105") == ["src/model.py:2"]
    assert places(repo(tmp_path, files, "unlocked"), "PKG105") == [
        "src/model.py:1",
        "src/model.py:2",
    ]


def test_nbdev_notebooks_keep_their_outputs(tmp_path: Path) -> None:
    notebook = (
        '{"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, '
        '"outputs": [{"output_type": "stream", "name": "stdout", "text": ["1"]}], '
        '"source": ["print(1)"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "ml_pipe/01_model.ipynb": notebook,
        "ml_pipe/nbdev.yml": "project:\n  output-dir: _docs\n",
        ".gitignore": ".venv/\n",
    }
    assert "DAT104" not in fired(repo(tmp_path, files, "nbdev"))
    plain = {k: v for k, v in files.items() if k != "ml_pipe/nbdev.yml"}
    assert places(repo(tmp_path, plain, "plain"), "DAT104") == ["ml_pipe/01_model.ipynb"]


def test_an_upload_route_with_optional_number_fields(tmp_path: Path) -> None:
    api = (
        "import joblib\nfrom fastapi import FastAPI, File, Query, UploadFile\n\n"
        "app = FastAPI()\nmodel = joblib.load('m.pkl')\n\n\n"
        "@app.post('/predict')\nasync def predict(\n    files: list[UploadFile] = File(...),\n"
        "    crop_size: int | None = Query(None),\n):\n"
        "    return model.predict([await files[0].read()])\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi==0.115.0\nscikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "api/main.py": api,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "typed"), "SRV101") == []
    bare = api.replace("    crop_size: int | None = Query(None),\n", "")
    assert places(repo(tmp_path, {**files, "api/main.py": bare}, "bare"), "SRV101") == [
        "api/main.py:8"
    ]
