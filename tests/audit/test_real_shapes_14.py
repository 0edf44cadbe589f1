"""Shapes met on a fourteenth set of public repositories the audit had never seen.

An Azure ML project with Azure DevOps pipelines in `.pipelines/` and a conda file beside
its code, pip-compile lock files named `requirements-*.lock`, an `mlruns/` kept by a
`.gitkeep` alone, and a README that sends its reader to a setup document. Each test
reproduces the shape with files written here: a false problem gone, the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "import pandas as pd\nfrom sklearn.linear_model import Ridge\nRidge().fit(X, y)\n"


def test_an_azure_ml_project_with_its_pipelines_and_conda_file(tmp_path: Path) -> None:
    pipeline = "trigger:\n  branches:\n    include: [main]\npool:\n  vmImage: ubuntu-latest\n"
    pipeline += "steps:\n  - script: pytest tests\n"
    conda = "name: train\ndependencies:\n  - python=3.10\n  - scikit-learn=1.5.2\n"
    training = "from azureml.core import Run\n\nrun = Run.get_context()\n" + TRAIN
    training += "run.log('mse', 0.1)\n"
    files: dict[str, str | bytes] = {
        "diabetes/training/train.py": training,
        "diabetes/conda_dependencies.yml": conda,
        ".pipelines/ci.yml": pipeline,
        "tests/test_train.py": "def test_x():\n    assert True\n",
    }
    found = fired(repo(tmp_path, files, "azure"))
    # a conda file beside the code declares the environment; Azure DevOps runs CI;
    # Azure ML records the runs
    assert not {"PKG101", "QUA110", "TRK107"} & found
    bare = {k: v for k, v in files.items() if not k.startswith((".pipelines", "diabetes/conda"))}
    assert {"PKG101", "QUA110"} <= fired(repo(tmp_path, bare, "bare"))


def test_requirements_lock_files_are_locks(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "fraud"\nversion = "0.1"\ndependencies = ["xgboost>=2"]\n'
    files: dict[str, str | bytes] = {
        "ml/pyproject.toml": pyproject,
        "ml/src/fraud/__init__.py": "",
        "ml/src/fraud/train.py": "import xgboost\nxgboost.train({}, None)\n",
        "requirements.txt": "xgboost>=2\n",
    }
    assert "PKG107" in fired(repo(tmp_path, files, "unlocked"))
    locked = {**files, "ml/requirements-runtime.lock": "xgboost==2.1.1\n"}
    assert "PKG107" not in fired(repo(tmp_path, locked, "locked"))


def test_an_mlruns_folder_kept_by_a_placeholder_holds_no_run(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\n",
        "train.py": "import mlflow\n\nmlflow.set_experiment('recs')\n" + TRAIN,
        ".gitignore": "mlruns/*\n!mlruns/.gitkeep\nmlflow.db\n",
        "mlruns/.gitkeep": "",
    }
    assert places(repo(tmp_path, files, "kept"), "TRK104") == []
    run = {**files, "mlruns/1/abc/metrics/mse": "1 0.1 0\n", ".gitignore": "mlflow.db\n"}
    assert places(repo(tmp_path, run, "run"), "TRK104") != []


def test_a_readme_that_links_its_setup_document(tmp_path: Path) -> None:
    readme = "# Fraud\n\nSee [local development](docs/deployment/LOCAL_DEVELOPMENT.md).\n"
    setup = "# Local development\n\n```\npip install -e ml\n```\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "README.md": readme,
    }
    assert "DOC101" in fired(repo(tmp_path, files, "unlinked"))
    linked = {**files, "docs/deployment/LOCAL_DEVELOPMENT.md": setup}
    assert "DOC101" not in fired(repo(tmp_path, linked, "linked"))


def test_a_sub_project_keeps_its_settings_in_its_config_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "ml/pyproject.toml": '[project]\nname = "fraud"\nversion = "0.1"\n',
        "ml/src/fraud/__init__.py": "",
        "ml/src/fraud/train.py": TRAIN,
        "ml/configs/transaction_core_default.json": '{"max_depth": 6}\n',
    }
    assert "LAY105" not in fired(repo(tmp_path, files, "sub"))
    # the same folder without a manifest beside it is not a sub-project's config
    loose = {k: v for k, v in files.items() if k != "ml/pyproject.toml"}
    loose["requirements.txt"] = "scikit-learn==1.5.2\n"
    assert "LAY105" in fired(repo(tmp_path, loose, "loose"))
