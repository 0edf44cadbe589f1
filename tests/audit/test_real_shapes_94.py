"""Shapes met on a ninety-fourth and ninety-fifth set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAINING_PROJECT as BASE
from audit.support import places, repo


def test_a_uri_template_whose_slots_the_code_fills(tmp_path: Path) -> None:
    connect = (
        "def connect(username, password, address, port):\n"
        "    prefix = 'mongodb://(username):(password)@(address):(port)/'\n"
        "    uri = prefix.replace('(username)', username).replace('(password)', password)\n"
        "    return uri.replace('(address)', address).replace('(port)', str(port))\n"
    )
    files = {**BASE, "store/setup.py": connect}
    assert places(repo(tmp_path, files, "slots"), "SEC102") == []
    literal = connect.replace("(username):(password)", "icebreaker:Qm7tRw2xLp9v")
    assert places(repo(tmp_path, {**files, "store/setup.py": literal}, "literal"), "SEC102") == [
        "store/setup.py:2"
    ]


def test_a_local_dashboard_pair_and_a_commented_line(tmp_path: Path) -> None:
    flower = (
        "import os\n\n"
        "os.environ['FLOWER_USERNAME'] = 'flower123'\n"
        "os.environ['FLOWER_PASSWORD'] = 'flower456'\n"
        "#os.environ['BROKER_PASSWORD'] = 'Zx81kPq0wLm3'\n"
    )
    files = {**BASE, "monitor/run_flower.py": flower}
    assert places(repo(tmp_path, files, "pair"), "SEC105") == []
    live = flower.replace("#os.environ", "os.environ")
    assert places(repo(tmp_path, {**files, "monitor/run_flower.py": live}, "live"), "SEC105") == [
        "monitor/run_flower.py:5"
    ]


def test_the_config_name_whose_file_the_folder_holds(tmp_path: Path) -> None:
    compose = (
        "from hydra import compose, initialize_config_dir\n\n\n"
        "def load(config_dir, overrides):\n"
        "    with initialize_config_dir(config_dir=str(config_dir), version_base=None):\n"
        "        return compose(config_name='base', overrides=overrides)\n"
    )
    demo = (
        "from hydra import compose, initialize\n\n"
        "with initialize(config_path=None, version_base=None):\n"
        "    cfg = compose(config_name='defaults')\n"
    )
    files = {
        **BASE,
        "requirements.txt": "hydra-core==1.3.2\nscikit-learn==1.6.1\n",
        "demos/hydra_demo.py": demo,
        "src/pkg/config.py": compose,
        "configs/base.yaml": "defaults:\n  - _self_\nseed: 1\n",
    }
    assert places(repo(tmp_path, files, "base"), "CFG102") == []
    gone = {k: v for k, v in files.items() if k != "configs/base.yaml"}
    gone["configs/train.yaml"] = "seed: 1\n"
    assert places(repo(tmp_path, gone, "gone"), "CFG102") != []


def test_a_toml_params_file(tmp_path: Path) -> None:
    dvc = (
        "stages:\n  prepare:\n    cmd: python train.py\n    deps: [train.py]\n"
        "    params:\n      - configs/settings.toml:\n          - default.data_dir\n"
        "    outs: [models/]\n"
    )
    files = {
        **BASE,
        "dvc.yaml": dvc,
        "configs/settings.toml": '[default]\ndata_dir = "data"\n',
        ".dvc/config": "[core]\n",
        ".dvc/.gitignore": "/config.local\n/tmp\n/cache\n",
    }
    assert places(repo(tmp_path, files, "toml"), "DVC107") == []
    renamed = {**files, "configs/settings.toml": '[default]\ndata_root = "data"\n'}
    assert places(repo(tmp_path, renamed, "renamed"), "DVC107") == ["dvc.yaml:6"]


def test_a_clinical_databases_item_dictionary(tmp_path: Path) -> None:
    items = "itemid,item,unit,low_normal_value,high_normal_value\n" + "6637,weight,kg,,\n" * 9000
    files = {**BASE, "data/icu-db/dictionary.csv": items}
    assert places(repo(tmp_path, files, "dictionary"), "DAT102") == []
    rows = {**BASE, "data/icu-db/numericitems.csv": items}
    assert places(repo(tmp_path, rows, "rows"), "DAT102") == ["data/icu-db/numericitems.csv"]


def test_a_matlab_method_with_python_glue(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **BASE,
        "experiments/main.py": "import numpy\n\nprint(numpy.zeros(3))\n",
        **{f"src/agent/step{i}.m": f"function y = step{i}(x)\n  y = x;\nend\n" for i in range(5)},
    }
    assert places(repo(tmp_path, files, "matlab"), "LAY104") == []
    python = {k: v for k, v in files.items() if not k.endswith(".m")}
    assert places(repo(tmp_path, python, "python"), "LAY104") == ["."]


def test_a_demo_video_a_readme_links(tmp_path: Path) -> None:
    files = {
        **BASE,
        "vendor/tabdiff/README.md": '<a href="images/tabdiff_demo.mp4" download>video</a>\n',
        "vendor/tabdiff/images/tabdiff_demo.mp4": bytes(1_100_000),
    }
    assert places(repo(tmp_path, files, "linked"), "DAT101") == []
    unlinked = {**files, "vendor/tabdiff/README.md": "# TabDiff\n"}
    assert places(repo(tmp_path, unlinked, "unlinked"), "DAT101") == [
        "vendor/tabdiff/images/tabdiff_demo.mp4"
    ]


def test_a_requirement_heading_is_a_setup_section(tmp_path: Path) -> None:
    readme = "# RL for MCMC\n\n## Requirement\n\n- Python Package\n  - bridgestan v2.4.1\n"
    files = {**BASE, "README.md": readme}
    assert places(repo(tmp_path, files, "singular"), "DOC101") == []
    bare = {**files, "README.md": "# RL for MCMC\n\n## Results\n\nSee the paper.\n"}
    assert places(repo(tmp_path, bare, "bare"), "DOC101") == ["README.md"]


HYDRA_MAIN = (
    "import hydra\nfrom sklearn.linear_model import Ridge\n\n\n"
    "@hydra.main(config_path='conf', config_name='config', version_base=None)\n"
    "def main(cfg):\n    Ridge().fit([[0]], [0])\n\n\nmain()\n"
)


def test_databricks_workspace_locations_in_config(tmp_path: Path) -> None:
    config = (
        "delta_prefix: /Volumes/ml/artifacts/delta\nexperiment_name: /Shared/ml-pipelines-prod\n"
    )
    files = {
        **BASE,
        "requirements.txt": "hydra-core==1.3.2\nscikit-learn==1.6.1\n",
        "src/pipelines/main.py": HYDRA_MAIN,
        "src/pipelines/conf/config.yaml": config,
    }
    assert places(repo(tmp_path, files, "workspace"), "CFG104") == []
    laptop = {**files, "src/pipelines/conf/config.yaml": config + "raw: /home/ana/raw\n"}
    assert places(repo(tmp_path, laptop, "laptop"), "CFG104") == [
        "src/pipelines/conf/config.yaml:3"
    ]


MLFLOW_HELPER = (
    "import mlflow\n\n\n"
    "def start(params):\n"
    "    tracking_uri = params.get('mlflow_tracking_uri')\n"
    "    experiment = params.get('experiment_name')\n"
    "    if not tracking_uri or not experiment:\n"
    "        return\n"
    "    mlflow.set_tracking_uri(tracking_uri)\n"
    "    mlflow.set_experiment(experiment)\n"
    "    mlflow.log_param('k', 1)\n"
)


def test_a_tracking_uri_set_only_when_configured(tmp_path: Path) -> None:
    files = {
        **BASE,
        "requirements.txt": "mlflow==2.19.0\nscikit-learn==1.6.1\n",
        "helpers/mlflow_utils.py": MLFLOW_HELPER,
    }
    assert places(repo(tmp_path, files, "guarded"), "TRK102") == []
    always = MLFLOW_HELPER.replace(
        "    if not tracking_uri or not experiment:\n        return\n", ""
    )
    unguarded = {**files, "helpers/mlflow_utils.py": always}
    assert places(repo(tmp_path, unguarded, "always"), "TRK102") == ["helpers/mlflow_utils.py:7"]


def test_a_documentation_folder_on_the_datasets(tmp_path: Path) -> None:
    files = {
        **BASE,
        "data/raw/vessels.dvc": "outs:\n- md5: 0f3c\n  path: vessels\n",
        "data/processed/.gitkeep": "",
        "docs/datasets/README.md": "# Datasets\n\nVessels: 70 two-photon volumes, CC BY.\n",
    }
    assert places(repo(tmp_path, files, "documented"), "LAY106") == []
    bare = {k: v for k, v in files.items() if not k.startswith("docs/")}
    assert places(repo(tmp_path, bare, "bare"), "LAY106") == ["."]
