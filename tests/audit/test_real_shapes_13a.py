"""Shapes met on a thirteenth set of public repositories the audit had never seen (part one).

Course weeks named `week_N_topic/`, CI that runs its tests through a local action, a
ZenML template whose Makefile installs its integrations, a version-bump marker named like
a token, a Terraform template interpolating its keys, and a library's experiments run in
the dev environment. Each test reproduces the shape with files written here: a false
problem gone, the real one kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from audit.support import audit, fired, places, repo

TRAIN = "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n"
TRAIN += "LogisticRegression().fit(pd.DataFrame(), [])\n"


def notebook_with_output() -> str:
    cell = {
        "cell_type": "code",
        "execution_count": 3,
        "metadata": {},
        "outputs": [{"output_type": "stream", "name": "stdout", "text": ["0.93\n"]}],
        "source": ["print(score)\n"],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_course_weeks_named_by_topic_are_course_material(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "week_0_project_setup/train.py": TRAIN,
        "week_0_project_setup/experimental_notebooks/explore.ipynb": notebook_with_output(),
    }
    assert "DAT104" not in fired(repo(tmp_path, files, "course"))
    project = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "notebooks/explore.ipynb": notebook_with_output(),
    }
    assert "DAT104" in fired(repo(tmp_path, project, "project"))


def test_tests_run_by_a_local_action_are_run_by_ci(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - uses: ./.github/actions/run_tests\n"
    )
    action = (
        "name: run tests\nruns:\n  using: composite\n  steps:\n"
        "    - run: pytest tests\n      shell: bash\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "tests/test_train.py": "def test_x():\n    assert True\n",
        ".github/workflows/ci.yml": workflow,
    }
    assert "QUA107" in fired(repo(tmp_path, files, "bare"))
    action_files = {**files, ".github/actions/run_tests/action.yml": action}
    assert "QUA107" not in fired(repo(tmp_path, action_files, "action"))


def test_zenml_integrations_installed_by_the_makefile_are_declared(tmp_path: Path) -> None:
    step = "import mlflow\nimport pandas as pd\nfrom sklearn.base import clone\nimport xgboost\n"
    makefile = (
        "setup:\n\tpip install -r requirements.txt\n\tzenml integration install sklearn mlflow -y\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "zenml[server]==0.80.0\n",
        "steps/train.py": step,
        "Makefile": makefile,
    }
    # zenml brings pandas, the Makefile brings scikit-learn and mlflow; nothing brings xgboost
    assert places(repo(tmp_path, files), "PKG112") == ["steps/train.py:4"]


def test_values_that_are_not_secrets_in_ci_and_terraform(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  bump:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: anothrNick/github-tag-action@v1\n        env:\n"
        '          MAJOR_STRING_TOKEN: "bump:major"\n'
        '          RELEASE_TOKEN: "Wm4kQ9rT2zXpLs8"\n'
    )
    terraform = (
        'resource "x" "y" {\n  config = <<-EOT\n'
        "    'accesskey' => '${var.s3_access_key}',\n"
        "    'secretkey' => '${var.s3_secret_key}',\n  EOT\n}\n"
    )
    root = repo(
        tmp_path,
        {".github/workflows/bump.yml": workflow, "infra/gitlab.tf": terraform, "a.py": "x = 1\n"},
    )
    assert places(root, "SEC106") == [".github/workflows/bump.yml:9"]


def test_a_library_experiment_may_use_its_dev_dependencies(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "forecast"\nversion = "1.0"\ndependencies = ["numpy>=1.26"]\n\n'
        '[dependency-groups]\ndev = ["scikit-learn>=1.5", "pytest>=8"]\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "forecast/__init__.py": "",
        "forecast/core.py": "import numpy as np\n",
        "experiments/arima/src/run.py": "from sklearn.metrics import mean_absolute_error\n",
        "scripts/evaluate.py": "from sklearn.metrics import r2_score\n",
        "scripts/boost.py": "import xgboost\n",
    }
    # scripts run in the dev environment; a tool no group declares is still reported
    assert places(repo(tmp_path, files), "PKG112") == ["scripts/boost.py:1"]


def test_generated_keys_are_errors_and_chosen_passwords_warnings(tmp_path: Path) -> None:
    settings = (
        "webserver:\n"
        "  secret_key: LMc2x9KpQ7vT3mZrW8sA1bYdE5\n"  # pragma: allowlist secret
        "  api_token: 2b8d6c1f0e9a7b3c4d5e6f708192a3b4c5d6e7f8\n"  # pragma: allowlist secret
        "database:\n  password: razorpay_nano_release\n"
    )
    root = repo(tmp_path, {"config/airflow.yaml": settings, "app.py": "x = 1\n"})
    issues = {(i.rule, i.severity, i.line) for i in audit(root).issues if i.rule.startswith("SEC")}
    assert issues == {("SEC103", "error", 2), ("SEC103", "error", 3), ("SEC106", "warning", 5)}
