"""Shapes met on a forty-fifth set of public repositories the audit had never seen.

An audio service that checks an upload's format; twenty checkpoints committed in one
folder; a Spark job whose cluster's initialisation script pins its packages; a new
repository that tracks a dataset with DVC and has no code yet; a README that says to
`dvc pull` the data. Each test writes the shape here and checks the false finding gone
(or the findings merged) and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"


def test_an_upload_route_that_checks_the_format(tmp_path: Path) -> None:
    api = (
        "import joblib\nfrom fastapi import FastAPI, File, HTTPException, UploadFile\n\n"
        "app = FastAPI()\nmodel = joblib.load('m.pkl')\nALLOWED = {'audio/wav'}\n\n\n"
        "@app.post('/predict')\nasync def predict(file: UploadFile = File(...)):\n"
        "    if file.content_type not in ALLOWED:\n"
        "        raise HTTPException(status_code=400, detail='use WAV')\n"
        "    return model.predict([await file.read()])\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi==0.115.0\nscikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "app/main.py": api,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "checked"), "SRV101") == []
    bare = api.replace(
        "    if file.content_type not in ALLOWED:\n"
        "        raise HTTPException(status_code=400, detail='use WAV')\n",
        "",
    )
    assert places(repo(tmp_path, {**files, "app/main.py": bare}, "bare"), "SRV101") == [
        "app/main.py:9"
    ]


def test_checkpoints_of_one_folder_are_one_finding(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.4.0\n",
        "train.py": TRAIN,
        **{f"models/split_{i}_model.pt": b"\x80\x02" + bytes(3000) for i in range(20)},
        "weights/final.pt": b"\x80\x02" + bytes(3000),
        ".gitignore": ".venv/\n",
    }
    report = audit(repo(tmp_path, files, "splits"))
    found = [i for i in report.issues if i.rule == "DAT103"]
    assert [i.path for i in found] == ["models/split_0_model.pt", "weights/final.pt"]
    assert found[0].message.startswith("20 model files")


def test_a_cluster_script_that_pins_the_jobs_packages(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "training/requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "spark_jobs/train_fish.py": "import tensorflow as tf\n\ntf.constant(1)\n",
        "scripts/dataproc_init.sh": (
            "#!/bin/bash\npip3 install \\\n    tensorflow==2.13.0 \\\n    pillow\n"
        ),
        ".gitignore": ".venv/\n",
    }
    assert "PKG112" not in fired(repo(tmp_path, files, "pinned"))
    loose = {**files, "scripts/dataproc_init.sh": "#!/bin/bash\npip3 install tensorflow\n"}
    assert places(repo(tmp_path, loose, "loose"), "PKG112") == ["spark_jobs/train_fish.py:1"]


def test_a_dataset_repository_without_code_yet(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        ".dvc/config": "[core]\n    remote = storage\n",
        "data/raw/eurosat.dvc": "outs:\n- md5: 0f\n  path: eurosat\n",
        "README.md": "# EuroSAT\n\n## Dataset\n\nFrom https://doi.org/10.5281/zenodo.7711810\n",
        ".gitignore": "/data/raw/eurosat\n",
    }
    assert {"LAY105", "QUA110", "QUA112"}.isdisjoint(fired(repo(tmp_path, files, "data")))
    coded = {
        **files,
        "train.py": TRAIN,
        ".flake8": "[flake8]\nmax-line-length = 100\n",
        "tests/test_train.py": "def test_fit():\n    assert True\n",
    }
    assert {"QUA110", "QUA112"} <= fired(repo(tmp_path, coded, "coded"))


def test_a_readme_that_says_to_dvc_pull(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "data/raw.dvc": "outs:\n- md5: 0f\n  path: raw\n",
        "README.md": "# Rakuten\n\n## Usage\n\n```bash\ndvc pull\npython train.py\n```\n",
        ".gitignore": "/data/raw\n",
    }
    assert "LAY106" not in fired(repo(tmp_path, files, "pull"))
    bare = {**files, "README.md": "# Rakuten\n\n## Usage\n\npython train.py\n"}
    assert "LAY106" in fired(repo(tmp_path, bare, "bare"))
