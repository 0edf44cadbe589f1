"""Shapes met on a fifty-second set of public repositories the audit had never seen.

A Mage project whose generated data-access profile names each credential in place of
its value; a DVC pipeline whose params.yaml DVC itself tracks; a README whose data
section heading gives the dataset's size. Each test writes the shape here and checks the
false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"
PROFILE = (
    "version: 0.1.1\ndefault:\n"
    "  # Add your credentials for the source you use, and delete the rest.\n"
    "  AWS_SESSION_TOKEN: session_token (Used to generate Redshift credentials)\n"
    "  AWS_REGION: region\n"
)


def test_a_profile_template_that_names_its_credentials(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "mage/io_config.yaml": PROFILE,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "named"), "SEC106") == []
    # a value of its own after the name, or a one-word name-like password, is reported
    chosen = PROFILE.replace(
        "session_token (Used to generate Redshift credentials)", "session_token 4kL9-pQ"
    )
    found = places(repo(tmp_path, {**files, "mage/io_config.yaml": chosen}, "chosen"), "SEC106")
    assert found == ["mage/io_config.yaml:4"]


DVC_YAML = (
    "stages:\n  ingest:\n    cmd: python src/ingest.py\n    deps:\n    - src/ingest.py\n"
    "    params:\n    - ingest.split\n    outs:\n    - artifacts/ingest\n"
)


def test_a_params_file_that_dvc_tracks(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\ndvc==3.59.1\n",
        "src/ingest.py": TRAIN,
        "dvc.yaml": DVC_YAML,
        "params.yaml.dvc": "outs:\n- md5: 0f\n  size: 20\n  path: params.yaml\n",
        ".gitignore": "/params.yaml\n/artifacts\n",
    }
    assert "DVC107" not in fired(repo(tmp_path, files, "tracked"))
    missing = {k: v for k, v in files.items() if k != "params.yaml.dvc"}
    assert places(repo(tmp_path, missing, "missing"), "DVC107") == ["dvc.yaml:7"]
    # one missing file is one finding, whatever the number of stages that read it
    two = DVC_YAML + (
        "  train:\n    cmd: python src/ingest.py\n    deps:\n    - artifacts/ingest\n"
        "    params:\n    - train.depth\n    outs:\n    - artifacts/model\n"
    )
    root = repo(tmp_path, {**missing, "dvc.yaml": two}, "two")
    assert places(root, "DVC107") == ["dvc.yaml:7"]
    (message,) = [i.message for i in audit(root).issues if i.rule == "DVC107"]
    assert "'ingest', 'train'" in message


def test_a_data_heading_that_gives_the_size(tmp_path: Path) -> None:
    readme = (
        "# Defects\n\n## Usage\n\n### 1. Prepare the data (~5 GB)\n\n"
        "The images are MVTec AD: download the archive from its site.\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "data/images.dvc": "outs:\n- md5: 0f\n  path: images\n",
        "README.md": readme,
        ".gitignore": "/data/images\n",
    }
    assert "LAY106" not in fired(repo(tmp_path, files, "sized"))
    # a parenthesis that is no size does not make a features heading a data section
    features = readme.replace("### 1. Prepare the data (~5 GB)", "## Data & Features (Tel Aviv)")
    features = features.replace("The images are MVTec AD: download the archive from its site.", "")
    assert "LAY106" in fired(repo(tmp_path, {**files, "README.md": features}, "features"))
