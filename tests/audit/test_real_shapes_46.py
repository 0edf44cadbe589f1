"""Shapes met on a forty-sixth set of public repositories the audit had never seen.

A recommender whose DVC remote is a MinIO sandbox on localhost with MinIO's default key;
an intrusion-detection project whose README names its dataset in a heading. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"
CONFIG = (
    "[core]\n    remote = myminio\n['remote \"myminio\"']\n    url = s3://bucket\n"
    "    endpointurl = http://localhost:9000\n    access_key_id = minioadmin\n"
    "    secret_access_key = {secret}\n"
)


def test_a_minio_sandbox_remote(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        ".dvc/config": CONFIG.format(secret="minioadmin"),
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "sandbox"), "DVC110") == []
    remote = CONFIG.format(secret="Wq3vKz8pLm2xRt6yUb9n").replace(
        "http://localhost:9000", "https://s3.eu-west-1.amazonaws.com"
    )
    assert places(repo(tmp_path, {**files, ".dvc/config": remote}, "remote"), "DVC110") == [
        ".dvc/config:7"
    ]


def test_a_heading_that_names_the_dataset(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "data/traffic.csv": "a,b\n" + "1,2\n" * 3000,
        "README.md": "# IDS\n\n### **CICIDS 2017 Dataset**\n\n2.8M flows from the UNB CIC site.\n",
        ".gitignore": "/data/raw/\n",
    }
    assert "LAY106" not in fired(repo(tmp_path, files, "named"))
    bare = {**files, "README.md": "# IDS\n\n### **Results**\n\nF1 0.98.\n"}
    assert "LAY106" in fired(repo(tmp_path, bare, "bare"))
