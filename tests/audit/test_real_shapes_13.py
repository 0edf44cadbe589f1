"""Shapes met on a thirteenth set of public repositories the audit had never seen.

A GitLab CI file opened by a `spec:` header document, experiments kept as Python config
modules or per-algorithm hyperparameter files, a dbt project, a data/ folder of dataset
code, reinforcement learning in simulated environments, data in a lakehouse that versions
its tables, and a cached pickle. Each test reproduces the shape with files written here:
a false problem gone, the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

TRAIN = "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n"
TRAIN += "LogisticRegression().fit(pd.read_csv('data/train.csv'), [])\n"
BASE: dict[str, str | bytes] = {"requirements.txt": "scikit-learn==1.5.2\n", "train.py": TRAIN}

GITLAB_CONFIG = "stages: [test]\n\ntests:\n  stage: test\n  script:\n    - pytest\n"
SPEC_HEADER = "spec:\n  inputs:\n    deploy:\n      type: boolean\n      default: false\n---\n"


def test_a_gitlab_ci_spec_header_document_is_valid(tmp_path: Path) -> None:
    files = {**BASE, "tests/test_train.py": "def test_x():\n    assert True\n"}
    headed = repo(tmp_path, {**files, ".gitlab-ci.yml": SPEC_HEADER + GITLAB_CONFIG}, "spec")
    assert places(headed, "QUA106") == []
    # the config after the header is the one judged: it runs pytest
    assert places(headed, "QUA107") == []
    silent = SPEC_HEADER + GITLAB_CONFIG.replace("pytest", "echo deploy")
    judged = repo(tmp_path, {**files, ".gitlab-ci.yml": silent}, "judged")
    assert places(judged, "QUA107") == [".gitlab-ci.yml"]
    # two configurations, or a header that is not `spec:` alone, stay one error
    twice = repo(tmp_path, {**files, ".gitlab-ci.yml": GITLAB_CONFIG + "---\n" + GITLAB_CONFIG})
    assert places(twice, "QUA106") == [".gitlab-ci.yml:7"]
    header = "spec:\n  inputs: {}\nvariables: {A: '1'}\n---\n"
    mixed = repo(tmp_path, {**files, ".gitlab-ci.yml": header + GITLAB_CONFIG}, "mixed")
    assert places(mixed, "QUA106") == [".gitlab-ci.yml:4"]
    three = SPEC_HEADER + GITLAB_CONFIG + "---\n" + GITLAB_CONFIG
    assert places(repo(tmp_path, {**files, ".gitlab-ci.yml": three}, "three"), "QUA106") == [
        ".gitlab-ci.yml:13"
    ]


def test_python_config_modules_and_hyperparameter_folders_are_configuration(
    tmp_path: Path,
) -> None:
    assert places(repo(tmp_path, BASE, "none"), "LAY105") == ["."]
    modules = {
        **BASE,
        "configs/default_config.py": "from types import SimpleNamespace\ncfg = SimpleNamespace()\n",
        "configs/cfg_resnet_step1.py": "from default_config import cfg\ncfg.lr = 1e-3\n",
    }
    assert places(repo(tmp_path, modules, "modules"), "LAY105") == []
    # an empty package marker, one settings module, or a `config` package inside the
    # code is code, not configuration kept apart from it
    marker = {**BASE, "configs/__init__.py": ""}
    assert places(repo(tmp_path, marker, "marker"), "LAY105") == ["."]
    single = {**BASE, "config/settings.py": "BATCH_SIZE = 32\n"}
    assert places(repo(tmp_path, single, "single"), "LAY105") == ["."]
    package = {
        **BASE,
        "src/config/__init__.py": "",
        "src/config/runtime.py": "import os\nBUCKET = os.getenv('BUCKET', 'b')\n",
        "src/config/naming.py": "PREFIX = 'bikes'\n",
    }
    assert places(repo(tmp_path, package, "package"), "LAY105") == ["."]
    for folder in ("hyperparams", "hparams", "hyperparameters"):
        tuned = {**BASE, f"{folder}/ppo.yml": "CartPole-v1:\n  n_envs: 8\n  n_steps: 32\n"}
        assert places(repo(tmp_path, tuned, folder), "LAY105") == []
    as_json = {**BASE, "hparams/xgb.json": '{"max_depth": 6}\n'}
    assert places(repo(tmp_path, as_json, "json"), "LAY105") == []
    # a folder of that name holding code is no configuration
    code = {**BASE, "hparams/search.py": "import optuna\n"}
    assert places(repo(tmp_path, code, "code"), "LAY105") == ["."]


def test_a_dbt_project_is_configuration(tmp_path: Path) -> None:
    dbt = {
        **BASE,
        "transform/dbt_project.yml": "name: lake\nprofile: lake\nmodel-paths: [models]\n",
        "transform/models/staging/orders.sql": "select * from {{ source('raw', 'orders') }}\n",
    }
    assert places(repo(tmp_path, dbt, "dbt"), "LAY105") == []


def test_a_data_folder_of_dataset_code_needs_no_readme(tmp_path: Path) -> None:
    code = {**BASE, "data/image_dataset.py": "class ImageDataset:\n    pass\n"}
    assert places(repo(tmp_path, code, "code"), "LAY106") == []
    # data beside the code is data to document
    kept = {**code, "data/labels.csv": "id,label\n1,a\n"}
    assert places(repo(tmp_path, kept, "kept"), "LAY106") == ["."]
    # a data/ folder kept by DVC holds only its .gitignore in git: still reported
    dvc = {**BASE, ".dvc/config": "", "data/.gitignore": "/raw\n", "dvc.yaml": "stages: {}\n"}
    assert places(repo(tmp_path, dvc, "dvc"), "LAY106") == ["."]


AGENT = (
    "import gymnasium as gym\nimport torch\nfrom stable_baselines3 import PPO\n"
    "model = PPO('MlpPolicy', gym.make('CartPole-v1'))\nmodel.learn(10_000)\n"
)


def test_reinforcement_learning_has_no_dataset_to_version(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "stable-baselines3==2.3.2\ngymnasium==0.29.1\ntorch==2.4.1\n",
        "train.py": AGENT,
        "logs/ppo-CartPole-v1/0.monitor.csv": "r,l,t\n9.0,9,0.1\n",
    }
    assert places(repo(tmp_path, files, "agent"), "DVC115") == []
    # an agent that trades on a committed price history keeps a dataset
    prices = {**files, "data/prices.csv": "day,close\n1,10.5\n"}
    assert places(repo(tmp_path, prices, "prices"), "DVC115") == ["."]
    # episodes recorded once and loaded as a dataset are data to version
    loader = "from torch.utils.data import DataLoader\nloader = DataLoader([])\n"
    recorded = {**files, "dataset.py": loader}
    assert places(repo(tmp_path, recorded, "recorded"), "DVC115") == ["."]
    supervised = {**BASE, "data/train.csv": "x,y\n1,0\n"}
    assert places(repo(tmp_path, supervised, "supervised"), "DVC115") == ["."]


def test_tables_in_a_versioning_lakehouse_are_versioned(tmp_path: Path) -> None:
    files = {**BASE, "seeds/regions.csv": "id,name\n1,north\n"}
    attach = (
        'import duckdb\ncon = duckdb.connect()\ncon.sql("INSTALL ducklake")\n'
        "con.sql(\"ATTACH 'ducklake:catalog.ducklake' AS lake (DATA_PATH 's3://b/')\")\n"
    )
    lake = repo(tmp_path, {**files, "ingest/load.py": attach}, "ducklake")
    assert places(lake, "DVC115") == []
    for name, requirement in (
        ("lakefs", "lakefs-spec==0.11.0"),
        ("delta", "deltalake==0.20.0"),
        ("iceberg", "pyiceberg==0.8.0"),
        ("pachyderm", "python-pachyderm==7.6.0"),
    ):
        declared = {**files, "requirements.txt": f"scikit-learn==1.5.2\n{requirement}\n"}
        assert places(repo(tmp_path, declared, name), "DVC115") == [], name
    spark = {**files, "etl.py": "from delta.tables import DeltaTable\n"}
    assert places(repo(tmp_path, spark, "spark"), "DVC115") == []
    # plain DuckDB over files versions nothing
    plain = {**files, "ingest/load.py": "import duckdb\nduckdb.sql('select 1')\n"}
    assert places(repo(tmp_path, plain, "plain"), "DVC115") == ["."]
    # a dataset kept in data/ is not in the lakehouse
    kept = {**files, "ingest/load.py": attach, "data/train.csv": "x,y\n1,0\n"}
    assert places(repo(tmp_path, kept, "kept"), "DVC115") == ["."]


def test_a_cached_pickle_is_not_a_model(tmp_path: Path) -> None:
    blob = b"\x80\x04" + bytes(4096)
    for path in ("data/cache/eda_cache.pkl", ".cache/frames.pkl", "features_cache.pickle"):
        cached = repo(tmp_path, {**BASE, path: blob}, path.replace("/", "_"))
        assert places(cached, "DAT103") == [], path
    for path in ("models/model.pkl", "models/cached_model.pkl", "cache/model.pt"):
        model = repo(tmp_path, {**BASE, path: blob}, path.replace("/", "_"))
        assert places(model, "DAT103") == [path], path
