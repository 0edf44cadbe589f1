"""Shapes met on a ninth set of public repositories the audit had never seen.

A DVC + MLflow + Hydra project with a conda environment file of its own name, projects
whose runtime code imports a package declared only for development, a committed DVC stage
output, and Hydra code loading its config from one machine's absolute path. Each test
reproduces the shape with files written here: a false problem gone, the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, git, repo, write

FIT = "model.fit(X, y)\n"


def found(root: Path, rule: str) -> list[tuple[str, str]]:
    """(`path` or `path:line`, message) of each finding of `rule`."""
    return [
        (f"{i.path}:{i.line}" if i.line else str(i.path), i.message)
        for i in audit(root).issues
        if i.rule == rule
    ]


def test_a_conda_environment_file_of_any_name_declares_its_packages(tmp_path: Path) -> None:
    code = "import hydra\nimport mlflow\nimport sklearn\nimport xgboost\n" + FIT
    setup = 'from setuptools import setup\nsetup(name="p", packages=["pipeline"])\n'
    env = "channels:\n  - conda-forge\ndependencies:\n  - hydra-core\n  - mlflow\n"
    env += "  - scikit-learn=1.5.2\n  - pip:\n      - optuna==4.0.0\n"
    project = repo(
        tmp_path,
        {"setup.py": setup, "env.yaml": env, "pipeline/__init__.py": "", "pipeline/fit.py": code},
    )
    # xgboost is declared nowhere: still reported, the three the env file declares are not
    assert [place for place, _ in found(project, "PKG105")] == ["pipeline/fit.py:4"]
    # the file is a conda environment like environment.yml: unpinned entries are named
    assert [place for place, _ in found(project, "PKG110")] == ["env.yaml:4"]
    # a YAML file without channels/dependencies is not taken for one
    other = repo(
        tmp_path,
        {
            "setup.py": setup,
            "compose.yaml": "services:\n  db:\n    image: postgres\n",
            "pipeline/__init__.py": "",
            "pipeline/fit.py": "import mlflow\n" + FIT,
        },
        "other",
    )
    assert [place for place, _ in found(other, "PKG105")] == ["pipeline/fit.py:1"]


def test_a_script_may_import_what_the_dev_group_declares(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["pandas>=2.2,<3"]\n\n'
        '[dependency-groups]\ndev = ["mlflow>=3.5,<4", "pytest>=8,<9"]\n'
    )
    train = "import mlflow\nimport pandas\nimport xgboost\n" + FIT
    project = repo(
        tmp_path,
        {
            "pyproject.toml": pyproject,
            "uv.lock": "version = 1\n",
            "train.py": train,
            "tests/test_train.py": "import mlflow\n\ndef test_x():\n    assert mlflow\n",
            "exercises/week_2/solution.py": "import mlflow\n",
        },
    )
    findings = found(project, "PKG112")
    # scripts run in the dev environment, which has mlflow; xgboost is declared nowhere
    assert [place for place, _ in findings] == ["train.py:3"]
    assert "no dependency declares xgboost" in findings[0][1]


def test_a_package_only_in_requirements_dev_is_a_dev_dependency(tmp_path: Path) -> None:
    code = "import mlflow\nimport sklearn\n" + FIT
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "model"\nversion = "0.1.0"\n'
        'dependencies = ["scikit-learn==1.5.2"]\n',
        "requirements-dev.txt": "mlflow==3.5.0\npytest==8.3.3\n",
        "src/model/__init__.py": "",
        "src/model/train.py": code,
    }
    # a module of the package the manifest builds: an install of the package lacks mlflow
    findings = found(repo(tmp_path, files), "PKG105")
    assert [place for place, _ in findings] == ["src/model/train.py:1"]
    assert "declared only as a dev dependency" in findings[0][1]


def test_a_committed_dvc_stage_output_is_one_finding(tmp_path: Path) -> None:
    stage = (
        "stages:\n  prepare:\n    cmd: python prepare.py\n    deps:\n      - prepare.py\n"
        "    outs:\n      - data/prepared/train.csv\n"
    )
    rows = "id,value\n" + "".join(f"{n},{n * 0.5}\n" for n in range(3000))
    project = repo(
        tmp_path,
        {
            "requirements.txt": "pandas==2.2.3\ndvc==3.55.0\n",
            "dvc.yaml": stage,
            "prepare.py": "import pandas\n",
            "train.py": "import pandas\n" + FIT,
            "data/prepared/train.csv": rows,
            "data/raw/sales.csv": rows,
        },
    )
    assert [place for place, _ in found(project, "DVC106")] == ["dvc.yaml:7"]
    # the stage output is DVC106's; the raw file no stage makes is still DAT102's
    dat102 = found(project, "DAT102")
    assert [place for place, _ in dat102] == ["data/raw/sales.csv"]


def test_hydra_main_with_an_absolute_config_path_is_reported(tmp_path: Path) -> None:
    script = (
        "import hydra\n\n\n"
        '@hydra.main(version_base=None, config_path="/media/alice/exp/conf", '
        'config_name="train")\n'
        "def main(cfg):\n    " + FIT
    )
    relative = script.replace("/media/alice/exp/conf", "../conf")
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\nscikit-learn==1.5.2\n",
        "scripts/train.py": script,
        "scripts/evaluate.py": relative.replace("train", "evaluate"),
        "conf/train.yaml": "lr: 0.1\n",
        "conf/evaluate.yaml": "split: test\n",
    }
    project = repo(tmp_path, files)
    findings = found(project, "CFG104")
    assert [place for place, _ in findings] == ["scripts/train.py:4"]
    assert "/media/alice/exp/conf" in findings[0][1]
    # without a config folder in the repository at all, the absolute path is still found
    alone = repo(
        tmp_path,
        {"requirements.txt": "hydra-core==1.3.2\n", "train.py": script},
        "alone",
    )
    assert [place for place, _ in found(alone, "CFG104")] == ["train.py:4"]


def test_dvc_hydra_integration_matters_only_where_dvc_tracks_params(tmp_path: Path) -> None:
    script = 'import hydra\n\n\n@hydra.main(config_path="../configs", config_name="config")\n'
    script += "def main(cfg):\n    " + FIT
    stage = (
        "stages:\n  train:\n    cmd: python scripts/train.py model=ridge\n    deps:\n"
        "      - scripts/train.py\n      - configs/config.yaml\n    outs:\n      - model.pkl\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\ndvc==3.55.0\nscikit-learn==1.5.2\n",
        "scripts/train.py": script,
        "configs/config.yaml": "lr: 0.1\n",
        "dvc.yaml": stage,
        ".dvc/config": "[core]\n    remote = storage\n",
        ".gitignore": "/model.pkl\n",
    }
    # the config files are deps and the overrides are in cmd: nothing for DVC to recompose
    assert found(repo(tmp_path, files), "CFG106") == []
    # a stage that tracks parameters from params.yaml drifts from configs/ without it
    files["dvc.yaml"] = stage + "    params:\n      - lr\n"
    files["params.yaml"] = "lr: 0.1\n"
    assert [p for p, _ in found(repo(tmp_path, files, "params"), "CFG106")] == [".dvc/config"]


def test_a_config_folder_beside_an_application_folders_scripts_is_config(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "eeg/run_pipeline.py": (
            'import sklearn\nimport yaml\nCONFIG = "configs/window_model.yaml"\n' + FIT
        ),
        "eeg/configs/window_model.yaml": "model:\n  depth: 3\n",
    }
    assert found(repo(tmp_path, files), "LAY105") == []
    # a config folder the scripts beside it never load (a dashboard's provisioning files)
    files["eeg/run_pipeline.py"] = "import sklearn\nLR = 0.1\n" + FIT
    assert [p for p, _ in found(repo(tmp_path, files, "unread"), "LAY105")] == ["."]


def test_runs_committed_under_an_ignored_mlruns_folder_are_reported(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\nscikit-learn==1.5.2\n",
        "train.py": 'import mlflow\nmlflow.set_tracking_uri("file:./mlruns")\n' + FIT,
        ".gitignore": "mlruns/\nmlflow.db\n",
        "mlruns/0/meta.yaml": "name: Default\n",
    }
    project = repo(tmp_path, files)
    git(project, "add", "-f", "mlruns")
    git(project, "commit", "-q", "-m", "experiment metadata")
    # the Default experiment's meta.yaml alone holds no run: nothing to report
    assert found(project, "TRK104") == []
    write(project, "mlruns/1/4f2a/metrics/r2", "1700000000 0.81 0\n")
    git(project, "add", "-f", "mlruns")
    git(project, "commit", "-q", "-m", "a run")
    assert found(project, "TRK104") == [("mlruns/1/4f2a/metrics/r2", "mlruns is committed to git")]
