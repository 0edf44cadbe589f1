"""Shapes met on the hundred-and-thirtieth and later sets of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAIN_SCRIPT as TRAIN
from audit.support import audit, fired, places, repo

CIRCLE_ONE = (
    "machine:\n  python:\n    version: 3.6.1\ntest:\n  override:\n    - py.test -vv ./tests/\n"
)


def test_a_circleci_one_config_is_ci_that_no_longer_runs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "circle.yml": CIRCLE_ONE,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "retired")
    [issue] = [i for i in audit(root).issues if i.rule == "QUA111"]
    assert issue.path == "circle.yml" and "CircleCI 1.0" in issue.message
    assert "QUA110" not in fired(root)  # one fact, one finding
    # Beside a CircleCI 2 config the old file is a leftover nobody reads: CI is there.
    current = {**files, ".circleci/config.yml": "version: 2.1\njobs: {}\n"}
    assert places(repo(tmp_path, current, "current"), "QUA111") == []


def _hdf5(*attributes: bytes) -> bytes:
    """An HDF5 file's head: the signature, then the root's attribute names, then padding."""
    return b"\x89HDF\r\n\x1a\n" + b"\0" * 88 + b"\0".join(attributes) + b"\0" * 40_000


def test_a_keras_model_saved_as_hdf5_is_a_model_not_a_dataset(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "tensorflow==2.17.0\n",
        "train.py": "import tensorflow as tf\n\nm = tf.keras.Sequential()\nm.fit([0], [0])\n",
        "ModelArchive/nids_big.h5": _hdf5(b"keras_version", b"backend", b"model_config"),
        "data/readings.h5": _hdf5(b"TITLE", b"CLASS", b"VERSION"),
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "keras")
    assert places(root, "DAT103") == ["ModelArchive/nids_big.h5"]
    assert places(root, "DAT102") == ["data/readings.h5"]


def test_a_committed_virtualenv_and_test_tools_state_are_generated(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "env/pyvenv.cfg": "home = /usr/bin\nversion = 3.11.7\n",
        "env/lib/python3.11/site-packages/six.py": "",
        ".hypothesis/examples/0a1b/2c3d": "",
        "churn.egg-info/PKG-INFO": "Metadata-Version: 2.1\n",
        ".gitignore": ".venv/\n",
    }
    [issue] = [i for i in audit(repo(tmp_path, files, "venv")).issues if i.rule == "LAY113"]
    assert issue.message.startswith("4 generated files are committed")
    # An environment's name alone says nothing: `env/` without pyvenv.cfg is settings.
    plain = {"requirements.txt": "scikit-learn==1.6.1\n", "train.py": TRAIN}
    plain |= {"env/settings.py": "DEBUG = False\n", ".gitignore": ".venv/\n"}
    assert places(repo(tmp_path, plain, "plain"), "LAY113") == []


HYDRA_BESIDE = (
    "import hydra\n\n\n"
    '@hydra.main(config_path=".", config_name="config", version_base=None)\n'
    "def main(cfg):\n"
    "    from sklearn.linear_model import Ridge\n\n"
    "    Ridge().fit([[0]], [0])\n"
)


def test_a_hydra_config_beside_a_root_script_is_checked(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\nscikit-learn==1.6.1\n",
        "train.py": HYDRA_BESIDE,
        "config.yaml": "defaults:\n  - model: rf\n  - data: weekly\n\nseed: 1\n",
        "model/rf.yaml": "train_path: /home/alice/data/train.csv\n",
        "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n    volumes: [/srv:/x]\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "beside")
    assert places(root, "CFG104") == ["model/rf.yaml:1"]  # not the compose file
    assert places(root, "CFG103") == ["config.yaml:3"]  # a path a reviewer can open
