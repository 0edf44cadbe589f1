"""Shapes met on a thirty-sixth set of public repositories the audit had never seen.

A fraud-detection service that ships a synthetic sample under `data/sample/`, keeps its
settings in TOML files, and falls back to MLflow's own tracking URI. Each test writes the
shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"


def test_a_sample_shipped_under_data_sample(tmp_path: Path) -> None:
    rows = "amount,label\n" + "".join(f"{i * 3.5},{i % 2}\n" for i in range(4000))
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "fraud"\nversion = "0.1.0"\n',
        "src/train.py": TRAIN,
        "data/sample/transactions_sample.csv": rows,
        ".gitignore": "data/raw/\n",
    }
    assert places(repo(tmp_path, files, "sample"), "DAT102") == []
    raw = {**files, "data/raw_dump/transactions.csv": rows}
    del raw["data/sample/transactions_sample.csv"]
    assert places(repo(tmp_path, raw, "raw"), "DAT102") == ["data/raw_dump/transactions.csv"]


def test_settings_in_a_folder_of_toml_files(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "fraud"\nversion = "0.1.0"\n',
        "src/train.py": TRAIN,
        "config/training.toml": "[model]\nmax_depth = 6\n",
        ".gitignore": "data/\n",
    }
    assert "LAY105" not in fired(repo(tmp_path, files, "toml"))
    bare = {k: v for k, v in files.items() if not k.startswith("config/")}
    assert "LAY105" in fired(repo(tmp_path, bare, "bare"))


def test_a_uri_that_falls_back_to_mlflows_own(tmp_path: Path) -> None:
    registry = (
        "import mlflow\n\n\ndef configure(uri=None):\n"
        "    uri = uri or mlflow.get_tracking_uri()\n"
        "    mlflow.set_tracking_uri(uri)\n"
        "    mlflow.log_metric('auc', 0.9)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\nscikit-learn==1.5.2\n",
        "src/registry.py": registry,
        "src/train.py": TRAIN,
        ".gitignore": "mlruns/\nmlflow.db\n",
    }
    assert "TRK102" not in fired(repo(tmp_path, files, "fallback"))
    fixed = registry.replace("uri or mlflow.get_tracking_uri()", 'uri or "sqlite:///x.db"')
    assert "TRK102" in fired(repo(tmp_path, {**files, "src/registry.py": fixed}, "fixed"))
