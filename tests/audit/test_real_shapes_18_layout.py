"""Shapes met on an eighteenth set of public repositories the audit had never seen.

Data described outside data/ (a dataset card, a README section), a data/ folder that only
keeps a place for predictions, a Mage project's settings, and tools a Pipfile declares for
development that the training scripts import. Each test writes the shape here and checks
both the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n"
BASE: dict[str, str | bytes] = {
    "requirements.txt": "scikit-learn==1.5.2\n",
    "train.py": TRAIN,
    "data/raw.dvc": "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661.dir\n  path: raw\n",
}


def test_a_dataset_card_describes_the_data(tmp_path: Path) -> None:
    assert "LAY106" in fired(repo(tmp_path, BASE, "bare"))
    card = "# Dataset card\n\nImages of birds, labelled by hand; source and licence below.\n"
    assert "LAY106" not in fired(repo(tmp_path, {**BASE, "docs/dataset-card.md": card}, "card"))
    # a document named for something else is not a dataset card
    notes = {**BASE, "docs/usage.md": card}
    assert "LAY106" in fired(repo(tmp_path, notes, "notes"))


def test_a_data_section_of_the_readme_describes_the_data(tmp_path: Path) -> None:
    section = "# Hate speech\n\n## Data\nTweets labelled 0 (not hate) or 1 (hate), from a paper.\n"
    assert "LAY106" not in fired(repo(tmp_path, {**BASE, "README.md": section}, "section"))
    emoji = "# Churn\n\n## 📊 The datasets\nCustomer tables exported weekly.\n"
    assert "LAY106" not in fired(repo(tmp_path, {**BASE, "README.md": emoji}, "emoji"))
    # a heading that only starts with the word is about something else
    pipeline = "# Churn\n\n## Data pipeline\nThree stages.\n"
    assert "LAY106" in fired(repo(tmp_path, {**BASE, "README.md": pipeline}, "pipeline"))


def test_a_kept_place_for_predictions_is_not_data(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "data/predictions/.gitkeep": "",
    }
    assert "LAY106" not in fired(repo(tmp_path, files, "outputs"))
    raw = {**files, "data/raw/.gitkeep": ""}
    assert "LAY106" in fired(repo(tmp_path, raw, "raw"))


def test_a_mage_projects_io_config_is_configuration(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"requirements.txt": "scikit-learn==1.5.2\n", "train.py": TRAIN}
    assert "LAY105" in fired(repo(tmp_path, files, "bare"))
    io_config = "version: 0.1.1\ndefault:\n  POSTGRES_HOST: \"{{ env_var('POSTGRES_HOST') }}\"\n"
    mage = {**files, "pipelines_project/io_config.yaml": io_config}
    assert "LAY105" not in fired(repo(tmp_path, mage, "mage"))


def test_a_tool_the_pipfile_declares_for_development_serves_the_scripts(tmp_path: Path) -> None:
    pipfile = (
        '[packages]\npandas = "*"\nscikit-learn = "*"\n\n'
        '[dev-packages]\npytest = "*"\nmlflow = "*"\n'
    )
    script = "import mlflow\nimport pandas as pd\n\nmlflow.log_metric('rmse', 1.0)\n"
    files: dict[str, str | bytes] = {"Pipfile": pipfile, "src/model_train.py": script}
    assert places(repo(tmp_path, files, "dev"), "PKG112") == []
    # a tool no group declares is still reported
    bare = {**files, "Pipfile": pipfile.replace('mlflow = "*"\n', "")}
    assert places(repo(tmp_path, bare, "bare"), "PKG112") == ["src/model_train.py:1"]
