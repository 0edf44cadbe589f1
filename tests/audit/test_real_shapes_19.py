"""Shapes met on a nineteenth set of public repositories the audit had never seen.

Libraries whose setup.py passes its name through a constant or ships its Hydra config
inside the package, a README whose Data section is not in English, and ZenML steps that
log to MLflow through the stack's tracker. Each test writes the shape here.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

SETUP_BY_CONSTANT = """from setuptools import find_packages, setup

NAME = "seg-trainer"
with open("README.md") as f:
    long_description = f.read()

setup(
    name=NAME,
    version="0.3.0",
    long_description=long_description,
    packages=find_packages(),
    install_requires=open("requirements.txt").read().splitlines(),
)
"""


def test_a_library_named_through_a_constant_with_its_config_in_the_package(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": SETUP_BY_CONSTANT,
        "requirements.txt": "torch>=2.2\nhydra-core>=1.3\n",
        "README.md": "# seg-trainer\n",
        "seg_trainer/__init__.py": "",
        "seg_trainer/train.py": "import hydra\n\n@hydra.main(config_path='conf')\ndef main(cfg):\n"
        "    model.fit(cfg)\n",
        "seg_trainer/conf/config.yaml": "epochs: 3\n",
    }
    root = repo(tmp_path, files, "lib")
    assert profile_of(RepoView(root)).kind == "library"
    assert not {"DVC115", "TRK107"} & fired(root)
    # a project keeps its config at the root: that stays a project
    project = dict(files)
    del project["seg_trainer/conf/config.yaml"]
    project["conf/config.yaml"] = "epochs: 3\n"
    project["seg_trainer/train.py"] = files["seg_trainer/train.py"].replace("conf", "../conf")
    assert profile_of(RepoView(repo(tmp_path, project, "proj"))).kind == "project"


def test_a_data_section_in_another_language_describes_the_data(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n",
        "data/raw/reviews.csv.dvc": "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661\n"
        "  path: reviews.csv\n",
    }
    assert "LAY106" in fired(repo(tmp_path, files, "bare"))
    readme = "# Отзывы\n\n### 2. Данные\n\n`dvc pull` загружает отзывы.\n"
    assert "LAY106" not in fired(repo(tmp_path, {**files, "README.md": readme}, "ru"))


def test_zenml_steps_log_to_the_pipelines_experiment(tmp_path: Path) -> None:
    step = (
        "import mlflow\nfrom zenml import step\nfrom zenml.client import Client\n\n"
        "tracker = Client().active_stack.experiment_tracker\n\n"
        "@step(experiment_tracker=tracker.name)\ndef train(x):\n"
        "    mlflow.sklearn.autolog()\n    mlflow.log_metric('rmse', 1.0)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\nzenml==0.80.0\nscikit-learn==1.5.2\n",
        "steps/model_train.py": step,
        "train.py": "from steps.model_train import train\n\ntrain.fit = 1\n",
    }
    assert "TRK105" not in fired(repo(tmp_path, files, "zen"))
    plain = {**files, "steps/model_train.py": "import mlflow\n\nmlflow.log_metric('rmse', 1.0)\n"}
    assert "TRK105" in fired(repo(tmp_path, plain, "plain"))


def test_a_tracking_uri_set_only_when_configured_leaves_the_variable_in_charge(
    tmp_path: Path,
) -> None:
    helper = (
        "import mlflow\n\n\ndef setup_mlflow(experiment_name, tracking_uri=None):\n"
        "    if tracking_uri:\n        mlflow.set_tracking_uri(tracking_uri)\n"
        "    mlflow.set_experiment(experiment_name)\n    mlflow.start_run()\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\n",
        "src/utils/logging.py": helper,
        "src/train.py": "from src.utils.logging import setup_mlflow\n\nsetup_mlflow('x', c.uri)\n",
        "configs/config.yaml": "mlflow:\n  tracking_uri: null\n",
    }
    assert "TRK102" not in fired(repo(tmp_path, files, "guarded"))
    always = helper.replace("    if tracking_uri:\n        mlflow", "    mlflow")
    assert "TRK102" in fired(repo(tmp_path, {**files, "src/utils/logging.py": always}, "always"))
