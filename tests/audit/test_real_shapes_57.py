"""Shapes met on a fifty-seventh set of public repositories the audit had never seen.

A README's `.env` example with a Slack token made of placeholder words, per-experiment
YAML files in `experiments/` that the code reads by path, and Poetry constraints on
MLflow below the standard's floor (a miss). Each test writes the shape here and checks
the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo

ENV_EXAMPLE = (
    "# Training template\n\n## Setup\n\n`uv sync`\n\nConfiguration in `.env`:\n\n"
    '```bash\nSLACK_TOKEN="{token}"\nSLACK_CHANNEL="#training"\n```\n'
)


def test_a_slack_token_made_of_placeholder_words(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"README.md": ENV_EXAMPLE.format(token="xoxb-your-token")}
    assert places(repo(tmp_path, files, "placeholder"), "SEC101") == []
    token = "xoxb-2948127365-8273615243-Qm7vT2kWnR9pLx4ZcB8dHf3J"  # pragma: allowlist secret
    real = ENV_EXAMPLE.format(token=token)
    assert places(repo(tmp_path, {"README.md": real}, "real"), "SEC101") == ["README.md:10"]


CONFIG_MODULE = (
    "from pathlib import Path\n\nimport yaml\n\n"
    "ROOT = Path(__file__).parents[2]\n"
    'YAML_EXP_PATH = ROOT / "experiments"\n\n\n'
    "def load(path):\n    return yaml.safe_load(open(path))\n"
)
TRAIN = (
    "import torch\n\nfrom src.utils.config import YAML_EXP_PATH, load\n\n"
    'cfg = load(YAML_EXP_PATH / "keypoints" / "hrnet_32.yaml")\n'
    "torch.nn.Linear(2, 1)(torch.zeros(2)).sum().backward()\n"
)


def test_settings_in_an_experiments_folder_the_code_reads(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.4.1\npyyaml==6.0.2\n",
        "src/__init__.py": "",
        "src/utils/__init__.py": "",
        "src/utils/config.py": CONFIG_MODULE,
        "src/keypoints/train.py": TRAIN,
        "experiments/keypoints/hrnet_32.yaml": "trainer:\n  epochs: 100\n  lr: 0.001\n",
    }
    assert places(repo(tmp_path, files, "named"), "LAY105") == []
    unnamed = {**files, "src/utils/config.py": CONFIG_MODULE.replace('"experiments"', '"runs"')}
    assert places(repo(tmp_path, unnamed, "unnamed"), "LAY105") == ["."]


POETRY = """\
[tool.poetry]
name = "asme"
version = "0.1.0"
description = "A recommender framework"

[tool.poetry.dependencies]
python = ">=3.8,<3.11"
torch = "^1.11"
mlflow = {mlflow}
"""


def test_poetry_constraints_below_the_mlflow_floor(tmp_path: Path) -> None:
    def finding(constraint: str, name: str) -> list[str]:
        files: dict[str, str | bytes] = {
            "pyproject.toml": POETRY.format(mlflow=constraint),
            "asme/__init__.py": "import mlflow\n",
        }
        return places(repo(tmp_path, files, name), "PKG109")

    assert finding('"^1.25.1"', "caret") == ["pyproject.toml:9"]
    assert finding('"2.20.1"', "exact") == ["pyproject.toml:9"]
    assert finding('{version = "~2.9", extras = ["extras"]}', "table") == ["pyproject.toml:9"]
    assert finding('"^3.5"', "current") == []
    assert finding('">=3.6,<4"', "range") == []


DEMO = (
    "import mlflow\n\n\n"
    "def main():\n"
    '    with mlflow.start_run():\n        mlflow.log_metric("x", 1.0)\n\n\n'
    'if __name__ == "__main__":\n    main()\n'
)


def test_a_demo_script_named_like_a_test_is_no_test(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\n",
        "src/train.py": "import mlflow\n\nmlflow.log_param('lr', 0.1)\n",
        "mlflow/test_experiment.py": DEMO,
    }
    assert places(repo(tmp_path, files, "demo"), "LAY104") == ["mlflow/test_experiment.py"]
    tested = {**files, "tests/test_train.py": "def test_train():\n    assert True\n"}
    assert places(repo(tmp_path, tested, "tested"), "LAY104") == []
    course: dict[str, str | bytes] = {
        "requirements.txt": "flask==3.0.3\n",
        "chapter-05-deployment/predict.py": "import mlflow\n\nm = mlflow.pyfunc.load_model('m')\n",
        "chapter-05-deployment/flask_test.py": DEMO,
    }
    assert places(repo(tmp_path, course, "course"), "LAY104") == []
    moved = {k.replace("chapter-05-deployment", "deployment"): v for k, v in course.items()}
    assert places(repo(tmp_path, moved, "moved"), "LAY104") == ["deployment/flask_test.py"]


def test_requirements_files_below_the_mlflow_floor_are_one_finding(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\nmlflow==3.3.2\n",
        "requirements-prod.txt": "mlflow==3.3.2\n",
        "train.py": "import mlflow\n\nmlflow.log_metric('x', 1.0)\n",
    }
    root = repo(tmp_path, files, "two")
    assert places(root, "PKG109") == ["requirements-prod.txt:1"]
    (message,) = [i.message for i in audit(root).issues if i.rule == "PKG109"]
    assert message.endswith("(also in requirements.txt)")
    current = {k: v.replace("3.3.2", "3.5.1") for k, v in files.items()}
    assert places(repo(tmp_path, current, "current"), "PKG109") == []
