"""Shapes met on an eighth set of public repositories the audit had never seen.

A company-style project, Hydra + Lightning research code, a DVC + MLflow project, FastAPI
model services, a Kaggle solution, a library with tox, a cookiecutter-data-science project,
a collection of notebooks, a Poetry MLOps project and a Snakemake forecasting project. Each
test reproduces, with files written here, a shape where the audit reported a false problem,
and keeps the real problem next to it reported.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, fired, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.secrets import is_placeholder

FIT = "model.fit(X, y)\n"


def test_the_gpu_build_of_tensorflow_declares_tensorflow(tmp_path: Path) -> None:
    code = "import tensorflow as tf\nimport xgboost\n" + FIT
    solution = repo(
        tmp_path,
        {"requirements.txt": "tensorflow-gpu==1.14.0\n", "train/input_fn.py": code},
    )
    assert places(solution, "PKG112") == ["train/input_fn.py:2"]  # xgboost stays reported


def test_placeholder_words_and_omegaconf_mandatory_values_are_not_credentials(
    tmp_path: Path,
) -> None:
    for value in ("???", "set_as_secret", "put-your-api-key-here", "fake value"):
        assert is_placeholder(value), value
    for value in ("s3cr3t-Pa55", "mysecretpassword", "hunter2", "correct_horse_battery"):
        assert not is_placeholder(value), value
    service = repo(
        tmp_path,
        {
            "requirements.txt": "fastapi==0.115.0\n",
            "app/config/parameters.yml": (
                "database:\n  username: root\n  password: set_as_secret\n"
                "cache:\n  password: Tr0ub4dor-and-3\n"
            ),
            "configs/logger/comet.yaml": "comet:\n  api_key: ???\n  project_name: demo\n",
        },
    )
    assert places(service, "SEC106") == ["app/config/parameters.yml:5"]
    assert places(service, "CFG105") == []


def test_a_notebook_collection_with_a_helper_package_is_a_notebook_layout(
    tmp_path: Path,
) -> None:
    cell = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    files: dict[str, str | bytes] = {
        f"notebooks/{topic}/Lesson{n}.ipynb": cell
        for topic in ("numpy", "keras", "spark")
        for n in range(3)
    }
    files |= {
        "scripts/__init__.py": "",
        "scripts/hello.py": "print('hello')\n",
        "data/prices.csv": "day,close\n" + "2020-01-01,1.0\n" * 3000,
    }
    collection = repo(tmp_path, files, "collection")
    assert profile_of(RepoView(collection)).layout == "notebooks"
    assert not {"LAY104", "DAT102"} & fired(collection)
    # A project whose package outweighs its notebooks keeps its package layout.
    files |= {f"scripts/step{n}.py": FIT for n in range(3)}
    project = repo(tmp_path, files, "project")
    assert profile_of(RepoView(project)).layout == "flat"
    assert {"LAY104", "DAT102"} <= fired(project)


def test_a_poetry_group_named_for_development_is_a_dev_group(tmp_path: Path) -> None:
    base = '[tool.poetry]\nname = "course"\nversion = "0.1.0"\npackages = [{include = "utils"}]\n'
    group = '\n[tool.poetry.group.dev-dependencies.dependencies]\nblack = "^23.11.0"\n'
    files = {"utils/__init__.py": "", "train.py": FIT}
    named = repo(tmp_path, {"pyproject.toml": base + group, **files}, "named")
    assert "PKG106" not in fired(named)
    docs_only = group.replace("dev-dependencies", "docs")
    other = repo(tmp_path, {"pyproject.toml": base + docs_only, **files}, "other")
    assert "PKG106" in fired(other)


def test_catalyst_runners_log_every_run_to_tensorboard(tmp_path: Path) -> None:
    code = (
        "from catalyst.dl import SupervisedRunner\n\n"
        "runner = SupervisedRunner()\nrunner.train(model=model, logdir='runs/exp1')\n"
    )
    logged = repo(tmp_path, {"requirements.txt": "catalyst==20.5.1\n", "train.py": code})
    assert "catalyst" in profile_of(RepoView(logged)).trackers
    assert "TRK107" not in fired(logged)


def test_a_config_folder_inside_the_application_package_holds_settings(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Wine service\n\n`pip install -r requirements.txt`\n",
        ".gitignore": "__pycache__/\n",
        "requirements.txt": "fastapi==0.115.0\npandas==2.2.3\nscikit-learn==1.5.2\n",
        "app/__init__.py": "",
        "app/services/predict.py": "import joblib\nmodel = joblib.load('model.pkl')\n",
        "model_setup.py": "import sklearn\n\ndf = pd.read_csv('wine.csv')\n" + FIT,
    }
    bare = repo(tmp_path, files, "bare")
    assert "LAY105" in fired(bare)
    files |= {"app/config/__init__.py": "", "app/config/parameters.yml": "threshold: 0.5\n"}
    kept = repo(tmp_path, files, "kept")
    assert "LAY105" not in fired(kept)
    # Provisioning files of a monitoring stack are not the project's settings.
    files.pop("app/config/__init__.py")
    files.pop("app/config/parameters.yml")
    files["monitoring/config/grafana_datasources.yaml"] = "apiVersion: 1\n"
    grafana = repo(tmp_path, files, "grafana")
    assert "LAY105" in fired(grafana)


def test_docker_build_conda_create_and_how_to_run_explain_setup(tmp_path: Path) -> None:
    code = {"requirements.txt": "scikit-learn==1.5.2\n", "src/train.py": FIT}
    for readme in (
        "# Wine model\n\n### How to Run Application\n```\nkubectl apply -f deploy.yaml\n```\n",
        "# Forecasts\n\n## Установка\n- `conda create -f environment.yml`\n",
        "# Service\n\nRun `docker build -t wine .` then `docker run wine`.\n",
    ):
        explained = repo(tmp_path, {"README.md": readme, **code}, f"r{len(readme)}")
        assert "DOC101" not in fired(explained), readme
    silent = repo(tmp_path, {"README.md": "# Forecasts\n\nStock prices.\n", **code}, "silent")
    assert "DOC101" in fired(silent)


def test_a_toy_model_of_a_demo_trained_on_bundled_data_is_not_reported(tmp_path: Path) -> None:
    setup = "from sklearn import datasets\n\nX, y = datasets.load_wine(return_X_y=True)\n" + FIT
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "model_setup.py": setup,
        "app/artifacts/model.pkl": b"\x80\x04" + b"\x00" * 1400,
    }
    demo = repo(tmp_path, files, "demo")
    assert "DAT103" not in fired(demo)
    files["model_setup.py"] = "import pandas as pd\n\nX = pd.read_csv('sales.csv')\n" + FIT
    project = repo(tmp_path, files, "project")
    assert places(project, "DAT103") == ["app/artifacts/model.pkl"]


def test_data_fetched_by_a_workflow_or_a_w_and_b_artifact_is_versioned(tmp_path: Path) -> None:
    train = "import sklearn\n\nX = pd.read_csv('data/prices.csv')\n" + FIT
    plain = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "src/__init__.py": "",
        "src/train.py": train,
    }
    unversioned = repo(tmp_path, {**plain, "data/.gitignore": "*\n"}, "unversioned")
    assert {"DVC115", "LAY106"} <= fired(unversioned)
    snakemake = {
        **plain,
        "data/.gitignore": "*\n",
        "workflow/Snakefile": "include: 'rules/download.smk'\n",
        "workflow/rules/download.smk": "rule download:\n    output: 'data/prices.csv'\n",
    }
    workflow = repo(tmp_path, snakemake, "workflow")
    assert "snakemake" in profile_of(RepoView(workflow)).orchestrators
    assert not {"DVC115", "LAY106"} & fired(workflow)
    loader = (
        "import wandb\n\n\ndef fetch(run, uri):\n"
        "    artifact = run.use_artifact(uri, type='raw_data')\n"
        "    return artifact.download(root='data')\n"
    )
    artifacts = repo(tmp_path, {**plain, "src/datamodule.py": loader}, "artifacts")
    assert "DVC115" not in fired(artifacts)
    # Checkpoints logged as artifacts do not version the datasets.
    logger = "import wandb\n\nckpt = wandb.Artifact('ckpts', type='checkpoints')\n"
    checkpoints = repo(tmp_path, {**plain, "src/callbacks.py": logger}, "checkpoints")
    assert "DVC115" in fired(checkpoints)


def test_a_cookiecutter_data_science_v2_project_is_a_project(tmp_path: Path) -> None:
    flit = (
        '[build-system]\nrequires = ["flit_core >=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n'
    )
    pyproject = flit + '\n[project]\nname = "wine_quality"\nversion = "0.0.1"\n'
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject + 'dependencies = ["pandas>=2", "scikit-learn>=1.5"]\n',
        "wine_quality/__init__.py": "",
        "wine_quality/config.py": "SEED = 0\n",
        "wine_quality/modeling/__init__.py": "",
        "wine_quality/modeling/train.py": "import sklearn\n" + FIT,
        "models/.gitkeep": "",
        "notebooks/1.0-eda.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4}\n',
    }
    assert profile_of(RepoView(repo(tmp_path, files, "ccds"))).kind == "project"
    # The module may be named `src` (`name = "src"`): a code folder, not a library.
    renamed = {k.replace("wine_quality/", "src/"): v for k, v in files.items()}
    renamed["pyproject.toml"] = pyproject.replace("wine_quality", "src")
    renamed.pop("src/modeling/train.py")
    assert profile_of(RepoView(repo(tmp_path, renamed, "src"))).kind == "project"
    # A library that ships a training helper but keeps no models/ folder stays a library.
    files.pop("models/.gitkeep")
    assert profile_of(RepoView(repo(tmp_path, files, "library"))).kind == "library"


def test_unbounded_dependencies_are_one_finding_and_a_lock_pins_them(tmp_path: Path) -> None:
    deps = '"ipython",\n  "pandas",\n  "scikit-learn",\n  "torch>=2.1",\n'
    pyproject = f'[project]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n  {deps}]\n'
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "train.py": "import sklearn\n" + FIT,
        "data/sales.csv": "a,b\n1,2\n",
    }
    unlocked = repo(tmp_path, files, "unlocked")
    found = [i for i in audit(unlocked).issues if i.rule == "PKG108"]
    assert [(str(i.path), i.line) for i in found] == [("pyproject.toml", 5)]
    assert "3 dependencies" in found[0].message and "scikit-learn" in found[0].message
    locked = repo(tmp_path, {**files, "uv.lock": "version = 1\n"}, "locked")
    assert "PKG108" not in fired(locked)


def test_a_dataset_keeps_the_encoding_of_its_source(tmp_path: Path) -> None:
    latin1 = "1 Toy Story (1995)\n2 Café Society (2016)\n".encode("latin-1")
    config = "titles:\n  - Café Society\n".encode("latin-1")
    files: dict[str, str | bytes] = {"data/movie_ids.txt": latin1, "conf/movies.yaml": config}
    root = repo(tmp_path, files)
    assert places(root, "LAY112") == ["conf/movies.yaml"]
