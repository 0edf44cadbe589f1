"""Shapes met on a ninetieth and ninety-first set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

RUN_RECORDS = (
    "import json\n"
    "from datetime import datetime\n"
    "from pathlib import Path\n\n"
    "from sklearn.ensemble import RandomForestClassifier\n\n\n"
    "def main(config, frame):\n"
    "    run_dir = Path('runs') / datetime.now().strftime('%Y%m%d-%H%M%S')\n"
    "    run_dir.mkdir(parents=True)\n"
    "    model = RandomForestClassifier(**config).fit(frame.drop(columns='y'), frame['y'])\n"
    "    metrics = {'accuracy': model.score(frame.drop(columns='y'), frame['y'])}\n"
    "    (run_dir / 'metrics.json').write_text(json.dumps({'config': config, **metrics}))\n"
)


def test_training_that_writes_each_runs_metrics_into_its_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "src/train.py": RUN_RECORDS,
    }
    assert places(repo(tmp_path, files, "records"), "TRK107") == []
    stamp = "Path('runs') / datetime.now().strftime('%Y%m%d-%H%M%S')"
    overwritten = RUN_RECORDS.replace(stamp, "Path('out')").replace("run_dir", "out")
    last_only = {**files, "src/train.py": overwritten}
    assert places(repo(tmp_path, last_only, "overwrites"), "TRK107") == ["."]


COURSE_TRAIN = (
    "import pandas as pd\n"
    "from sklearn.linear_model import LogisticRegression\n\n"
    "frame = pd.read_csv('data/transactions.csv')\n"
    "LogisticRegression().fit(frame.drop(columns='fraud'), frame['fraud'])\n"
)


def test_coursework_is_not_judged_as_a_maintained_project(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\nscikit-learn==1.6.1\n",
        "train.py": COURSE_TRAIN,
        "README.md": "# Fraud detection\n\nMLOps Course Project, spring term.\n",
    }
    assert places(repo(tmp_path, files, "course"), "DVC115") == []
    capstone = {**files, "README.md": "# Fraud detection\n\nTrains a classifier.\n"}
    assert places(repo(tmp_path, capstone, "ml-capstone-fraud"), "DVC115") == []
    assert places(repo(tmp_path, capstone, "fraud-detection"), "DVC115") == ["."]
