"""Shapes met on a fifty-sixth set of public repositories the audit had never seen.

Tooling scripts that need nothing beyond the standard library, setup kept in a
`README_SETUP.md` or in a script that builds the environment, a data contract that
describes the committed sample, a DVC walkthrough whose script builds the pipeline, and
a packaged project that installs its training commands. Each test writes the shape here
and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo

STDLIB_SCRIPT = (
    '"""Check the governance files.\n\n'
    "Run from the repo root; reads the state written\n"
    "from the most recent session.\n"
    '"""\n\n'
    "from __future__ import annotations\n\n"
    "import json\n"
    "import sqlite3\n"
    "from pathlib import Path\n\n"
    "import _shared\n\n\n"
    "def parse(text: str) -> dict:\n"
    "    try:\n"
    "        import yaml  # optional: a restricted parser is the fallback\n\n"
    "        return yaml.safe_load(text)\n"
    "    except ImportError:\n"
    "        return json.loads(text)\n\n\n"
    "def usage(con: sqlite3.Connection) -> list:\n"
    '    return con.execute("""\n'
    "        select source, sum(tokens)\n"
    "        from daily_usage\n"
    "        group by source\n"
    '    """).fetchall()\n\n\n'
    "def note() -> str:\n"
    '    """Say where the\n'
    "    import destination (`lab/imported/<name>`) already holds files.\n"
    '    """\n'
    '    return str(Path("lab"))\n'
)


def test_scripts_that_import_only_the_standard_library_need_no_manifest(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Agent template\n\nRun `python scripts/check.py`.\n",
        "scripts/check.py": STDLIB_SCRIPT,
        "scripts/_shared.py": "import os\n\nROOT = os.getcwd()\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "stdlib"), "PKG101") == []
    third_party = STDLIB_SCRIPT.replace("import sqlite3\n", "import sqlite3\n\nimport numpy\n")
    found = places(repo(tmp_path, {**files, "scripts/check.py": third_party}, "numpy"), "PKG101")
    assert found == ["."]


def test_setup_in_a_readme_setup_file_or_an_environment_script(tmp_path: Path) -> None:
    code = {"train.py": "from sklearn.linear_model import Ridge\n\nRidge().fit([[0]], [0])\n"}
    readme = "# AQI forecasting\n\nA Flask API serving the forecasting models.\n"
    setup_doc = "# Setup\n\n1. Install the packages:\n\n    pip install -r requirements.txt\n"
    base: dict[str, str | bytes] = {
        **code,
        "requirements.txt": "scikit-learn==1.5.2\n",
        "README.md": readme,
    }
    assert places(repo(tmp_path, {**base, "README_SETUP.md": setup_doc}, "doc"), "DOC101") == []
    script = readme + "\nTo start the environment, run `./start_environment.sh bash`.\n"
    with_script = {**base, "README.md": script, "start_environment.sh": "docker build .\n"}
    assert places(repo(tmp_path, with_script, "script"), "DOC101") == []
    assert places(repo(tmp_path, base, "none"), "DOC101") == ["README.md"]


def test_a_data_contract_and_a_placeholder_folder_describe_the_data(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\npandas==2.2.3\n",
        "main.py": (
            "import pandas as pd\nfrom sklearn.linear_model import LinearRegression\n\n"
            'df = pd.read_csv("data/housing_1000.csv")\n'
            'LinearRegression().fit(df[["rooms"]], df["price"])\n'
        ),
        "data/housing_1000.csv": "rooms,price\n1,900\n2,1400\n",
        "README.md": "# Rental prices\n\n## Setup\n\npip install -r requirements.txt\n",
    }
    assert places(repo(tmp_path, files, "bare"), "LAY106") == ["."]
    contract = "# Rental housing data contract\n\n| Column | Type |\n| rooms | int |\n"
    with_contract = {**files, "docs/data_contract.md": contract}
    assert places(repo(tmp_path, with_contract, "contract"), "LAY106") == []
    raw_readme = {
        **files,
        "data/housing_1000.csv": b"",
        "data/raw/README.md": "# Raw data\n\nPlace the Kaggle CSV here.\n",
        "data/processed/.gitkeep": "",
    }
    del raw_readme["data/housing_1000.csv"]
    assert places(repo(tmp_path, raw_readme, "raw"), "LAY106") == []


WALKTHROUGH = (
    "#!/bin/bash\n"
    "dvc init\n"
    "dvc run -f load.dvc -d config/load.json -o data python code/load.py\n"
    "dvc run -f train.dvc -d data -o model/model.h5 python code/train.py\n"
    "dvc run -f evaluate.dvc -d model/model.h5 -M model/metrics.json python code/evaluate.py\n"
    "dvc metrics show\n"
)


def test_a_script_that_builds_the_dvc_pipeline(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "configs/requirements.txt": "scikit-learn==0.20.1\ndvc==0.30.1\n",
        "code/train.py": (
            "from sklearn.linear_model import LogisticRegression\n\n"
            "LogisticRegression().fit([[0], [1]], [0, 1])\n"
        ),
        "data/train.csv": "x,y\n0,0\n1,1\n",
        "scripts/walkthrough.sh": WALKTHROUGH,
    }
    root = repo(tmp_path, files, "walkthrough")
    assert places(root, "DVC115") == []
    assert places(root, "TRK107") == []
    plain = {**files, "scripts/walkthrough.sh": "#!/bin/bash\npython code/train.py\n"}
    root = repo(tmp_path, plain, "plain")
    assert places(root, "DVC115") == ["."]
    assert places(root, "TRK107") == ["."]
    no_metrics = WALKTHROUGH.replace("-M model/metrics.json ", "").replace("dvc metrics show\n", "")
    root = repo(tmp_path, {**files, "scripts/walkthrough.sh": no_metrics}, "unmeasured")
    assert places(root, "DVC115") == []
    assert places(root, "TRK107") == ["."]


PYPROJECT = """\
[project]
name = "churn-ml"
version = "1.0.1"
dependencies = ["lightgbm>=4.0", "mlflow>=3.5"]

[project.scripts]
churn-validate = "churn_ml.data.validate:cli"
{train}
"""


def test_a_package_that_installs_a_training_command_is_a_project(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": PYPROJECT.format(
            train='churn-train-baseline = "churn_ml.models.run_baseline:cli"'
        ),
        "src/churn_ml/__init__.py": "",
        "src/churn_ml/data/__init__.py": "",
        "src/churn_ml/data/validate.py": "def cli():\n    pass\n",
        "src/churn_ml/models/__init__.py": "",
        "src/churn_ml/models/run_baseline.py": (
            "import lightgbm\n\n\ndef cli():\n    lightgbm.LGBMClassifier().fit([[0]], [0])\n"
        ),
        "models/.gitkeep": "",
    }
    assert audit(repo(tmp_path, files, "project")).profile.kind == "project"
    library = {**files, "pyproject.toml": PYPROJECT.format(train="")}
    assert audit(repo(tmp_path, library, "library")).profile.kind == "library"
