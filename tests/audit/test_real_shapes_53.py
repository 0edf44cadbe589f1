"""Shapes met on a fifty-third set of public repositories the audit had never seen.

A training service that refuses to run without MLFLOW_TRACKING_URI and logs to a
tracking server whose store lives in an ignored folder. The test writes the shape here
and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

TRAINING = (
    "import os\n\nimport mlflow\nfrom sklearn.svm import SVC\n\n"
    "if os.getenv('MLFLOW_TRACKING_URI'):\n"
    "    mlflow.set_experiment(experiment_id=os.getenv('MLFLOW_EXPERIMENT_ID'))\n"
    "else:\n    raise Exception('No mlflow tracking uri set!')\n\n"
    "with mlflow.start_run():\n    SVC().fit([[0], [1]], [0, 1])\n"
)


def test_code_that_requires_the_tracking_variable(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\nscikit-learn==1.5.2\n",
        "code/training.py": TRAINING,
        ".gitignore": "data/*\n",
    }
    assert places(repo(tmp_path, files, "required"), "TRK104") == []
    # code that never reads it logs to ./mlruns and ./mlflow.db of the working folder
    bare = TRAINING.replace("if os.getenv('MLFLOW_TRACKING_URI'):", "if True:")
    found = places(repo(tmp_path, {**files, "code/training.py": bare}, "bare"), "TRK104")
    assert found == [".gitignore"]
