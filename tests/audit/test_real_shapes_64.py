"""Shapes met on a sixty-fourth and sixty-fifth set of public repositories.

A comparison in a workflow expression, an options schema that names its fields' types,
HOCON experiment files, a learner's setup page in a lesson folder, and a data folder
where compose services keep their state. Each test writes the shape here and checks
the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo

WORKFLOW = """\
on: push
jobs:
  update:
    runs-on: ubuntu-latest
    steps:
      - id: validate-token
        run: echo ok
      - if: |
          steps.validate-token.outputs.wf == 'true'
        run: echo update
"""


def test_a_comparison_in_a_workflow_expression(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {".github/workflows/update.yaml": WORKFLOW}
    assert places(repo(tmp_path, files, "compare"), "SEC106") == []
    assigned = {"config/app.yaml": "api_token: Tr0ub4dor&3x\n"}
    assert places(repo(tmp_path, assigned, "assigned"), "SEC106") == ["config/app.yaml:1"]


ADDON = """\
name: Audio classifier
slug: ast_audio
options:
  mqtt_password: ""
schema:
  mqtt_password: password
  openobserve_password: "password?"
"""


def test_an_options_schema_names_its_fields_types(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"config.yaml": ADDON}
    assert places(repo(tmp_path, files, "schema"), "SEC106") == []
    real = {"config.yaml": ADDON.replace('mqtt_password: ""', 'mqtt_password: "Hass2024!"')}
    assert places(repo(tmp_path, real, "real"), "SEC106") == ["config.yaml:4"]


def test_hocon_experiment_files(tmp_path: Path) -> None:
    code = "import torch\n\ntorch.nn.Linear(1, 1)(torch.zeros(1)).sum().backward()\n"
    files: dict[str, str | bytes] = {"requirements.txt": "torch==2.4.1\n", "train.py": code}
    assert places(repo(tmp_path, files, "none"), "LAY105") == ["."]
    hocon = {**files, "conf/cifar10.conf": 'include "base.conf"\nmax_epochs = 200\n'}
    assert places(repo(tmp_path, hocon, "hocon"), "LAY105") == []


def test_a_learners_setup_page(tmp_path: Path) -> None:
    setup = "# Setup\n\n## Software Setup\n\nconda env create -f environment.yml\n"
    files: dict[str, str | bytes] = {
        "README.md": "# Intro to image classification\n\nA lesson.\n",
        "environment.yml": "name: cnn\ndependencies:\n  - python=3.11\n  - tensorflow=2.15\n",
        "episodes/scripts/fit.py": "import tensorflow as tf\n\ntf.keras.Sequential().fit([], [])\n",
    }
    assert places(repo(tmp_path, files, "none"), "DOC101") == ["README.md"]
    lesson = {**files, "learners/setup.md": setup}
    assert places(repo(tmp_path, lesson, "lesson"), "DOC101") == []


COMPOSE = """\
services:
  prometheus:
    image: prom/prometheus
    volumes:
      - ./data/prometheus:/prometheus
"""


def test_a_data_folder_where_services_keep_their_state(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "pipelines/train.py": "from sklearn.svm import SVR\n\nSVR().fit([[0]], [0])\n",
        "data/.gitignore": "*\n!.gitignore\n",
        "docker-compose.yml": COMPOSE,
        "README.md": "# Pipelines\n\n## Setup\n\npip install -r requirements.txt\n",
    }
    assert places(repo(tmp_path, files, "state"), "LAY106") == []
    kept = {**files, "data/.gitignore": "!train.csv\n", "data/train.csv": "a,b\n1,2\n"}
    assert places(repo(tmp_path, kept, "kept"), "LAY106") == ["."]


METRIC = (
    "import pytest\nimport torch\n\n\n@pytest.mark.asyncio\n"
    "async def test_faithfulness(sample):\n    assert sample\n"
)


def test_tests_that_pytest_never_collects(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "ragas==0.2.15\npytest==8.3.3\n",
        "conftest.py": "import pytest\n\n\n@pytest.fixture\ndef sample():\n    return 1\n",
        "faithfulness.py": METRIC,
    }
    (message,) = [
        i.message for i in audit(repo(tmp_path, files, "unnamed")).issues if i.rule == "LAY104"
    ]
    assert message.startswith("no test module pytest collects: faithfulness.py defines tests")
    told = {**files, "pytest.ini": "[pytest]\npython_files = *.py\n"}
    assert places(repo(tmp_path, told, "told"), "LAY104") == []
