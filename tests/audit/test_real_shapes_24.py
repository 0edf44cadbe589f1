"""Shapes met on a twenty-fourth set of public repositories the audit had never seen.

A feature store that keeps every version of each record, and a local
sandbox's object-store key beside its endpoint. Each test writes the shape here and
checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n"


def test_a_feature_store_versions_the_training_data(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\nsagemaker==2.232.0\n",
        "train.py": TRAIN,
    }
    assert "DVC115" in fired(repo(tmp_path, files, "bare"))
    group = (
        "from sagemaker.feature_store.feature_group import FeatureGroup\n\n"
        "group = FeatureGroup(name='customers', sagemaker_session=None)\n"
    )
    sagemaker = {**files, "pipelines/features.py": group}
    assert "DVC115" not in fired(repo(tmp_path, sagemaker, "sagemaker"))
    hopsworks = {**files, "requirements.txt": "scikit-learn==1.5.2\nhopsworks==4.1.0\n"}
    assert "DVC115" not in fired(repo(tmp_path, hopsworks, "hopsworks"))
    # Feast reads source tables that may change in place: not a version of the data
    feast = {**files, "requirements.txt": "scikit-learn==1.5.2\nfeast==0.40.1\n"}
    assert "DVC115" in fired(repo(tmp_path, feast, "feast"))


def test_a_sandbox_key_beside_a_local_endpoint_is_not_a_secret(tmp_path: Path) -> None:
    local = (
        "storage:\n  connection:\n    access-key: minio\n    auth-type: accesskey\n"
        "    endpoint: http://localhost:30084\n    secret-key: miniostorage\n  type: minio\n"
    )
    files: dict[str, str | bytes] = {"app.py": "x = 1\n", "config/sandbox.yaml": local}
    assert places(repo(tmp_path, files, "local"), "SEC106") == []
    remote = local.replace("http://localhost:30084", "https://storage.example.org:9000")
    remote_files = {**files, "config/sandbox.yaml": remote}
    assert places(repo(tmp_path, remote_files, "remote"), "SEC106") == ["config/sandbox.yaml:6"]
