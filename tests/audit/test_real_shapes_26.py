"""Shapes met on a twenty-sixth set of public repositories the audit had never seen.

A Kedro project with kedro-mlflow, DVC stages that run their scripts in containers, a
feature-engineering data pipeline, pydantic settings, a README saved as UTF-16, a
singular `requirement.txt`, a remote style-check action and a Hopsworks-style key. Each
test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, fired, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rules.secrets import looks_generated

KEDRO_PYPROJECT = (
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
    '[project]\nname = "claims"\nversion = "0.1.0"\n'
    'dependencies = ["kedro~=0.19.12", "kedro-mlflow==0.12.2", "scikit-learn~=1.5.1"]\n\n'
    '[tool.kedro]\npackage_name = "claims"\nproject_name = "Claims"\n'
)
NODES = (
    "import mlflow\nfrom sklearn.linear_model import LogisticRegression\n\n\n"
    "def train(x, y):\n    model = LogisticRegression().fit(x, y)\n"
    "    mlflow.log_metric('n', len(y))\n    return model\n"
)


def test_a_kedro_project_is_a_project_and_kedro_mlflow_sets_its_uri(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": KEDRO_PYPROJECT,
        "src/claims/__init__.py": "",
        "src/claims/pipelines/training/nodes.py": NODES,
        "conf/base/catalog.yml": "claims:\n  type: pandas.CSVDataset\n  filepath: data/c.csv\n",
        "conf/base/mlflow.yml": 'server:\n  mlflow_tracking_uri: "sqlite:///mlruns.db"\n',
        ".gitignore": "mlruns/\n",
    }
    root = repo(tmp_path, files, "kedro")
    assert profile_of(RepoView(root)).kind == "project"
    assert {"TRK101", "TRK104"}.isdisjoint(fired(root))
    # Without the URI, kedro-mlflow falls back to MLflow's default: not configured.
    bare = {**files, "conf/base/mlflow.yml": "server:\n  mlflow_tracking_uri: null\n"}
    assert "TRK101" in fired(repo(tmp_path, bare, "default-uri"))
    # The same package without Kedro's settings is a library.
    library = {**files, "pyproject.toml": KEDRO_PYPROJECT.split("[tool.kedro]")[0]}
    del library["conf/base/catalog.yml"], library["conf/base/mlflow.yml"]
    library["src/claims/pipelines/training/nodes.py"] = "def f():\n    return 1\n"
    assert profile_of(RepoView(repo(tmp_path, library, "library"))).kind == "library"


DOCKER_STAGES = """stages:
  train:
    cmd: >
      docker run --rm -v $PWD/data:/data mlops-train
      python train.py
    deps:
      - {dep}
      - data/train.csv
    outs:
      - models/model.pkl
"""


def test_a_stage_that_runs_its_script_in_a_container(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "dvc.yaml": DOCKER_STAGES.format(dep="stages/train/train.py"),
        "stages/train/train.py": "from sklearn.tree import DecisionTreeClassifier\n",
        "stages/train/Dockerfile": "FROM python:3.11\nCOPY train.py .\n",
        "data/train.csv.dvc": "outs:\n- path: train.csv\n",
        ".gitignore": "/models\n",
    }
    assert places(repo(tmp_path, files, "image"), "DVC103") == []
    # The repository's copy is not a dep: editing it leaves the outputs stale.
    other = {**files, "dvc.yaml": DOCKER_STAGES.format(dep="stages/train/Dockerfile")}
    assert places(repo(tmp_path, other, "no-code-dep"), "DVC103") == ["dvc.yaml:2"]


DATA_STAGES = """stages:
  build_features:
    cmd: python -m src.features_pipeline
    deps:
      - src/features_pipeline.py
      - data/raw.csv
    outs:
      - data/features.csv
  unify:
    cmd: python -m src.unify
    deps:
      - src/unify.py
      - data/raw.csv
    outs:
      - data/unified.csv
"""


def test_a_feature_pipeline_trains_nothing_and_its_composed_modules_are_tested(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "nba"\nversion = "0.1.0"\n',
        "dvc.yaml": DATA_STAGES,
        "data/raw.csv.dvc": "outs:\n- path: raw.csv\n",
        "src/__init__.py": "",
        "src/features/__init__.py": "",
        "src/features/streaks.py": (
            "from sklearn.preprocessing import OneHotEncoder\n\n\ndef encode(frame):\n"
            "    return OneHotEncoder(drop='if_binary').fit(frame)\n"
        ),
        "src/features_pipeline.py": (
            "import pandas as pd\n\n"
            "from src.features.streaks import encode\nfrom src.features.trips import trips\n"
            "from src.utils import log\n"
        ),
        "src/features/trips.py": "def trips(frame):\n    return frame\n",
        "src/unify.py": "import pandas as pd\n\nfrom src.utils import log\n",
        "src/utils.py": "def log(x):\n    print(x)\n",
        "src/training_dataset_assessment.py": "import pandas as pd\n",
        "tests/test_streaks.py": (
            "from src.features.streaks import encode\nfrom src.utils import log\n\n\n"
            "def test_encode():\n    assert encode\n"
        ),
        "tests/test_trips.py": (
            "from src.features.trips import trips\n\n\ndef test_trips():\n    assert trips\n"
        ),
        ".gitignore": "/data/*.csv\n",
    }
    root = repo(tmp_path, files, "features")
    assert "TRK107" not in fired(root)
    assert places(root, "QUA104") == ["dvc.yaml:9"]  # unify: only the shared helpers
    # One tested module is not the stage: its own code may do the rest.
    single = {**files}
    del single["tests/test_trips.py"]
    assert places(repo(tmp_path, single, "one-module"), "QUA104") == ["dvc.yaml:2", "dvc.yaml:9"]
    # A stage that trains is tracked: a model's `fit` is training.
    trains = {**files, "src/fit_model.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n"}
    assert "TRK107" in fired(repo(tmp_path, trains, "trains"))


def test_pydantic_settings_read_mlflow_tracking_uri(tmp_path: Path) -> None:
    settings = (
        "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
        '    mlflow_tracking_uri: str = "sqlite:///mlflow.db"\n\n\nsettings = Settings()\n'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==2.19.0\npydantic-settings==2.7.0\n",
        "app/config.py": settings,
        "app/train.py": (
            "import mlflow\n\nfrom app.config import settings\n\n"
            "mlflow.set_tracking_uri(settings.mlflow_tracking_uri)\n"
        ),
        ".gitignore": "mlflow.db\nmlruns/\n",
    }
    assert "TRK102" not in fired(repo(tmp_path, files, "settings"))
    # with a prefix the field reads APP_MLFLOW_TRACKING_URI: still set per environment
    prefixed = settings.replace(
        "(BaseSettings):\n", '(BaseSettings):\n    model_config = {"env_prefix": "APP_"}\n'
    )
    assert "TRK102" not in fired(repo(tmp_path, {**files, "app/config.py": prefixed}, "pre"))
    constant = "class Settings:\n    mlflow_tracking_uri = 'sqlite:///mlflow.db'\n\n\n"
    plain = {**files, "app/config.py": constant + "settings = Settings()\n"}
    assert "TRK102" in fired(repo(tmp_path, plain, "plain"))


def test_a_utf16_readme_is_read_and_its_encoding_reported(tmp_path: Path) -> None:
    text = "# Handwriting lab\n\n## Installation\n\n```\nconda env create -f environment.yml\n```\n"
    files: dict[str, str | bytes] = {
        "README.md": "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"),
        "environment.yml": "name: htr\ndependencies:\n  - python=3.11\n  - mlflow=2.19.0\n",
        "src/run.py": "import mlflow\n\nmlflow.log_metric('cer', 0.1)\n",
        ".gitignore": "mlruns/\n",
    }
    root = repo(tmp_path, files, "utf16")
    found = fired(root)
    assert "DOC101" not in found
    assert "LAY112" in found


def test_a_singular_requirement_file_declares_the_package(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": 'from setuptools import setup\n\nsetup(name="spoilage", packages=["src"])\n',
        "requirement.txt": "tensorflow==2.15.0\nmlflow==2.9.0\n",
        "src/__init__.py": "",
        "src/evaluate.py": "import mlflow\nimport tensorflow as tf\n",
        "models/.gitkeep": "",
        "src/train.py": "import tensorflow as tf\n",
        ".gitignore": "mlruns/\nmlflow.db\n",
    }
    root = repo(tmp_path, files, "singular")
    assert places(root, "PKG105") == []
    assert "requirement.txt" in profile_of(RepoView(root)).manifests


STYLE_CI = """name: CI
on: [push]
jobs:
  ci:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: {action}
"""


def test_a_remote_style_check_action_lints(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.1\n",
        "train.py": "from sklearn.svm import SVC\n",
        ".github/workflows/ci.yml": STYLE_CI.format(action="acme/check-python-style@main"),
        ".gitignore": "data/\n",
        ".flake8": "[flake8]\nmax-line-length = 100\n",
    }
    assert "QUA109" not in fired(repo(tmp_path, files, "style"))
    plain = {**files, ".github/workflows/ci.yml": STYLE_CI.format(action="actions/setup-python@v5")}
    assert "QUA109" in fired(repo(tmp_path, plain, "plain"))


def test_a_reference_table_in_a_constants_folder_is_not_a_dataset(tmp_path: Path) -> None:
    table = "city_a,city_b,km\n" + "".join(f"c{i},c{i + 1},{i * 7}\n" for i in range(3000))
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\nscikit-learn==1.5.1\n",
        "train.py": "import pandas as pd\nfrom sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
        "data/constants/city_distance.csv": table,
        ".gitignore": "data/raw/\n",
    }
    assert 20_000 < len(table) < 100_000
    assert places(repo(tmp_path, files, "constants"), "DAT102") == []
    moved = {**files, "data/train/city_distance.csv": table}
    del moved["data/constants/city_distance.csv"]
    assert places(repo(tmp_path, moved, "dataset"), "DAT102") == ["data/train/city_distance.csv"]


def test_a_dotted_generated_key_is_an_error(tmp_path: Path) -> None:
    key = "rnzJVdj1CwYpimJU." + "ZCavQF9nAEahE3SAgQrcZSV5yUGR8" + "ho2tJHJBnEBblHvWv5I9rJ618wo61"
    files: dict[str, str | bytes] = {
        "conf/base/parameters.yml": f"feature_store:\n  api_key: {key}\n  project: p2\n",
        "train.py": "import pandas\n",
        ".gitignore": "outputs/\n",
    }
    report = audit(repo(tmp_path, files, "dotted"))
    assert [i.rule for i in report.issues if i.rule.startswith("SEC")] == ["SEC103"]
    assert not looks_generated("release.candidate.version.two")


def test_a_numbered_readme_section_on_getting_the_training_data(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\n",
        "pipeline.py": "import pandas as pd\n",
        "data/raw/.gitignore": "*\n!.gitignore\n",
        "README.md": "# NBA pipeline\n\n### 1. Get Training Dataset\n\nFrom s3://bucket/x.\n",
        ".gitignore": "data/raw/*.csv\n",
    }
    assert "LAY106" not in fired(repo(tmp_path, files, "numbered"))
    bare = {**files, "README.md": "# NBA pipeline\n\n### 1. Run it\n\nmake all\n"}
    assert "LAY106" in fired(repo(tmp_path, bare, "bare"))


def test_dagshub_init_imported_by_name_sets_the_uri(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==2.19.0\ndagshub==0.3.0\n",
        "run.py": (
            "import mlflow\nfrom dagshub import init\n\n"
            'init(repo_owner="me", repo_name="r", mlflow=True)\n'
            "with mlflow.start_run():\n    mlflow.log_param('a', 1)\n"
        ),
        ".gitignore": "data/\n",
    }
    assert {"TRK101", "TRK104"}.isdisjoint(fired(repo(tmp_path, files, "dagshub")))
    local = {**files, "run.py": files["run.py"].replace(", mlflow=True", "")}  # type: ignore[union-attr]
    assert {"TRK101", "TRK104"} <= fired(repo(tmp_path, local, "local"))
