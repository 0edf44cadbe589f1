"""Shapes met on the hundred-and-sixth to hundred-and-ninth sets of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAIN_SCRIPT as TRAIN
from audit.support import audit, places, repo


def test_an_env_example_the_readme_copies_to_dot_env(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "python-dotenv==1.1.0\nscikit-learn==1.6.1\n",
        "train.py": "from dotenv import load_dotenv\n\nload_dotenv()\n" + TRAIN,
        "config.env.example": "DB_USER=app\nDB_PASSWORD=\n",
        "README.md": "# Churn\n\n```bash\ncp config.env.example .env\n```\n",
        ".gitignore": ".venv/\n.env\n",
    }
    assert places(repo(tmp_path, files, "copied"), "SEC104") == []
    bare = {**files, ".gitignore": ".venv/\n"}
    found = places(repo(tmp_path, bare, "bare"), "SEC104")
    assert found == [".gitignore"]
    # Without the copy instruction, config.env is the file the credentials go to.
    plain = {**files, "README.md": "# Churn\n", ".gitignore": ".venv/\n.env\n"}
    assert places(repo(tmp_path, plain, "plain"), "SEC104") == [".gitignore"]


def test_weights_and_biases_imported_but_declared_nowhere(tmp_path: Path) -> None:
    script = "import wandb\n\nwandb.init(project='churn')\n" + TRAIN
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": script,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "undeclared"), "PKG112") == ["train.py:1"]
    declared = {**files, "requirements.txt": "scikit-learn==1.6.1\nwandb==0.19.1\n"}
    assert places(repo(tmp_path, declared, "declared"), "PKG112") == []


HYDRA_TRAIN = (
    "import hydra\n\n\n"
    "@hydra.main(config_path='configs', config_name='config', version_base=None)\n"
    "def main(cfg):\n    print(cfg)\n\n\nmain()\n"
)


def test_defaults_entries_named_from_the_config_root_are_no_paths(tmp_path: Path) -> None:
    experiment = (
        "# @package _global_\ndefaults:\n  - /tasks/channel_split\n  - /paths/abc\n"
        "  - override /hydra/launcher: basic\n  - _self_\n\n"
        "trainer:\n  ckpt_dir: /home/alice/checkpoints\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\n",
        "train.py": HYDRA_TRAIN,
        "configs/config.yaml": "defaults:\n  - _self_\nseed: 0\n",
        "configs/tasks/channel_split.yaml": "name: split\n",
        "configs/paths/abc.yaml": "root: data\n",
        "configs/experiments/run.yaml": experiment,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files), "CFG104") == ["configs/experiments/run.yaml:9"]


def test_wikimedia_pipelinelib_is_ci_and_its_blubber_scripts_are_read(tmp_path: Path) -> None:
    config = (
        "pipelines:\n  outlink:\n    blubberfile: outlink/blubber.yaml\n    stages:\n"
        "      - name: run-test\n        build: test\n        run: true\n"
    )
    blubber = (
        "version: v4\nvariants:\n  test:\n    copies:\n      - from: local\n"
        "        source: ci_entrypoint.sh\n        destination: entrypoint.sh\n"
        "    entrypoint: [./entrypoint.sh]\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "tests/test_train.py": "def test_one():\n    assert 1\n",
        ".pipeline/config.yaml": config,
        ".pipeline/outlink/blubber.yaml": blubber,
        "ci_entrypoint.sh": "#!/bin/bash\npytest tests\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "runs")
    assert places(root, "QUA110") == []
    assert places(root, "QUA107") == []
    silent = {**files, "ci_entrypoint.sh": "#!/bin/bash\necho built\n"}
    assert places(repo(tmp_path, silent, "silent"), "QUA107") == [".pipeline/config.yaml"]


def test_a_generated_key_a_module_assigns(tmp_path: Path) -> None:
    key = "e46d7ffc78de48a3a39aafa4bc1a6634.PxLyTIzIuKWF8lfN"
    demo = f'from client import Client\n\napi_key = "{key}"\nclient = Client(api_key=api_key)\n'
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "working_demo.py": demo,
        "check_api.py": f'import requests\n\nrequests.get("x", params={{"api_key": "{key}"}})\n',
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "leaked"), "SEC103") == ["check_api.py:3"]
    quiet = {
        **files,
        "working_demo.py": 'import os\n\napi_key = os.environ["API_KEY"]\n',
        "check_api.py": 'api_key = "your-api-key-here-please"  # a placeholder\n',
        "tests/test_api.py": f'API_KEY = "{key}"\n',
        "page.py": 'HTML = """\n<script>var k = {authToken: "'
        + key
        + '"};</script>'
        + " " * 400
        + '\n"""\n',
    }
    assert places(repo(tmp_path, quiet, "quiet"), "SEC103") == []


def test_scripts_in_yaml_blocks_and_names_of_secrets_are_no_credentials(tmp_path: Path) -> None:
    job = (
        "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - name: bootstrap\n          command: [python, -c]\n          args:\n"
        "            - |\n"
        "              token = handle.read().strip()\n"
        '              CONTROLLER_TOKEN = controller_token_resp["token"]\n'
        '              api_token = f"plane_api_{uuid.uuid4().hex}"\n'
        "              DB_PASSWORD = 'Xk2p9Lq7Wm4z'\n"
    )
    dspa = (
        "spec:\n  objectStorage:\n    s3CredentialsSecret:\n"
        "      secretName: dspa-object-storage\n      accessKey: accesskey\n"
        "      secretKey: secretkey\n"
    )
    readme = (
        "# Paper C\n\n## Required non-secret variables\n\n```bash\n"
        "export PAPER_C_HF_SECRET=paper-c-hf-token\n"
        "export PAPER_C_DB_PASSWORD=Zq81-Ld0kW7s\n```\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "k8s/bootstrap-job.yaml": job,
        "k8s/dspa.yaml": dspa,
        "cloud/README.md": readme,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files)
    assert places(root, "SEC106") == ["k8s/bootstrap-job.yaml:14"]
    assert places(root, "SEC105") == ["cloud/README.md:7"]


def test_a_licence_folder_and_a_rust_linter_in_ci(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: cargo fmt --check\n      - run: cargo clippy -- -D warnings\n"
        "      - run: pytest\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "tests/test_train.py": "def test_one():\n    assert 1\n",
        "LICENSE/MIT License": "MIT License\n\nCopyright (c) 2025\n",
        ".flake8": "[flake8]\nmax-line-length = 100\n",
        ".github/workflows/ci.yml": workflow,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "rust")
    assert places(root, "LAY102") == []
    assert places(root, "QUA109") == []
    python_only = {**files, ".github/workflows/ci.yml": workflow.replace("cargo", "echo")}
    assert places(repo(tmp_path, python_only, "plain"), "QUA109") == [".github/workflows/ci.yml"]


def test_a_tracking_uri_set_only_when_configured_through_str(tmp_path: Path) -> None:
    tracking = (
        "import mlflow\n\n\ndef start(mlflow_cfg):\n"
        '    tracking_uri = mlflow_cfg.get("tracking_uri")\n'
        "    if tracking_uri:\n        mlflow.set_tracking_uri(str(tracking_uri))\n"
        "    with mlflow.start_run():\n        mlflow.log_metric('x', 1.0)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\nmlflow==2.16.2\n",
        "train.py": TRAIN,
        "tracking.py": tracking,
        ".gitignore": ".venv/\nmlruns/\nmlflow.db\n",
    }
    assert places(repo(tmp_path, files, "guarded"), "TRK102") == []
    always = {**files, "tracking.py": tracking.replace("    if tracking_uri:\n    ", "")}
    assert places(repo(tmp_path, always, "always"), "TRK102") == ["tracking.py:6"]


def test_sample_data_a_test_reads_a_web_bundle_and_a_results_table(tmp_path: Path) -> None:
    rows = "".join(f"r{i},cfg,{i % 3},0.{i % 9}1,0.8{i % 7},0.7{i % 5}\n" for i in range(900))
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "tests/test_db.py": (
            "from pathlib import Path\n\n"
            'DATA = Path(__file__).parents[1] / "sample-data" / "cpsc2018"\n\n\n'
            "def test_one():\n    assert DATA\n"
        ),
        "sample-data/cpsc2018/A1986.mat": b"\x00\x01" * 1_100_000,
        "static/swagger-ui/swagger-ui-bundle.js": "var a=1;" * 180_000,
        "test-data/station/rainfall.csv": "t,mm\n" + "2021-01-01,0.5\n" * 2_000,
        "results/ablation_table.csv": "run_id,config,seed,accuracy,auc,f1\n" + rows,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "kept")
    assert places(root, "DAT101") == []
    assert places(root, "DAT102") == []
    unread = {
        **files,
        "tests/test_db.py": "def test_one():\n    assert 1\n",
        "results/train_split.csv": "age,income,label\n" + "31,5400,1\n" * 3_000,
    }
    other = repo(tmp_path, unread, "unread")
    assert places(other, "DAT101") == ["sample-data/cpsc2018/A1986.mat"]
    assert places(other, "DAT102") == ["results/train_split.csv"]


def test_published_data_a_script_downloads_and_seeded_mock_data(tmp_path: Path) -> None:
    reads = (
        "import pandas as pd\nfrom sklearn.linear_model import Ridge\n\n"
        "df = pd.read_csv('data/raw/train.csv')\nRidge().fit(df[['a']], df['b'])\n"
    )
    base: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\npandas==2.2.3\n",
        "train.py": reads,
        ".gitignore": ".venv/\ndata/\n",
    }
    kaggle = {**base, "scripts/fetch.sh": "kaggle datasets download -d owner/loans -p data/raw\n"}
    assert places(repo(tmp_path, kaggle, "kaggle"), "DVC115") == []
    url = "from urllib.request import urlretrieve\n\nurlretrieve(URL, 'data/raw/train.csv')\n"
    assert places(repo(tmp_path, {**base, "download_data.py": url}, "url"), "DVC115") == []
    mock = (
        "import numpy as np\nimport pandas as pd\n\nrng = np.random.default_rng(42)\n"
        "pd.DataFrame({'a': rng.normal(size=9), 'b': rng.normal(size=9)})"
        ".to_csv('data/raw/train.csv')\n"
    )
    generated = {**base, "mock_data/gen_customers.py": mock}
    assert places(repo(tmp_path, generated, "mock"), "DVC115") == []
    # Pages scraped into a corpus of its own, or a private extract: nothing published.
    scrape = "import urllib.request\n\nurllib.request.urlopen('https://news.example.org/')\n"
    assert places(repo(tmp_path, {**base, "download.py": scrape}, "scrape"), "DVC115") == ["."]
    assert places(repo(tmp_path, base, "own"), "DVC115") == ["."]


def test_runs_kept_in_the_projects_own_table_or_logger(tmp_path: Path) -> None:
    base: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\nsqlalchemy==2.0.36\n",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    entities = (
        "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n"
        '    pass\n\n\nclass ForecastRun(Base):\n    __tablename__ = "forecast_runs"\n'
    )
    tables = {**base, "app/models/entities.py": entities}
    assert places(repo(tmp_path, tables, "table"), "TRK107") == []
    logger = "def fit(runner, loss):\n    runner.logger.report_scalar('loss', 'train', loss, 0)\n"
    assert places(repo(tmp_path, {**base, "hooks.py": logger}, "logger"), "TRK107") == []
    assert places(repo(tmp_path, base, "untracked"), "TRK107") == ["."]


def test_a_report_with_a_few_legacy_encoded_characters(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "experiments/summary.md": b"# Summary\n\nTotal: 90 runs (30 configurations \xd7 3 seeds)\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "stray"), "LAY112") == []
    utf16 = {**files, "experiments/summary.md": "# Summary\n".encode("utf-16")}
    assert places(repo(tmp_path, utf16, "utf16"), "LAY112") == ["experiments/summary.md"]
    readme = {**files, "README.md": b"# Caf\xe9 predictions\n"}
    assert places(repo(tmp_path, readme, "readme"), "LAY112") == ["README.md"]


def test_a_korean_setup_heading_and_a_provisioning_script(tmp_path: Path) -> None:
    base: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    korean = {**base, "README.md": "# Off-policy\n\n## 7. 클러스터 셋업 (1회)\n\nrun it once\n"}
    assert places(repo(tmp_path, korean, "ko"), "DOC101") == []
    script = {**base, "README.md": "# Off-policy\n\n```\nbash scripts/provision.sh\n```\n"}
    assert places(repo(tmp_path, script, "sh"), "DOC101") == []
    bare = {**base, "README.md": "# Off-policy\n\nResults of the study.\n"}
    assert places(repo(tmp_path, bare, "bare"), "DOC101") == ["README.md"]


def test_a_lazy_import_in_a_file_that_guards_the_same_module(tmp_path: Path) -> None:
    reranker = (
        "class Reranker:\n    def __post_init__(self):\n        try:\n            import torch\n"
        "        except ImportError as exc:\n"
        "            raise RuntimeError('needs torch') from exc\n\n"
        "    def rerank(self, query):\n        import torch\n\n        return torch.tensor([1])\n"
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "rag-agent"\nversion = "0.1.0"\n'
        'dependencies = ["scikit-learn==1.6.1"]\n\n[build-system]\n'
        'requires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n',
        "service/__init__.py": "",
        "service/rerank.py": reranker,
        "service/train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "guarded"), "PKG105") == []
    bare = {**files, "service/rerank.py": "def rerank(q):\n    import torch\n\n    return q\n"}
    assert places(repo(tmp_path, bare, "bare"), "PKG105") == ["service/rerank.py:2"]


def test_an_env_example_a_deploy_script_installs_outside_the_checkout(tmp_path: Path) -> None:
    install = (
        '#!/bin/bash\nSCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"\n'
        'ENV_FILE="${ENV_FILE:-/etc/weatheredge.env}"\n'
        'sudo install -m 600 "$SCRIPT_DIR/sfo-weather.env.example" "$ENV_FILE"\n'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "python-dotenv==1.1.0\nscikit-learn==1.6.1\n",
        "train.py": "from dotenv import load_dotenv\n\nload_dotenv()\n" + TRAIN,
        "deploy/aws/sfo-weather.env.example": "KALSHI_API_KEY=\nDB_PASSWORD=\n",
        "deploy/aws/install_systemd.sh": install,
        ".gitignore": ".venv/\n.env\n",
    }
    assert places(repo(tmp_path, files, "installed"), "SEC104") == []
    kept = {**files, "deploy/aws/install_systemd.sh": "#!/bin/bash\necho install\n"}
    assert places(repo(tmp_path, kept, "kept"), "SEC104") == [".gitignore"]


def test_a_trust_policy_condition_and_token_lengths_on_a_shell_line(tmp_path: Path) -> None:
    policy = (
        '{\n  "Statement": [{\n    "Condition": {\n'
        '      "StringEquals": {\n'
        '        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"\n      },\n'
        '      "StringLike": {\n'
        '        "token.actions.githubusercontent.com:sub": "repo:team/app:*"\n'
        "      }\n    }\n  }]\n}\n"
    )
    workflow = (
        "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: |\n          PPO_MAX_TOKEN_LEN=1024 FWD_MAX_TOKEN_LEN=1024 \\\n"
        "            python train.py actor.ppo_max_token_len_per_gpu=2048 \\\n"
        "            trainer.api_token=Zr8Kq2Lm5Wp9Xt3V\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "trust-policy.json": policy,
        ".github/workflows/e2e.yml": workflow,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files)
    assert places(root, "SEC106") == []
    assert places(root, "SEC103") == [".github/workflows/e2e.yml:9"]  # a real one still is


def test_unittest_modules_named_the_java_way_are_tests(tmp_path: Path) -> None:
    case = (
        "import unittest\n\n\nclass DifferTest(unittest.TestCase):\n"
        "    def test_no_empty_strings(self):\n        self.assertTrue(True)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "editor/test_utils.py": "def save_predicted(rows):\n    return rows\n",
        "tests/DifferTest.py": case,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "camel"), "LAY104") == []
    helpers = {k: v for k, v in files.items() if k != "tests/DifferTest.py"}
    assert places(repo(tmp_path, helpers, "helpers"), "LAY104") != []


def test_datasets_kept_as_git_submodules(tmp_path: Path) -> None:
    reads = (
        "import pandas as pd\nfrom sklearn.linear_model import Ridge\n\n"
        "df = pd.read_csv('data/challenge/train.csv')\nRidge().fit(df[['a']], df['b'])\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\npandas==2.2.3\n",
        "train.py": reads,
        ".gitmodules": '[submodule "challenge"]\n\tpath = data/challenge\n'
        "\turl = https://example.org/challenge-dataset.git\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "submodule"), "DVC115") == []
    plain = {k: v for k, v in files.items() if k != ".gitmodules"}
    assert places(repo(tmp_path, plain, "plain"), "DVC115") == ["."]


def test_an_atlas_a_package_ships_and_loads(tmp_path: Path) -> None:
    synb0 = "from pathlib import Path\n\nATLAS = Path(__file__).parent / 'data' / 'mni_t1.nii.gz'\n"
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "neuro-app"\nversion = "0.1.0"\n'
        'dependencies = ["scikit-learn==1.6.1"]\n',
        "uv.lock": "version = 1\n",
        "src/neuro/__init__.py": "",
        "src/neuro/train.py": TRAIN,
        "src/neuro/dmri/__init__.py": "",
        "src/neuro/dmri/synb0.py": synb0,
        "src/neuro/dmri/data/mni_t1.nii.gz": b"\x1f\x8b" + b"\x02" * 1_900_000,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "shipped"), "DAT101") == []
    unnamed = {**files, "src/neuro/dmri/synb0.py": "def load():\n    return None\n"}
    assert places(repo(tmp_path, unnamed, "unnamed"), "DAT101") == [
        "src/neuro/dmri/data/mni_t1.nii.gz"
    ]


def test_a_pinned_requirements_file_with_test_tools_as_ranges(tmp_path: Path) -> None:
    pinned = "fastapi==0.115.0\nscikit-learn==1.5.2\nmlflow==2.9.2\n# Testing\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": pinned + "pytest>=7.0\npytest-asyncio>=0.23\n",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "pinned"), "PKG107") == []
    ranged = {**files, "requirements.txt": pinned.replace("==0.115.0", ">=0.115")}
    assert places(repo(tmp_path, ranged, "ranged"), "PKG107") == ["requirements.txt"]


def test_a_flask_app_a_deploy_script_writes_as_text(tmp_path: Path) -> None:
    deploy = (
        "from pathlib import Path\n\n\ndef deploy_local_docker(out: Path) -> None:\n"
        '    app = f"""\nfrom flask import Flask, request, jsonify\nimport joblib\n\n'
        "app = Flask(__name__)\nmodel = joblib.load('model.pkl')\n\n"
        "@app.route('/predict', methods=['POST'])\ndef predict():\n"
        "    return jsonify({{'prediction': model.predict(request.json)}})\n"
        '"""\n    (out / "app.py").write_text(app)\n'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\nflask==3.1.0\n",
        "train.py": TRAIN,
        "scripts/deploy_model.py": deploy,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "text"), "SRV101") == []
    served = (
        "from flask import Flask, request, jsonify\nimport joblib\n\napp = Flask(__name__)\n"
        "model = joblib.load('model.pkl')\n\n\n@app.route('/predict', methods=['POST'])\n"
        "def predict():\n    return jsonify({'prediction': model.predict(request.json)})\n"
    )
    real = {**files, "scripts/deploy_model.py": served}
    assert places(repo(tmp_path, real, "real"), "SRV101") == ["scripts/deploy_model.py:8"]


def test_instructions_in_parentheses_and_a_dotted_generated_key(tmp_path: Path) -> None:
    readme = (
        "# Insurance\n\n```bash\n"
        'export MONGO_USER="(write the mongodb atlas user name)"\n'
        'export MONGO_PASSWORD="(write the mongodb atlas password)"\n```\n'
    )
    key = "Xk2p9Lq7Wm4zAb3C." + "f3A9kQ2mZ7xR4tL8pW1nB6vD0sH5jC2e" * 2
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "README.md": readme,
        "services/dashboard/.credentials.env": f"api_key={key}\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files)
    assert places(root, "SEC105") == []
    assert places(root, "SEC103") == ["services/dashboard/.credentials.env:1"]
    assert places(root, "SEC106") == []


def test_a_vocabulary_table_and_sphinx_build_environment(tmp_path: Path) -> None:
    vocab = "id,char,freq\n0,<pad>,0\n" + "".join(f"{i},c{i},{i}\n" for i in range(2, 2500))
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "data/vocab/aihub_character_vocabs.csv": vocab,
        "docs/build/doctrees/environment.pickle": b"\x80\x04\x95" + b"\x00" * 3_000_000,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "kept")
    assert places(root, "DAT102") == []
    assert places(root, "DAT103") == []
    moved = {
        **{k: v for k, v in files.items() if not k.startswith(("data/", "docs/"))},
        "data/raw/aihub_character_vocabs.csv": vocab,
    }
    found = places(repo(tmp_path, moved, "moved"), "DAT102")
    assert found == ["data/raw/aihub_character_vocabs.csv"]


def test_a_readme_with_a_utf16_line_appended_is_one_finding(tmp_path: Path) -> None:
    readme = b"# GNN viz\n\n## Quick Start\n\n```\npip install -r requirements.txt\n```\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "README.md": readme + "# GNN_viz\r\n".encode("utf-16-le"),
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files)
    assert places(root, "LAY112") == ["README.md"]
    assert places(root, "DOC101") == []


def test_a_committed_env_file_of_settings_and_doc_examples_of_tokens(tmp_path: Path) -> None:
    auth = (
        'def login():\n    """Log in.\n\n    **Response:**\n\n    ```json\n'
        '    {"access_token": "eyJ0eXAiOiJKV1QiLCJhbGc...", "token_type": "bearer"}\n'
        '    ```\n    """\n'
    )
    incidents = (
        'LEAKED = {\n    "content": (\n'
        "        \"STRIPE_KEY = 'sk-live-abc123def456ghi789jkl012mno345pqr678'\\n\"\n"
        "        \"GITHUB_TOKEN = 'ghp_16C7e42F292c6912E7710c838347Ae5B21'\\n\"\n    ),\n}\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        ".env.local": "DEBUG=true\nLOG_LEVEL=DEBUG\nMAX_BATCH_SIZE=50\n",
        "service/auth.py": auth,
        "demo/incidents.py": incidents,
        ".gitignore": ".venv/\n#.env\n",
    }
    root = repo(tmp_path, files, "settings")
    assert places(root, "SEC104") == []
    assert places(root, "SEC103") == []
    assert places(root, "SEC101") == []
    loads = {**files, "train.py": "from dotenv import load_dotenv\n\nload_dotenv()\n" + TRAIN}
    assert places(repo(tmp_path, loads, "loads"), "SEC104") == [".gitignore"]


def test_a_dev_declared_tool_a_runtime_dependency_installs_by_the_lock(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry]\nname = "props"\nversion = "0.1.0"\ndescription = ""\nauthors = []\n'
        'packages = [{ include = "props", from = "src" }]\n\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\nlightgbmlss = ">=0.6"\n'
        'scikit-learn = "^1.6"\n\n'
        '[tool.poetry.group.dev.dependencies]\nlightgbm = ">=4.6.0,<4.7.0"\n\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
    )
    lock = (
        '[[package]]\nname = "lightgbmlss"\nversion = "0.6.0"\n\n[package.dependencies]\n'
        'lightgbm = ">=4.0,<5.0"\n\n[[package]]\nname = "lightgbm"\nversion = "4.6.0"\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "poetry.lock": lock,
        "src/props/__init__.py": "",
        "src/props/screen.py": "from lightgbm import LGBMRegressor\n\nLGBMRegressor()\n",
        "src/props/train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "locked"), "PKG105") == []
    bare = {**files, "poetry.lock": lock.split("\n\n[package.dependencies]")[0] + "\n"}
    assert places(repo(tmp_path, bare, "bare"), "PKG105") == ["src/props/screen.py:1"]


def test_a_setup_cfg_of_lint_settings_is_no_manifest(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.cfg": "[flake8]\nmax-line-length = 88\n\n[isort]\nprofile = black\n",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "lint")
    assert places(root, "PKG101") == ["."]
    assert places(root, "PKG107") == []
    package = {
        **files,
        "setup.cfg": "[metadata]\nname = jeju\n\n[options]\ninstall_requires =\n"
        "    scikit-learn==1.6.1\n",
    }
    assert places(repo(tmp_path, package, "package"), "PKG101") == []


def test_a_poetry_project_in_package_mode_false_is_an_application(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry]\nname = "rental"\nversion = "0.1.0"\ndescription = ""\nauthors = []\n'
        'package-mode = false\n\n[tool.poetry.dependencies]\npython = "^3.11"\n'
        'scikit-learn = "^1.6"\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "poetry.lock": "# lock\n",
        "rental/__init__.py": "",
        "rental/fit.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "app")
    assert "TRK107" in {f.rule for f in audit(root).issues}
    library = {**files, "pyproject.toml": pyproject.replace("package-mode = false\n", "")}
    assert "TRK107" not in {f.rule for f in audit(repo(tmp_path, library, "lib")).issues}


def test_a_tracking_uri_set_from_a_config_item_only_when_given(tmp_path: Path) -> None:
    train = (
        "import mlflow\n\n\nclass Trainer:\n    def run(self):\n"
        '        if self.config["mlflow"]["tracking_uri"]:\n'
        '            mlflow.set_tracking_uri(self.config["mlflow"]["tracking_uri"])\n'
        "        with mlflow.start_run():\n            mlflow.log_metric('x', 1.0)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\nmlflow==2.16.2\n",
        "train.py": TRAIN,
        "trainer.py": train,
        ".gitignore": ".venv/\nmlruns/\nmlflow.db\n",
    }
    assert places(repo(tmp_path, files, "item"), "TRK102") == []


INSTALL = "python3 -m pip install --user -r dependencies.txt"


def test_a_requirements_list_by_another_name_and_entry_points(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "nlp-shap"\nversion = "0.1.0"\n'
        'dependencies = ["scikit-learn==1.6.1"]\n\n'
        '[project.entry-points."nlp_shap.renderers"]\n'
        'token_text = "nlp_shap.viz.token_text:TokenTextRenderer"\n'
    )
    files: dict[str, str | bytes] = {
        "dependencies.txt": "scikit-learn==1.6.1\npandas==2.2.3\n",
        "readme-setup.md": "# Setup\n\n```\n" + INSTALL + "\n```\n",
        "train.py": "import pandas as pd\n\n" + TRAIN,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "named")
    assert places(root, "PKG101") == []
    assert places(root, "PKG112") == []
    unnamed = {k: v for k, v in files.items() if k != "readme-setup.md"}
    assert places(repo(tmp_path, unnamed, "unnamed"), "PKG101") == ["."]
    plugin = {**files, "pyproject.toml": pyproject}
    assert places(repo(tmp_path, plugin, "plugin"), "SEC106") == []


def test_a_local_service_pair_and_an_instruction_in_a_readme(tmp_path: Path) -> None:
    readme = (
        "# Platform\n\n```bash\n"
        'export AWS_ACCESS_KEY_ID="minioaccesskey"\n'
        'export AWS_SECRET_ACCESS_KEY="miniosecretkey123"\n'
        'export DOCKER_PASSWORD="replace with your personal access token from dockerhub"\n'
        'export HF_TOKEN="Zr8Kq2Lm5Wp9Xt3VbN7c"\n```\n'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "README.md": readme,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files), "SEC105") == ["README.md:7"]


def test_a_dependency_named_for_secrets_is_no_credential(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry]\nname = "metastatic"\nversion = "0.1.0"\ndescription = ""\n'
        'authors = []\n\n[tool.poetry.dependencies]\npython = "^3.11"\n'
        'google-cloud-secret-manager = "~=2.16"\nscikit-learn = "^1.6"\n'
        'db_password = "bluewhale77"\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files), "SEC106") == ["pyproject.toml:11"]
