"""Shapes met on a fifteenth set of public repositories the audit had never seen.

CI that runs each service's test script through a name built from a matrix variable, or
a test module run directly by `python`; Google Cloud Build configs kept in a folder of
their own; a service that only loads registered MLflow models; runs logged to Vertex AI
Experiments from a notebook. Each test reproduces the shape with files written here: a
false problem gone, the real one kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from audit.support import audit, fired, places, repo

TRAIN = "import pandas as pd\nfrom sklearn.linear_model import Ridge\nRidge().fit(X, y)\n"
TEST = "def test_x():\n    assert True\n"


def workflow(run: str) -> str:
    """A GitHub workflow whose one job runs `run` for each service of a matrix."""
    return (
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    strategy:\n      matrix:\n        service: [api-gateway, api-users]\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
        f"      - run: |\n{''.join(f'          {line}' + chr(10) for line in run.splitlines())}"
    )


def test_ci_runs_test_scripts_named_by_a_matrix_variable(tmp_path: Path) -> None:
    run = (
        "NAME=${{ matrix.service }}\nNAME=${NAME//-/_}\n"
        'NAME="launch_${NAME}_tests.sh"\nsh "scripts/${NAME}"\n'
    )
    files: dict[str, str | bytes] = {
        "services/gateway/app.py": "import fastapi\n",
        "services/gateway/tests/test_app.py": TEST,
        ".github/workflows/tests.yml": workflow(run),
        "scripts/launch_api_gateway_tests.sh": "docker exec gateway python -m pytest\n",
        "scripts/launch_api_users_tests.sh": "docker exec users python -m pytest\n",
        "scripts/setup.sh": "echo setup\n",
    }
    assert places(repo(tmp_path, files, "scripts"), "QUA107") == []
    # scripts that fit the name but run no tests: CI runs none
    idle = {
        **files,
        "scripts/launch_api_gateway_tests.sh": "echo gateway\n",
        "scripts/launch_api_users_tests.sh": "echo users\n",
        "scripts/setup.sh": "pytest\n",  # does not fit the name: never run
    }
    assert places(repo(tmp_path, idle, "idle"), "QUA107") == [".github/workflows/tests.yml"]
    # a name whose only literal part is its suffix could be any script
    anything = {**files, ".github/workflows/tests.yml": workflow('sh "scripts/${NAME}.sh"\n')}
    assert places(repo(tmp_path, anything, "any"), "QUA107") == [".github/workflows/tests.yml"]


def test_ci_runs_a_test_module_directly(tmp_path: Path) -> None:
    script = "from server import route\n\nassert route('hi') == 'direct'\nprint('ok')\n"
    files: dict[str, str | bytes] = {
        "backend/server.py": "def route(message):\n    return 'direct'\n",
        "backend/test_routing.py": script,
        "tests/test_server.py": TEST,
        ".github/workflows/ci.yml": workflow("python backend/test_routing.py\n"),
    }
    assert places(repo(tmp_path, files, "direct"), "QUA107") == []
    direct = ("python3 -u tests/test_server.py", "python -m tests.test_server")
    for number, run in enumerate(direct):
        ran = {**files, ".github/workflows/ci.yml": workflow(run)}
        assert places(repo(tmp_path, ran, f"module{number}"), "QUA107") == []
    # running the application is no test run
    served = {**files, ".github/workflows/ci.yml": workflow("python backend/server.py\n")}
    assert places(repo(tmp_path, served, "served"), "QUA107") == [".github/workflows/ci.yml"]


CLOUD_BUILD = """\
steps:
- name: 'gcr.io/cloud-builders/git'
  args: ['clone', '--depth', '1', '$_REPO_URL']
  id: 'Clone'
- name: '$_CICD_IMAGE_URI'
  entrypoint: '{entrypoint}'
  args: ['{args}']
  dir: 'project'
  waitFor: ['Clone']
substitutions:
  _REPO_URL: https://example.org/project.git
timeout: 3600s
"""


def test_cloud_build_configs_kept_in_a_folder_are_ci(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\nflake8==7.1.1\n",
        "src/train.py": TRAIN,
        "src/tests/model_tests.py": "def test_model():\n    assert True\n",
        "build/deployment.yaml": CLOUD_BUILD.format(
            entrypoint="pytest", args="src/tests/model_tests.py"
        ),
        # steps below `spec:` and no builder images: not a build
        "k8s/job.yaml": "apiVersion: batch/v1\nkind: Job\nspec:\n  steps:\n    - name: x\n",
        "notes/steps.yaml": "steps:\n  - name: read the data\n    owner: ana\n",
    }
    root = repo(tmp_path, files, "cloudbuild")
    report = audit(root)
    assert report.profile is not None
    assert report.profile.ci == ("cloudbuild",)
    assert report.profile.ci_files == ("build/deployment.yaml",)
    found = {issue.rule for issue in report.issues}
    assert not {"QUA110", "QUA107"} & found
    assert "QUA109" in found  # no step lints: a true finding
    # a step that runs a test module through its entrypoint and args runs the tests
    direct = CLOUD_BUILD.format(entrypoint="python", args="src/tests/model_tests.py")
    ran = {**files, "build/deployment.yaml": direct}
    assert places(repo(tmp_path, ran, "direct"), "QUA107") == []
    # a build that never tests
    deploys = CLOUD_BUILD.format(entrypoint="python", args="src/train.py")
    idle = {**files, "build/deployment.yaml": deploys}
    assert places(repo(tmp_path, idle, "idle"), "QUA107") == ["build/deployment.yaml"]
    # without the build config, nothing else is CI
    bare = {k: v for k, v in files.items() if not k.startswith("build/")}
    assert "QUA110" in fired(repo(tmp_path, bare, "bare"))


def test_a_service_that_only_loads_registered_models_logs_no_run(tmp_path: Path) -> None:
    loader = (
        "import mlflow\n\nmlflow.set_tracking_uri('http://mlflow:5000')\n"
        "model = mlflow.pyfunc.load_model('models:/classifier/Production')\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\nfastapi==0.115.0\n",
        "api/model_loader.py": loader,
        "api/main.py": "from api.model_loader import model\n",
    }
    assert places(repo(tmp_path, files, "loads"), "TRK105") == []
    logging = "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('f1', 0.9)\n"
    logs = {**files, "train.py": logging}
    assert places(repo(tmp_path, logs, "logs"), "TRK105") != []
    autolog = {**files, "api/main.py": "import mlflow\n\nmlflow.sklearn.autolog()\n" + TRAIN}
    assert places(repo(tmp_path, autolog, "autolog"), "TRK105") != []
    # `mlflow run` of an MLproject in a sub-folder starts a run, whatever the code calls
    project = "name: surgery\nentry_points:\n  train:\n    command: python train.py\n"
    launched = {**files, "surgery/MLproject": project, "surgery/train.py": "import mlflow\n"}
    assert places(repo(tmp_path, launched, "launched"), "TRK105") != []


def notebook(*cells: str) -> str:
    """A notebook whose code cells hold `cells` (JSON, as Jupyter writes it)."""
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "outputs": [],
                    "source": cell.splitlines(keepends=True),
                }
                for cell in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


def test_runs_logged_to_vertex_ai_experiments_are_tracked(tmp_path: Path) -> None:
    setup = "from google.cloud import aiplatform as vertex_ai\nimport tensorflow as tf\n"
    init = "vertex_ai.init(\n    project=PROJECT,\n    experiment=EXPERIMENT_NAME,\n)\n"
    run = "vertex_ai.start_run(run_id)\nmodel.fit(x, y)\nvertex_ai.log_metrics({'mae': 0.1})\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": "google-cloud-aiplatform==1.70.0\ntensorflow==2.17.0\n",
        "src/model.py": "import tensorflow as tf\n\ndef train(m, x, y):\n    m.fit(x, y)\n",
        "02-experimentation.ipynb": notebook(setup, init, run),
    }
    report = audit(repo(tmp_path, files, "vertex"))
    assert report.profile is not None
    assert "vertex-ai" in report.profile.trackers
    assert "TRK107" not in {issue.rule for issue in report.issues}
    # the same SDK used to deploy a model logs no run
    deploy = "from google.cloud import aiplatform\n\naiplatform.init(project=PROJECT)\n"
    deploy += "endpoint = aiplatform.Endpoint.create(display_name='m')\n"
    deploying = {**files, "02-experimentation.ipynb": notebook(setup, deploy)}
    assert "TRK107" in fired(repo(tmp_path, deploying, "deploy"))
