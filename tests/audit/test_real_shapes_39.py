"""Shapes met on a thirty-ninth set of public repositories the audit had never seen.

A Spark project whose DVC pipeline lives in a sub-folder; a Flask form that checks each
field's range by hand; an Indonesian README that names its data sources in a section on
data ingestion and in its layout tree; CI that runs the tests and throws their failures
away; a tracking URI passed by keyword; a workflow commented out line by line. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit.support import audit, fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"


def test_a_dvc_pipeline_in_a_sub_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "src/train.py": TRAIN,
        "data_and_model/raw/bank.csv": "age,y\n" + "".join(f"{i},{i % 2}\n" for i in range(30)),
        ".gitignore": ".venv/\n",
    }
    nested = {
        **files,
        "pipelines/spark/dvc.yaml": (
            "stages:\n  train:\n    cmd: python ../../src/train.py\n"
            "    deps: [../../src/train.py]\n"
        ),
    }
    assert "DVC115" not in fired(repo(tmp_path, nested, "nested"))
    assert "DVC115" in fired(repo(tmp_path, files, "none"))


def test_a_form_handler_that_checks_each_range(tmp_path: Path) -> None:
    app = (
        "import pickle\n\nfrom flask import Flask, render_template, request\n\n"
        "app = Flask(__name__)\nmodel = pickle.load(open('model.pkl', 'rb'))\n\n\n"
        "@app.route('/result', methods=['POST'])\ndef result():\n"
        "    try:\n        lead_time = int(request.form.get('lead_time', 0))\n"
        "        if not (0 <= lead_time <= 100):\n"
        "            return render_template('r.html', error='lead time out of range')\n"
        "        return render_template('r.html', p=model.predict([[lead_time]])[0])\n"
        "    except ValueError:\n        return render_template('r.html', error='bad input')\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask==3.1.1\nscikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "app.py": app,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "checked"), "SRV101") == []
    unchecked = app.replace(
        "        if not (0 <= lead_time <= 100):\n"
        "            return render_template('r.html', error='lead time out of range')\n",
        "",
    )
    assert places(repo(tmp_path, {**files, "app.py": unchecked}, "unchecked"), "SRV101") == [
        "app.py:9"
    ]


@pytest.mark.parametrize(
    "readme",
    [
        "# Gempa\n\n### 1. Data Ingestion & Preprocessing\n\nUSGS and BMKG feeds.\n",
        "# Gempa\n\n```\n├── data/\n"
        "│   ├── raw/   <- Raw JSON/CSV snapshot dari API (DVC tracked)\n```\n",
    ],
)
def test_data_sources_in_an_ingestion_section_or_the_tree(tmp_path: Path, readme: str) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\n",
        "ingest.py": "import pandas as pd\n",
        "data/raw/quakes.csv.dvc": "outs:\n- md5: 0f\n  path: quakes.csv\n",
        "README.md": readme,
        ".gitignore": "/data/raw/quakes.csv\n",
    }
    assert "LAY106" not in fired(repo(tmp_path, files, "described"))
    bare = {**files, "README.md": "# Gempa\n\n## Usage\n\nmake all\n"}
    assert "LAY106" in fired(repo(tmp_path, bare, "bare"))


CI = (
    "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - run: pip install pytest pytest-cov\n"
)


@pytest.mark.parametrize(
    "steps",
    [
        "      - run: pytest tests/ -v --cov=src || true\n",
        "      - run: |\n          pytest tests/ \\\n            --cov=src || echo failed\n",
        "      - name: tests\n        continue-on-error: true\n        run: python -m pytest\n",
    ],
)
def test_ci_that_throws_test_failures_away(tmp_path: Path, steps: str) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "tests/test_train.py": "def test_x():\n    assert True\n",
        ".github/workflows/ci.yml": CI + steps,
        ".gitignore": ".venv/\n",
    }
    report = audit(repo(tmp_path, files, "ignored"))
    [finding] = [i for i in report.issues if i.rule == "QUA107"]
    assert finding.path == ".github/workflows/ci.yml" and finding.line is not None
    assert "pytest" in (CI + steps).splitlines()[finding.line - 1]
    strict = {**files, ".github/workflows/ci.yml": CI + steps + "      - run: pytest -x\n"}
    assert "QUA107" not in fired(repo(tmp_path, strict, "strict"))


def test_a_tracking_uri_passed_by_keyword(tmp_path: Path) -> None:
    code = (
        "import mlflow\n\nmlflow.set_tracking_uri(uri='http://192.168.1.5:5000')\n"
        "mlflow.set_experiment('x')\nmlflow.log_metric('a', 1)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\n",
        "train.py": code + TRAIN,
        ".gitignore": "mlruns/\nmlflow.db\n",
    }
    assert places(repo(tmp_path, files, "keyword"), "TRK103") == ["train.py:3"]


def test_a_workflow_commented_out_line_by_line(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        ".github/workflows/ci.yml": CI + "      - run: pytest\n",
        ".github/workflows/retrain.yml": "# name: Retrain\n# on:\n#   workflow_dispatch:\n",
        ".gitignore": ".venv/\n",
    }
    [finding] = [i for i in audit(repo(tmp_path, files, "commented")).issues if i.rule == "QUA106"]
    assert "comments only" in finding.message and finding.path == ".github/workflows/retrain.yml"
