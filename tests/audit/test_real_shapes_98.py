"""Shapes met on a ninety-eighth and ninety-ninth set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

import datetime
import fractions
import pickle
from pathlib import Path

from audit.support import TRAINING_PROJECT as BASE
from audit.support import places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView


def test_a_hydra_config_path_that_resolves_to_the_root(tmp_path: Path) -> None:
    entry = (
        "import hydra\nfrom sklearn.linear_model import Ridge\n\n\n"
        '@hydra.main(version_base=None, config_path="../../", config_name="config")\n'
        "def main(cfg):\n    Ridge().fit([[0]], [0])\n"
    )
    files = {
        **BASE,
        "requirements.txt": "hydra-core==1.3.2\nscikit-learn==1.6.1\n",
        "src/dl/train.py": entry,
        "config.yaml": "train:\n  epochs: 3\n",
    }
    root = repo(tmp_path, files, "root")
    assert profile_of(RepoView(root)).hydra_config_dir == "."
    assert places(root, "LAY105") == []
    missing = {k: v for k, v in files.items() if k != "config.yaml"}
    assert places(repo(tmp_path, missing, "missing"), "LAY105") == ["."]


def test_a_nested_folder_of_hyperparameter_files(tmp_path: Path) -> None:
    space = '{"long": {"num_leaves": ["int", 2, 1024, 1]}}'
    files = {
        **BASE,
        "src/_settings/optimization_hyperparameters/lightgbm.json": space,
        "src/_settings/optimization_hyperparameters/elasticnet.json": space,
    }
    assert places(repo(tmp_path, files, "spaces"), "LAY105") == []
    assert places(repo(tmp_path, BASE, "none"), "LAY105") == ["."]


def test_an_optuna_study_kept_in_a_database(tmp_path: Path) -> None:
    study = (
        "import optuna\n\n\n"
        "def run(objective):\n"
        "    study = optuna.create_study(\n"
        "        direction='maximize', storage='sqlite:///study.db', study_name='lgbm'\n"
        "    )\n"
        "    study.optimize(objective, n_trials=50)\n"
    )
    files = {**BASE, "requirements.txt": "optuna==4.2.0\nscikit-learn==1.6.1\n", "study.py": study}
    assert places(repo(tmp_path, files, "stored"), "TRK107") == []
    memory = study.replace(", storage='sqlite:///study.db'", "")
    assert places(repo(tmp_path, {**files, "study.py": memory}, "memory"), "TRK107") == ["."]


def test_a_folder_pip_installed_into_is_third_party_code(tmp_path: Path) -> None:
    docstring = '"""Example: MultiHostUrl(\'https://foo.com:123,foo:barbazqux@bar.com/path\')"""\n'
    files = {
        **BASE,
        "serving/lambda/package/pydantic/networks.py": docstring,
        "serving/lambda/package/pydantic-2.12.5.dist-info/METADATA": "Name: pydantic\n",
    }
    assert places(repo(tmp_path, files, "installed"), "SEC102") == []
    own = {k: v for k, v in files.items() if "dist-info" not in k}
    found = places(repo(tmp_path, own, "own"), "SEC102")
    assert found == ["serving/lambda/package/pydantic/networks.py:1"]


def test_a_pickle_of_tables_and_dates_is_data(tmp_path: Path) -> None:
    day = datetime.date(2024, 1, 1)
    windows = {
        f"window_{i}": [day + datetime.timedelta(days=j) for j in range(30)] for i in range(8)
    }
    files = {**BASE, "multi_predictions_data.pkl": pickle.dumps(windows)}
    assert places(repo(tmp_path, files, "dates"), "DAT103") == []
    fitted = pickle.dumps({"coef": [fractions.Fraction(i, 7) for i in range(300)]})
    model = {**BASE, "multi_predictions_data.pkl": fitted}
    assert places(repo(tmp_path, model, "model"), "DAT103") == ["multi_predictions_data.pkl"]


def test_a_conda_environment_for_development(tmp_path: Path) -> None:
    dev = "name: sim-dev\ndependencies:\n  - black=24.8.0\n  - pytest=7.4.4\n"
    files = {
        **BASE,
        "setup.py": "from setuptools import setup\nsetup(name='sim', install_requires=['numpy'])\n",
        "sim/__init__.py": "",
        "tests/test_sim.py": "def test_x():\n    assert True\n",
        "conda-environment-dev.yml": dev,
    }
    assert places(repo(tmp_path, files, "conda-dev"), "PKG106") == []
    bare = {k: v for k, v in files.items() if k != "conda-environment-dev.yml"}
    assert places(repo(tmp_path, bare, "bare"), "PKG106") == ["setup.py"]


def test_ci_that_only_prints_how_to_run_the_tests(tmp_path: Path) -> None:
    workflow = (
        "on: [push]\njobs:\n"
        "  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: ruff check src tests\n"
        "      - run: bandit -c pyproject.toml -r src\n"
        "  test-info:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: |\n"
        '          echo "Unit tests need Java 17 and PySpark."\n'
        '          echo "Run locally: make test-unit"\n'
    )
    pyproject = (
        '[project]\nname = "fs"\nversion = "0.1"\ndependencies = ["scikit-learn==1.6.1"]\n\n'
        '[project.optional-dependencies]\ndev = ["pytest>=8.0.0", "ruff>=0.4.0"]\n'
    )
    files = {
        **BASE,
        "pyproject.toml": pyproject,
        "Makefile": "test-unit:\n\tpytest tests/unit\n",
        "tests/test_features.py": "def test_x():\n    assert True\n",
        ".github/workflows/ci.yml": workflow,
    }
    assert places(repo(tmp_path, files, "printed"), "QUA107") == [".github/workflows/ci.yml"]
    ran = workflow.replace(
        '          echo "Run locally: make test-unit"\n', "          make test-unit\n"
    )
    assert places(repo(tmp_path, {**files, ".github/workflows/ci.yml": ran}, "ran"), "QUA107") == []
