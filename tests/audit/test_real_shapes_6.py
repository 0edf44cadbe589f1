"""Shapes met on a sixth set of public repositories the audit had never seen.

Course and workshop repositories, ML project templates (cookiecutter and copier), a DVC
tutorial, an MLflow examples collection, packaged ML libraries and uv projects. Each test
reproduces, with files written here, a shape where the audit reported a false problem,
and keeps the real problem next to it reported.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, commit_all, fired, git, places, repo

TRAIN = "from sklearn.linear_model import LogisticRegression\n"
LIBRARY = '[project]\nname = "shapes"\nversion = "1.0"\ndependencies = ["numpy>=1.26"]\n'


def test_a_sub_project_declares_its_own_dependencies_at_any_depth(tmp_path: Path) -> None:
    member = "sessions/unit-3/sample-project"
    root = repo(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "course"\nversion = "0"\ndependencies = []\n',
            f"{member}/pyproject.toml": (
                '[project]\nname = "sample"\nversion = "0"\n'
                'dependencies = ["mlflow>=2.20", "torch>=2.6"]\n'
            ),
            f"{member}/src/sample/main.py": "import mlflow\nimport torch\n",
            "sessions/unit-4/scripts/serialize.py": "import pandas\n",
        },
    )
    assert places(root, "PKG112") == ["sessions/unit-4/scripts/serialize.py:1"]


def test_databricks_notebook_sources_run_on_the_managed_runtime(tmp_path: Path) -> None:
    notebook = (
        "# Databricks notebook source\n# MAGIC %md # Train\n\nimport mlflow\nimport sklearn\n"
    )
    root = repo(
        tmp_path,
        {
            "requirements.txt": "requests==2.32.3\n",
            "databricks/notebooks/train.py": notebook,
            "databricks/driver/run_job.py": "import requests\nimport mlflow\n",
        },
    )
    assert places(root, "PKG112") == ["databricks/driver/run_job.py:2"]


def test_a_library_imports_optional_integrations_inside_functions(tmp_path: Path) -> None:
    callbacks = (
        "class MlflowLogger:\n    def initialize(self):\n        import mlflow\n"
        "        self.run = mlflow.active_run()\n"
    )
    root = repo(
        tmp_path,
        {
            "pyproject.toml": LIBRARY,
            "shapes/__init__.py": "",
            "shapes/callbacks.py": callbacks,
            "shapes/core.py": "import pandas as pd\n",
        },
    )
    assert places(root, "PKG105") == ["shapes/core.py:1"]


def test_a_template_manifest_declares_the_template_code(tmp_path: Path) -> None:
    rendered = (
        '[tool.poetry]\nname = "{{ package }}"\n\n[tool.poetry.dependencies]\n'
        'python = "{{ python }}"\npandas = "*"\n'
    )
    root = repo(
        tmp_path,
        {
            "copier.yml": "_subdirectory: template\npackage:\n  type: str\n",
            "pyproject.toml": '[tool.poetry]\nname = "tpl"\n\n[tool.poetry.dependencies]\n'
            'python = "^3.11"\n',
            "template/pyproject.toml.jinja": rendered,
            "template/src/core/frame.py": "import pandas as pd\n",
            "template/src/core/metrics.py": "import pandas as pd\nfrom sklearn import metrics\n",
        },
    )
    assert places(root, "PKG112") == ["template/src/core/metrics.py:2"]


def test_env_templates_hold_placeholders_but_a_real_config_is_read(tmp_path: Path) -> None:
    env_template = (
        "# copy to .env\nMYSQL_ROOT_PASSWORD=kq3vrt\nAWS_ACCESS_KEY_ID=my_access_key_id\n"
        "AWS_SECRET_ACCESS_KEY=my_secret_access_key\n"
    )
    root = repo(
        tmp_path,
        {
            "docker/server/.env-local-template": env_template,
            "docker/server/.env-s3.sample": env_template,
            "orchestration/airflow.cfg": "[api]\nsecret_key = Qm9vdHN0cmFwS2V5MjAyNg==\n",
            ".gitignore": ".env\n",
            "x.py": "",
        },
    )
    assert places(root, "SEC103") == ["orchestration/airflow.cfg:2"]


def test_course_labs_show_outputs_and_load_toy_models(tmp_path: Path) -> None:
    kept = '{"cells": [{"cell_type": "code", "execution_count": 3, "outputs": [], "source": []}]}'
    root = repo(
        tmp_path,
        {
            "train.py": TRAIN,
            "shop/__init__.py": "",
            "shop/features.py": "import pandas as pd\n",
            "requirements.txt": "scikit-learn==1.5.2\npandas==2.2.3\n",
            "Labs/API_Lab/model/model.pkl": b"\x80\x04" + b"\0" * 2000,
            "Labs/Beam_Lab/try_beam.ipynb": kept,
            "Labs/TFDV_Lab/.virtual_documents/lab.ipynb": "\n\nimport pandas as pd\n",
            "models/model.pkl": b"\x80\x04" + b"\0" * 2000,
            "analysis/explore.ipynb": kept,
        },
    )
    assert places(root, "DAT103") == ["models/model.pkl"]
    assert places(root, "DAT104") == ["analysis/explore.ipynb"]
    # The scratch copy jupyterlab-lsp wrote is a generated file, one finding.
    assert places(root, "LAY113") == ["Labs/TFDV_Lab/.virtual_documents/lab.ipynb"]


def test_parquet_files_named_pq_are_datasets(tmp_path: Path) -> None:
    big = b"PAR1" + b"\0" * 1_100_000
    root = repo(
        tmp_path,
        {
            "pyproject.toml": LIBRARY,
            "shapes/__init__.py": "",
            "shapes/datasets/data/reference.pq": big,
            "assets/weights.bin": big,
        },
    )
    # A library ships datasets for its users (`load_*()`); other large files are news.
    assert places(root, "DAT101") == ["assets/weights.bin"]


def test_tests_named_tests_star_or_a_test_py_with_test_functions(tmp_path: Path) -> None:
    suite = "import pytest\n\n\ndef test_train():\n    assert True\n"
    with_tests = repo(
        tmp_path,
        {
            "train.py": TRAIN,
            "requirements.txt": "scikit-learn==1.5.2\n",
            "tests/tests_basic.py": suite,
        },
        name="suite",
    )
    assert "LAY104" not in fired(with_tests)
    evaluation = "import torch\n\nmodel = torch.load('best.pt')\nprint(model)\n"
    research = repo(
        tmp_path,
        {"train.py": TRAIN, "requirements.txt": "scikit-learn==1.5.2\n", "test.py": evaluation},
        name="research",
    )
    assert "LAY104" in fired(research)


def test_mlproject_parameters_of_sub_projects_are_configuration(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "examples_root.txt": "",
        "python/sklearn/train.py": TRAIN,
        "python/sklearn/conda.yaml": "dependencies:\n  - scikit-learn=1.5.2\n",
    }
    assert "LAY105" in fired(repo(tmp_path, files, name="bare"))
    files["python/sklearn/MLproject"] = (
        "name: wine\nentry_points:\n  main:\n    parameters:\n"
        "      alpha: {type: float, default: 0.5}\n    command: python train.py --alpha {alpha}\n"
    )
    assert "LAY105" not in fired(repo(tmp_path, files, name="mlproject"))


def test_an_interpolated_variable_is_not_a_literal_tracking_uri(tmp_path: Path) -> None:
    pipeline = (
        "import os\nimport mlflow\n\n\ndef run():\n"
        '    MLFLOW_TRACKING_URI = os.getenv("REMOTE_TRACKING_SERVER")\n'
        '    mlflow.set_tracking_uri(f"{MLFLOW_TRACKING_URI}")\n'
        '    mlflow.set_experiment("bikes")\n'
    )
    serve = 'import mlflow\n\nhost = "tracking"\nmlflow.set_tracking_uri(f"http://{host}:5000")\n'
    root = repo(
        tmp_path,
        {
            "requirements.txt": "mlflow==2.20.2\nscikit-learn==1.5.2\n",
            "train.py": TRAIN,
            "labs/pipeline.py": pipeline,
            "labs/serve.py": serve,
        },
    )
    assert places(root, "TRK103") == ["labs/serve.py:4"]


def test_a_setup_heading_may_start_with_other_words(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"train.py": TRAIN, "requirements.txt": "scikit-learn==1.5.2\n"}
    for name, readme in (
        ("automatic", "# Template\n\n## Automatic Install (recommended)\n\n    bash run.sh\n"),
        ("emoji", "# Project\n\n## 🚀 Setup\n\nRun the script.\n"),
        ("rst", "Project\n=======\n\nInstallation\n------------\n\nRun the script.\n"),
        ("prose", "# Lib\n\n## Run it\n\n- Install via `uv`, `pip`, or `conda` (see the docs).\n"),
    ):
        assert "DOC101" not in fired(repo(tmp_path, {**files, "README.md": readme}, name=name))
    bare = repo(tmp_path, {**files, "README.md": "# Project\n\nTrains a model.\n"}, name="bare")
    assert places(bare, "DOC101") == ["README.md"]


def test_committed_git_hook_scripts_are_managed_hooks(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "train.py": TRAIN,
        "requirements.txt": "scikit-learn==1.5.2\nflake8==7.1.1\n",
    }
    hook = "#!/bin/sh\nset -e\nflake8 .\n"
    assert "QUA112" not in fired(repo(tmp_path, {**files, "hooks/pre-commit": hook}, name="a"))
    assert "QUA112" not in fired(repo(tmp_path, {**files, ".githooks/pre-push": hook}, name="b"))
    cookiecutter_hooks = {**files, "hooks/pre_gen_project.py": "print('checking')\n"}
    assert "QUA112" in fired(repo(tmp_path, cookiecutter_hooks, name="c"))


def test_dvc_metrics_track_the_runs(tmp_path: Path) -> None:
    stage = (
        "stages:\n  train:\n    cmd: python train.py\n    deps: [train.py]\n"
        "    outs: [model.joblib]\n"
    )
    files: dict[str, str | bytes] = {
        "train.py": TRAIN,
        "requirements.txt": "scikit-learn==1.5.2\n",
        "dvc.yaml": stage,
    }
    assert "TRK107" in fired(repo(tmp_path, files, name="untracked"))
    files["dvc.yaml"] = (
        stage + "    metrics:\n      - reports/scores.json:\n          cache: false\n"
    )
    assert "TRK107" not in fired(repo(tmp_path, files, name="metrics"))


def test_a_template_repository_dev_environment_has_no_runtime(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "ds-template"\nversion = "1"\n'
        'dependencies = ["cookiecutter>=2.6", "pytest>=8", "ruff>=0.11"]\n'
    )
    files: dict[str, str | bytes] = {"pyproject.toml": pyproject, "tests/test_bake.py": ""}
    assert "PKG111" in fired(repo(tmp_path, files, name="project"))
    template = {**files, "cookiecutter.json": '{"name": "x"}\n', "{{ cookiecutter.name }}/x.py": ""}
    assert "PKG111" not in fired(repo(tmp_path, template, name="template"))


def test_generated_files_committed_are_one_finding(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "train.py": TRAIN,
        "requirements.txt": "scikit-learn==1.5.2\n",
        "src/__pycache__/train.cpython-39.pyc": b"\x61\x0d\x0d\x0a",
        "notebooks/.ipynb_checkpoints/eda-checkpoint.ipynb": '{"cells": []}',
        "notebooks/eda.ipynb": '{"cells": []}',
    }
    clean = repo(tmp_path, {**files, ".gitignore": "__pycache__/\n.ipynb_checkpoints/\n"}, "clean")
    assert "LAY113" not in fired(clean)
    root = repo(tmp_path, files)
    git(root, "add", "--force", "src", "notebooks")  # past any global excludes file
    commit_all(root)
    [issue] = [i for i in audit(root).issues if i.rule == "LAY113"]
    assert issue.path == "notebooks/.ipynb_checkpoints/eda-checkpoint.ipynb"
    assert issue.message.startswith("2 generated files are committed")


def test_tests_that_are_course_material_need_no_ci_run(tmp_path: Path) -> None:
    docs_only = (
        "on: push\njobs:\n  pages:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pip install mkdocs && mkdocs build\n"
    )
    files: dict[str, str | bytes] = {
        "train.py": TRAIN,
        "requirements.txt": "scikit-learn==1.5.2\n",
        ".github/workflows/docs.yml": docs_only,
        "labs/02_pipeline/test_process_dataset.py": "def test_rows():\n    assert True\n",
    }
    assert "QUA107" not in fired(repo(tmp_path, files, name="workshop"))
    files["tests/test_train.py"] = "def test_fit():\n    assert True\n"
    assert places(repo(tmp_path, files, name="project"), "QUA107") == [".github/workflows/docs.yml"]


def test_numbered_course_modules_ship_their_models_and_outputs(tmp_path: Path) -> None:
    kept = '{"cells": [{"cell_type": "code", "execution_count": 1, "outputs": [], "source": []}]}'
    model = b"\x7b" + b"\0" * 97_000  # a 97 KB booster a deployment exercise serves
    root = repo(
        tmp_path,
        {
            "train.py": TRAIN,
            "shop/__init__.py": "",
            "shop/features.py": "import pandas as pd\n",
            "requirements.txt": "scikit-learn==1.5.2\npandas==2.2.3\n",
            "01-Intro-ML/01_intro.ipynb": kept,
            "04-Deployment/web-service/model/model.ubj": model,
            "week-2/homework.ipynb": kept,
            "shop/artifacts/model.ubj": model,
            "analysis/explore.ipynb": kept,
        },
    )
    assert places(root, "DAT103") == ["shop/artifacts/model.ubj"]
    assert places(root, "DAT104") == ["analysis/explore.ipynb"]


def test_an_example_declares_its_tracking_server_in_its_own_settings(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Examples\n",
        ".gitignore": "*.tar.gz\n",
        "projects/job/steps/main.py": "import mlflow\n\nmlflow.set_experiment('job')\n",
        "projects/job/.gitignore": "mlruns/\n",
    }
    bare = repo(tmp_path, files, name="bare")
    assert "TRK101" in fired(bare)
    files["projects/job/anaconda-project.yml"] = (
        "name: job\nvariables:\n  MLFLOW_TRACKING_URI:\n    description: the team's server\n"
    )
    declared = repo(tmp_path, files, name="declared")
    assert not {"TRK101", "TRK104"} & fired(declared)


def test_a_uri_written_into_the_environment_is_still_hard_coded(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==2.20.2\nscikit-learn==1.5.2\n",
        "src/__init__.py": "",
        "src/train.py": (
            "import os\nimport mlflow\n\n"
            'os.environ["MLFLOW_TRACKING_URI"] = "https://dagshub.com/team/repo.mlflow"\n'
            'mlflow.set_experiment("rf")\n'
        ),
    }
    assert places(repo(tmp_path, files, name="written"), "TRK103") == ["src/train.py:4"]
    files["src/train.py"] = (
        "import os\nimport mlflow\n\n"
        'if not os.environ.get("MLFLOW_TRACKING_URI"):\n'
        '    mlflow.set_tracking_uri("sqlite:///mlflow.db")  # a fallback\n'
        'mlflow.set_experiment("rf")\n'
    )
    assert "TRK103" not in fired(repo(tmp_path, files, name="read"))


def test_a_lower_case_readme_is_the_readme(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"pyproject.toml": LIBRARY, "shapes/__init__.py": ""}
    assert "LAY101" in fired(repo(tmp_path, files, name="none"))
    files["readme.md"] = "# shapes\n\nA library.\n"
    lower = repo(tmp_path, files, name="lower")
    assert "LAY101" not in fired(lower)
    assert places(lower, "DOC101") == ["readme.md"]  # and it is read


def test_sub_projects_with_their_own_gitignore(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Course\n",
        "classifier/.gitignore": "models/\n",
        "classifier/src/train.py": TRAIN,
        "classifier/requirements.txt": "scikit-learn==1.5.2\n",
    }
    assert "LAY108" not in fired(repo(tmp_path, files, name="covered"))
    files["tools/fetch.py"] = "print('fetch')\n"
    assert "LAY108" in fired(repo(tmp_path, files, name="uncovered"))


def test_an_mlflow_project_declares_its_environment_and_gets_its_uri_from_mlflow_run(
    tmp_path: Path,
) -> None:
    mlproject = (
        "name: surgery\nconda_env: surgery_env.yaml\nentry_points:\n  predict:\n"
        "    command: python predict.py\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "requests==2.32.3\n",
        "surgery/MLproject": mlproject,
        "surgery/surgery_env.yaml": "dependencies:\n  - scikit-learn=0.24.2\n  - pip:\n"
        "    - mlflow==1.14.1\n",
        "surgery/predict.py": "import mlflow\nfrom sklearn.metrics import f1_score\n",
        "gan/train.py": "import torch\n",
    }
    root = repo(tmp_path, files)
    assert places(root, "PKG112") == ["gan/train.py:1"]
    assert "TRK101" not in fired(root)


def test_workspace_members_need_no_version_range(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "fraud"\nversion = "0.1"\n'
        'dependencies = ["fraud-ml", "data_connector", "fastapi"]\n\n'
        "[tool.uv.sources]\nfraud-ml = { workspace = true }\n"
        'data-connector = { path = "packages/data-connector" }\n'
    )
    root = repo(tmp_path, {"pyproject.toml": pyproject, "train.py": TRAIN})
    assert places(root, "PKG108") == ["pyproject.toml:4"]  # fastapi only
    [issue] = [i for i in audit(root).issues if i.rule == "PKG108"]
    assert "fastapi" in issue.message


def test_a_root_pyproject_that_only_configures_tools_builds_nothing(tmp_path: Path) -> None:
    tools = (
        "# only tool settings; each lib has its own pyproject\n[build-system]\n"
        'requires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n\n'
        '[tool.poetry]\n\n[tool.poetry.dev-dependencies]\npytest = "^7.2"\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": tools,
        "libs/datasets/pyproject.toml": '[project]\nname = "datasets"\nversion = "1"\n',
        "libs/datasets/src/datasets/__init__.py": "",
        "projects/eda/explore.ipynb": '{"cells": []}',
    }
    assert "PKG102" not in fired(repo(tmp_path, files, name="tools"))
    files["shapes/__init__.py"] = ""  # a package at the root: the backend would build it
    assert "PKG102" in fired(repo(tmp_path, files, name="package"))
