"""Shapes met on the hundred-and-thirtieth and later sets of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAIN_SCRIPT as TRAIN
from audit.support import audit, fired, pickled, places, repo

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
        "model/rf.yaml": "train_path: /home/alice/data/train.csv\nroot: /path\n",
        "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n    volumes: [/srv:/x]\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "beside")
    assert places(root, "CFG104") == ["model/rf.yaml:1"]  # not the compose file
    assert places(root, "CFG103") == ["config.yaml:3"]  # a path a reviewer can open


def test_values_that_are_stand_ins_or_patterns_are_no_passwords(tmp_path: Path) -> None:
    governance = (
        "pii_scrubbing:\n  patterns:\n"
        "    aws_key: 'AKIA[0-9A-Z]{16}'\n"
        "    private_key: '-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----'\n"
    )
    snapshot = '{\n  "broker": {\n    "api_key": "k",\n    "api_secret": "s"\n  }\n}\n'
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "configs/governance.yaml": governance,
        "runs/incident/config_snapshot.json": snapshot,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "stand-ins")
    assert places(root, "SEC106") == [] and places(root, "SEC103") == []
    chosen = {**files, "configs/db.yaml": "db:\n  host: db.internal\n  password: Gq7rTk2mWp\n"}
    assert places(repo(tmp_path, chosen, "chosen"), "SEC106") == ["configs/db.yaml:3"]


def test_a_readme_that_reserves_every_right_is_a_licence_statement(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "README.md": "# Drug designer\n\n## License\n\nProprietary. All rights reserved.\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "reserved"), "LAY102") == []
    silent = {**files, "README.md": "# Drug designer\n\n## License\n\nTBD\n"}
    assert places(repo(tmp_path, silent, "silent"), "LAY102") == ["."]


def test_a_submission_for_a_course_is_coursework(tmp_path: Path) -> None:
    readme = (
        "# Remote sensing image captioning\n\n"
        "Our final submission for the TU Berlin course 'Computer Vision for Remote Sensing'.\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "README.md": readme,
        ".gitignore": ".venv/\n",
    }
    assert "LAY104" not in fired(repo(tmp_path, files, "course"))
    plain = {**files, "README.md": "# Remote sensing image captioning\n\nCaptions images.\n"}
    assert "LAY104" in fired(repo(tmp_path, plain, "plain"))


def test_a_tox_ini_of_linter_settings_is_no_tox(tmp_path: Path) -> None:
    from mlops_kit.audit.profile import profile_of
    from mlops_kit.audit.repo import RepoView

    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "tox.ini": "[flake8]\nmax-line-length = 79\n",
    }
    assert "tox" not in profile_of(RepoView(repo(tmp_path, files, "flake8"))).task_runners
    envs = {**files, "tox.ini": "[tox]\nenv_list = py311\n\n[testenv]\ncommands = pytest\n"}
    assert "tox" in profile_of(RepoView(repo(tmp_path, envs, "tox"))).task_runners


def test_a_declared_dependency_that_requires_torch_provides_it(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "rf-finetune"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
            'dependencies = ["rfdetr>=1.2", "supervision>=0.25"]\n\n'
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        ),
        "src/rf_finetune/__init__.py": "",
        "src/rf_finetune/finetune.py": "import torch\n\nDEVICE = torch.device('cpu')\n",
    }
    assert places(repo(tmp_path, files, "rfdetr"), "PKG105") == []
    bare = {**files}
    bare["pyproject.toml"] = str(files["pyproject.toml"]).replace('"rfdetr>=1.2", ', "")
    assert places(repo(tmp_path, bare, "bare"), "PKG105") == ["src/rf_finetune/finetune.py:1"]


def test_catboost_training_logs_are_generated(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "catboost==1.2.7\n",
        "train.py": TRAIN,
        "ML_Project/catboost_info/catboost_training.json": "{}\n",
        ".gitignore": ".venv/\n",
    }
    found = places(repo(tmp_path, files, "catboost"), "LAY113")
    assert found == ["ML_Project/catboost_info/catboost_training.json"]


def test_a_pyproject_of_formatter_settings_is_no_manifest(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[tool.black]\nline-length = 88\n\n[tool.isort]\nprofile = "black"\n',
        "train.py": "import numpy as np\nimport torch\n\n" + TRAIN,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "settings")
    assert places(root, "PKG101") == ["."] and places(root, "PKG107") == []
    declared = {**files, "requirements.txt": "numpy==2.1.3\ntorch==2.5.1\nscikit-learn==1.6.1\n"}
    assert places(repo(tmp_path, declared, "declared"), "PKG101") == []


def test_a_stage_that_registers_the_model_needs_no_outs(tmp_path: Path) -> None:
    dvc_yaml = (
        "stages:\n"
        "  train:\n    cmd: python train.py\n    deps: [train.py]\n    outs: [model.pkl]\n"
        "  model_register:\n    cmd: python register.py\n    deps: [register.py, model.pkl]\n"
        "  evaluate:\n    cmd: python evaluate.py\n    deps: [evaluate.py, model.pkl]\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "dvc==3.59.1\nscikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "register.py": "print('registered')\n",
        "evaluate.py": "print('evaluated')\n",
        "dvc.yaml": dvc_yaml,
        ".dvc/config": "",
        ".gitignore": ".venv/\n/model.pkl\n",
    }
    [issue] = [i for i in audit(repo(tmp_path, files, "register")).issues if i.rule == "DVC113"]
    assert issue.message == "stage 'evaluate' declares no outs, metrics or plots"


def test_dataset_folders_with_a_note_of_their_own_are_documented(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "data/mnist/dataset.txt": "https://www.tensorflow.org/datasets/catalog/mnist\n",
        "data/cifar10/dataset.txt": "https://www.cs.toronto.edu/~kriz/cifar.html\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "noted"), "LAY106") == []
    undocumented = {**files, "data/claims/claims_2024.csv": "id,amount\n" + "1,2\n" * 50}
    assert places(repo(tmp_path, undocumented, "one-more"), "LAY106") == ["."]


def test_a_data_folder_that_only_links_elsewhere_has_nothing_to_describe(tmp_path: Path) -> None:
    from audit.support import commit_all

    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "linked")
    (root / "data").mkdir()
    (root / "data" / "geospatial").symlink_to("/data/common/geospatial")
    commit_all(root)
    assert places(root, "LAY106") == []


FLASK_SMILES = """from flask import Flask, jsonify, request
import torch

app = Flask(__name__)
model = torch.load("model.pt")


@app.route("/api/predict", methods=["POST"])
def predict():
    data = request.get_json()
    if not data or "smiles" not in data:
        return jsonify({"error": "Missing SMILES input"}), 400
    return jsonify({"score": float(model.predict(data["smiles"]))})
"""


def test_a_required_key_checked_beside_an_empty_body_is_validation(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask==3.1.0\ntorch==2.5.1\n",
        "app.py": FLASK_SMILES,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "checked"), "SRV101") == []
    unchecked = {**files, "app.py": FLASK_SMILES.replace('"smiles" not in data', "False")}
    assert places(repo(tmp_path, unchecked, "unchecked"), "SRV101") == ["app.py:8"]


RUN_RECORDS = """import json
from datetime import UTC, datetime
from pathlib import Path


def start_run(root: Path, cfg: dict) -> Path:
    run_dir = root / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir.mkdir(parents=True)
    (run_dir / "config_snapshot.json").write_text(json.dumps(cfg))
    return run_dir


def save_metrics(run_dir: Path, metrics: dict) -> None:
    with open(run_dir / "metrics.json", "w") as fh:
        json.dump(metrics, fh)
"""


def test_a_module_of_run_records_tracks_runs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "src/trader/__init__.py": "",
        "src/trader/train.py": TRAIN,
        "src/trader/run_records.py": RUN_RECORDS,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "records"), "TRK107") == []
    metrics_only = RUN_RECORDS.replace('"config_snapshot.json"', '"notes.txt"')
    bare = {**files, "src/trader/run_records.py": metrics_only}
    assert places(repo(tmp_path, bare, "metrics-only"), "TRK107") == ["."]


PUBLISH_WORKFLOW = """name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install hatch && hatch build
"""


def test_ci_that_builds_with_hatch_runs_no_pixi_task(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "proteins"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
        'dependencies = ["numpy>=2"]\n\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[tool.pixi.feature.dev.tasks]\ntest = "pytest"\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "src/proteins/__init__.py": "",
        "tests/test_core.py": "def test_core():\n    assert True\n",
        ".github/workflows/release.yml": PUBLISH_WORKFLOW,
    }
    assert places(repo(tmp_path, files, "hatch"), "QUA107") == [".github/workflows/release.yml"]
    pixi = PUBLISH_WORKFLOW.replace("pip install hatch && hatch build", "pixi run test")
    runs = {**files, ".github/workflows/release.yml": pixi}
    assert places(repo(tmp_path, runs, "pixi"), "QUA107") == []


GENERATOR = """import numpy as np
import pandas as pd

rng = np.random.default_rng(42)
pd.DataFrame({"load": rng.normal(size=500)}).to_csv("data/generated/load.csv", index=False)
"""


def test_a_numbered_generator_script_makes_the_data(tmp_path: Path) -> None:
    train = "import pandas as pd\n\nframe = pd.read_csv('data/generated/load.csv')\n" + TRAIN
    files: dict[str, str | bytes] = {
        "requirements.txt": "numpy==2.1.3\npandas==2.2.3\nscikit-learn==1.6.1\n",
        "scripts/00_generate_load_data.py": GENERATOR,
        "train.py": train,
        ".gitignore": ".venv/\ndata/generated/\n",
    }
    assert places(repo(tmp_path, files, "numbered"), "DVC115") == []
    reader = GENERATOR.replace("rng.normal(size=500)", "pd.read_csv('data/raw/load.csv').load")
    reads = {**files, "scripts/00_generate_load_data.py": reader}
    assert places(repo(tmp_path, reads, "reads"), "DVC115") == ["."]


PINNED_LOADER = """import hashlib
from pathlib import Path

import pandas as pd

EXPECTED_HASHES = {
    "train.csv": "bb484302e3a3a6e4c2f1e0d9b8a7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1b9da",
}


def load(name: str) -> pd.DataFrame:
    path = Path("data/raw") / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != EXPECTED_HASHES[name]:
        raise ValueError(f"{name} changed: {digest}")
    return pd.read_csv(path)
"""


def test_a_loader_that_pins_each_file_by_its_digest(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\nscikit-learn==1.6.1\n",
        "src/loader.py": PINNED_LOADER,
        "train.py": "from src.loader import load\n\nframe = load('train.csv')\n" + TRAIN,
        ".gitignore": ".venv/\ndata/raw/\n",
    }
    assert places(repo(tmp_path, files, "pinned"), "DVC115") == []
    unpinned = PINNED_LOADER.replace("EXPECTED_HASHES", "SEEN")
    loose = {**files, "src/loader.py": unpinned}
    assert places(repo(tmp_path, loose, "loose"), "DVC115") == ["."]


TF_WHEEL = (
    "https://storage.googleapis.com/tensorflow/linux/cpu/"
    "tensorflow-0.10.0rc0-cp27-none-linux_x86_64.whl\n"
)


def test_a_wheel_given_by_its_url_declares_its_distribution(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": "from setuptools import setup\n\nsetup(name='agent', packages=['agent'])\n",
        "requirements.txt": "numpy==1.11.1\n",
        "requirements-linux-cpu.txt": "-r requirements.txt\n" + TF_WHEEL,
        "agent/__init__.py": "",
        "agent/q_network.py": "import tensorflow as tf\n\nLAYERS = tf.keras\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "wheel")
    assert places(root, "PKG105") == [] and places(root, "PKG110") == []
    none = {**files, "requirements-linux-cpu.txt": "-r requirements.txt\n"}
    assert places(repo(tmp_path, none, "none"), "PKG105") == ["agent/q_network.py:1"]


def test_a_saved_tokenizer_and_a_unity_project_are_sources(tmp_path: Path) -> None:
    big = "x" * 1_100_000
    files: dict[str, str | bytes] = {
        "requirements.txt": "transformers==4.46.3\n",
        "train.py": TRAIN,
        "configs/tokenizer/tokenizer.json": big,
        "configs/tokenizer/tokenizer_config.json": "{}\n",
        "gpt-2/models/124M/encoder.json": big,
        "gpt-2/models/124M/vocab.bpe": "#version: 0.2\n",
        "tron_unity/ProjectSettings/ProjectVersion.txt": "m_EditorVersion: 2022.3.10f1\n",
        "tron_unity/Assets/Settings/Lit2DSceneTemplate.scenetemplate": big,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "sources"), "DAT101") == []
    loose = {"requirements.txt": "transformers==4.46.3\n", "train.py": TRAIN}
    loose |= {"exports/tokenizer.json": big, "game/Assets/level.asset": big}
    found = places(repo(tmp_path, loose, "loose"), "DAT101")
    assert found == ["exports/tokenizer.json", "game/Assets/level.asset"]


CONDA_EXPORT = """name: ./conda-env
channels:
  - conda-forge
dependencies:
  - numpy=1.18.1=py37h7687784_1
  - scikit-learn=0.22.2.post1=py37h3dc85bc_0
  - python=3.7.7=hc70fcce_0_cpython
  - pip:
    - python-binance==0.7.5
prefix: ./conda-env
"""


def test_a_conda_export_in_a_sub_project_is_a_lock(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "trading-systems/environment.yml": CONDA_EXPORT,
        "trading-systems/train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "export"), "PKG107") == []
    loose = {**files, "trading-systems/environment.yml": CONDA_EXPORT.replace("=0.7.5", "")}
    assert places(repo(tmp_path, loose, "loose"), "PKG107") == ["trading-systems/environment.yml"]
    ranged = CONDA_EXPORT.replace("numpy=1.18.1=py37h7687784_1", "numpy>=1.26,<3.0")
    ranges = {**files, "trading-systems/environment.yml": ranged}
    assert places(repo(tmp_path, ranges, "ranges"), "PKG107") == ["trading-systems/environment.yml"]


def test_one_file_re_included_under_a_comment_of_its_own_is_kept(tmp_path: Path) -> None:
    ignore = (
        ".venv/\noutput/**/*.npz\n"
        "# Ngoai le: holdout dung chung cua Sprint 1, 259 KB sau khi nen int8.\n"
        "!output/holdout/final_test_yt.npz\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "output/holdout/final_test_yt.npz": b"PK" + b"\0" * 30_000,
        ".gitignore": ignore,
    }
    assert places(repo(tmp_path, files, "explained"), "DAT102") == []
    bare = {**files, ".gitignore": ".venv/\noutput/**/*.npz\n!output/holdout/final_test_yt.npz\n"}
    assert places(repo(tmp_path, bare, "bare"), "DAT102") == ["output/holdout/final_test_yt.npz"]
    # A comment heading a block of rules explains the rule below it, not every re-include.
    block = ".venv/\n# Keep the folders and release files below\noutput/**/*.npz\n"
    far = {**files, ".gitignore": block + "!output/holdout/final_test_yt.npz\n"}
    assert places(repo(tmp_path, far, "far"), "DAT102") == ["output/holdout/final_test_yt.npz"]


def test_a_pinned_file_that_includes_ranges_pins_nothing(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas>=2.2,<3\nlightgbm>=4.5,<5\neconml==0.16.0\n",
        "requirements-optional.txt": "-r requirements.txt\ncausalml==0.17.0\n",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "ranges"), "PKG107") == ["requirements-optional.txt"]
    pinned = {**files, "requirements.txt": "pandas==2.2.3\nlightgbm==4.5.0\neconml==0.16.0\n"}
    assert places(repo(tmp_path, pinned, "pinned"), "PKG107") == []


def test_a_vcs_url_without_a_ref_in_a_conda_file_is_unpinned(tmp_path: Path) -> None:
    env = (
        "name: ssl\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.10\n"
        "  - pip:\n    - torch==2.5.1\n    - git+https://github.com/org/detectron2.git\n"
        "    - https://example.org/wheels/tensorflow-2.17.0-cp310-none-linux_x86_64.whl\n"
    )
    files: dict[str, str | bytes] = {"environment.yml": env, "train.py": TRAIN}
    assert places(repo(tmp_path, files, "vcs"), "PKG110") == ["environment.yml:8"]


def test_a_public_databases_read_only_account_is_no_secret(tmp_path: Path) -> None:
    database = (
        "dialect: postgresql\ndriver: psycopg2\nhost: hh-pgsql-public.ebi.ac.uk\n"
        "database: pfmegrnargs\nuser: reader\npassword: NWDMCE5xdipIjRrp\nport: 5432\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "psycopg2-binary==2.9.10\n",
        "rna/datasets/database.yaml": database,
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "public")
    assert places(root, "SEC103") == [] and places(root, "SEC106") == []
    private = database.replace("hh-pgsql-public", "hh-pgsql-prod")
    found = places(repo(tmp_path, {**files, "rna/datasets/database.yaml": private}, "p"), "SEC103")
    assert found == ["rna/datasets/database.yaml:6"]


def test_the_readme_of_the_folder_that_holds_the_code_counts(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Regime-aware trading\n\nA thesis on event-driven trading.\n",
        "regime/README.md": "# Code\n\n## Installation\n\n    pip install -r requirements.txt\n",
        "regime/requirements.txt": "scikit-learn==1.6.1\n",
        "regime/train.py": TRAIN,
        "regime/features.py": "WINDOW = 5\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "inner"), "DOC101") == []
    spread = {**files, "other/run.py": "print('x')\n"}
    assert places(repo(tmp_path, spread, "spread"), "DOC101") == ["README.md"]


def test_a_chinese_data_layer_heading_describes_the_data(tmp_path: Path) -> None:
    readme = "# 信号\n\n## 数据层\n- SQLite: data/crypto_data.db\n- 工具: data/db_utils.py\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "README.md": readme,
        "data/prices.csv": "t,p\n" + "1,2\n" * 20,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "zh"), "LAY106") == []
    other = {**files, "README.md": "# 信号\n\n## 模型\n- LightGBM\n"}
    assert places(repo(tmp_path, other, "model-only"), "LAY106") == ["."]


MM_CONFIG = """log_config = dict(
    interval=50,
    hooks=[
        dict(type='TextLoggerHook'),
        dict(type='WandbLoggerHook', init_kwargs={'project': 'uncertain-mot'}),
    ],
)
"""


def test_an_openmmlab_logger_hook_tracks_runs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mmdet==2.28.2\ntorch==2.0.1\n",
        "src/configs/yolox_mot17.py": MM_CONFIG,
        "src/train.py": "import torch\n\nmodel = torch.nn.Linear(2, 1)\nmodel.train()\n" + TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "hooked"), "TRK107") == []
    text_only = MM_CONFIG.replace(
        "dict(type='WandbLoggerHook', init_kwargs={'project': 'uncertain-mot'}),\n", ""
    )
    bare = {**files, "src/configs/yolox_mot17.py": text_only}
    assert places(repo(tmp_path, bare, "text"), "TRK107") == ["."]


def test_a_requirements_comment_that_installs_torch_from_its_index(tmp_path: Path) -> None:
    index = "https://download.pytorch.org/whl/cu121"
    files: dict[str, str | bytes] = {
        "requirements.txt": f"numpy==1.26.4\n#pip install torch==2.2.0 --index-url {index}\n",
        "pose/visualize.py": "import torch\n\nDEVICE = torch.device('cpu')\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "comment"), "PKG112") == []
    bare = {**files, "requirements.txt": "numpy==1.26.4\n"}
    assert places(repo(tmp_path, bare, "bare"), "PKG112") == ["pose/visualize.py:1"]


def test_a_fitted_scaler_kept_in_a_data_folder_is_a_model(tmp_path: Path) -> None:
    import pickletools

    scaler = pickled(b"sklearn.preprocessing._data", b"StandardScaler")
    list(pickletools.genops(scaler))  # a well-formed stream
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "data/silver/feature_scaler.pkl": scaler,
        "data/feature/item_mapping.pickle": pickled(b"collections", b"OrderedDict"),
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "scaler"), "DAT103") == ["data/silver/feature_scaler.pkl"]


TASKCLUSTER = """version: 1
reporting: checks-v1
policy:
  pullRequests: public
tasks:
  - $if: 'tasks_for in ["github-push", "github-pull-request"]'
    then:
      payload:
        command: [taskgraph, decision]
"""
TESTS_KIND = """description: "Run tests"
tasks:
  unit:
    run:
      command: pytest tests
  lint:
    run:
      command: ruff check .
"""


def test_taskcluster_is_ci_and_its_kinds_say_what_runs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "tests/test_train.py": "def test_train():\n    assert True\n",
        ".taskcluster.yml": TASKCLUSTER,
        "taskcluster/kinds/tests/kind.yml": TESTS_KIND,
        "taskcluster/kinds/evaluate/kind.yml": (
            "task-defaults:\n  worker:\n    env:\n"
            "      TASKCLUSTER_SECRET: project/translations/level-1/weights-and-biases\n"
        ),
        ".gitignore": ".venv/\n",
    }
    found = fired(repo(tmp_path, files, "taskcluster"))
    assert not {"QUA110", "QUA107", "QUA109", "SEC106"} & found
    del files["taskcluster/kinds/tests/kind.yml"]
    assert "QUA107" in fired(repo(tmp_path, files, "no-tests"))


def test_a_spanish_readme_that_declares_no_open_licence(tmp_path: Path) -> None:
    readme = (
        "# Tesis\n\n## Licencia\n\nNo se declara una licencia abierta por defecto. "
        "Contactar al autor.\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "README.md": readme,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "es"), "LAY102") == []


def test_a_pickled_torch_setting_in_a_data_folder_is_no_model(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.5.1\n",
        "train.py": TRAIN,
        "data/experiment_1/config.pkl": pickled(b"torch", b"device"),
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "torch-setting"), "DAT103") == []


def test_a_value_that_says_it_is_for_checks_only_is_made_up(tmp_path: Path) -> None:
    script = (
        "import os\n\nos.environ.setdefault(\n"
        '    "JWT_SECRET_KEY",\n'
        '    "rag-p0-contract-check-only-not-for-runtime-0000000000000000",\n)\n'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "scripts/check_contract.py": script.replace("(\n    ", "(").replace(",\n    ", ", "),
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "made-up"), "SEC105") == []
    real = script.replace(
        "rag-p0-contract-check-only-not-for-runtime-0000000000000000", "Xq7v2LmP9rTz"
    )
    live = {
        **files,
        "scripts/check_contract.py": real.replace("(\n    ", "(").replace(",\n    ", ", "),
    }
    assert places(repo(tmp_path, live, "live"), "SEC105") == ["scripts/check_contract.py:3"]


def test_an_android_apps_firebase_config_is_no_secret(tmp_path: Path) -> None:
    key = "AIzaSyB" + "x7Kq2LmP9rTz4VwN8cD1fG6hJ3sA0eU5yQ"[:32]
    services = '{\n  "client": [{\n    "api_key": [{"current_key": "' + key + '"}]\n  }]\n}\n'
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "app/google-services.json": services,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "android"), "SEC101") == []
    other = {**files, "app/settings.json": services}
    del other["app/google-services.json"]
    assert places(repo(tmp_path, other, "elsewhere"), "SEC101") == ["app/settings.json:3"]


def test_a_telegram_bot_token_is_a_token(tmp_path: Path) -> None:
    token = "8306719491:AAH" + "NS7HTpjMUGlcXMA5SEffd6zPd2X6U0qw"
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "notify.py": f'BOT_TOKEN = "{token}"\n',
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "telegram"), "SEC101") == ["notify.py:1"]


OPENAPI = """openapi: 3.0.3
paths:
  /auth/register:
    post:
      requestBody:
        content:
          application/json:
            example:
              username: quannh08
              password: StrongPassword@123
components:
  securitySchemes:
    basic:
      password: Gq7rTk2mWpQ9
"""


def test_an_openapi_example_request_holds_no_password(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "static/openapi.yaml": OPENAPI,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "openapi"), "SEC106") == ["static/openapi.yaml:14"]


def test_sources_of_docs_and_builds_are_not_models_or_data(tmp_path: Path) -> None:
    big = "x" * 1_500_000
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "jbook/references.bib": "@article{a,\n  title = {x},\n}\n" + "%" * 1_500_000,
        "static/css/style.css": big,
        "jbook/_build/.doctrees/environment.pickle": pickled(b"sphinx.environment", b"Env"),
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "docs")
    assert places(root, "DAT101") == [] and places(root, "DAT103") == []


def test_an_asciidoc_readme_is_a_readme(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "readme.adoc": "= Image generation\n\n== Setup\n\n pip install -r requirements.txt\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "adoc"), "LAY101") == []


def test_a_tensorflow_summary_writer_tracks_runs(tmp_path: Path) -> None:
    model = (
        "import tensorflow as tf\n\n"
        "writer = tf.summary.create_file_writer('logs')\n"
        "model = tf.keras.Sequential()\nmodel.fit([0], [0])\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "tensorflow==2.17.0\n",
        "train.py": model,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "writer"), "TRK107") == []
    bare = {
        **files,
        "train.py": model.replace("writer = tf.summary.create_file_writer('logs')\n", ""),
    }
    assert places(repo(tmp_path, bare, "bare"), "TRK107") == ["."]


def test_poetrys_optional_test_tools_are_no_runtime(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry]\nname = "nst"\nversion = "1.0.0"\ndescription = ""\nauthors = []\n\n'
        '[tool.poetry.dependencies]\npython = "^3.10"\nnumpy = "^1.26"\n'
        'pytest = {version = "^7.4.2", optional = true}\n\n'
        '[tool.poetry.extras]\ntest = ["pytest"]\n\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "nst/__init__.py": "",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "optional"), "PKG111") == []
    runtime = {**files, "pyproject.toml": pyproject.replace(", optional = true", "")}
    assert places(repo(tmp_path, runtime, "runtime"), "PKG111") == ["pyproject.toml:10"]
