"""Shapes met on a fifty-eighth and fifty-ninth set of public repositories.

Jinja templates beside a Hydra entry point, a Firebase web config, a vendored CRD larger
than the audit reads whole, an `import mlflow` left unused, settings in Azure ML job
definitions and in a `configurations/` folder, a placeholder path, an evaluation
script named `test.py`, a conda environment kept in `environments/`, Azure Pipelines
kept in `tests/ci/`, a script that writes the conda environment, data the code
generates, a scaffolding tool that runs pre-commit, and Kubernetes values that name a
secret's namespace or demonstrate a quick start. Each test writes the shape here and
checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo

RUNNER = (
    "import hydra\n\n\n"
    '@hydra.main(config_path=".", config_name="mloq")\n'
    "def main(cfg):\n    print(cfg)\n"
)


def test_jinja_templates_beside_a_hydra_entry_point(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\n",
        "src/mloq/__init__.py": "",
        "src/mloq/runner.py": RUNNER,
        "src/mloq/mloq.yaml": "project:\n  name: demo\n",
        "src/mloq/assets/push.yml": "on:\n  push:\n    branches:\n      - {{ci.default_branch}}\n",
    }
    assert places(repo(tmp_path, files, "jinja"), "CFG101") == []
    broken = {**files, "src/mloq/assets/push.yml": "on:\n  push: [main\n"}
    assert places(repo(tmp_path, broken, "broken"), "CFG101") == ["src/mloq/assets/push.yml:3"]


FIREBASE = (
    "import { initializeApp } from 'firebase/app';\n\n"
    "const firebaseConfig = {\n"
    "  apiKey: import.meta.env.VITE_FIREBASE_API_KEY ?? '{key}',\n"
    "  authDomain: 'drift-monitor.firebaseapp.com',\n"
    "  projectId: 'drift-monitor',\n"
    "};\n\nexport const app = initializeApp(firebaseConfig);\n"
)
KEY = "AIzaSyD4k9Qm2xWv7Lp3Rt8Zc1Nb6Hj5Fg0Ks2E"  # pragma: allowlist secret


def test_a_firebase_web_config_key_is_public(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"frontend/src/lib/firebase.ts": FIREBASE.replace("{key}", KEY)}
    assert places(repo(tmp_path, files, "firebase"), "SEC101") == []
    maps = {"src/geo.py": f'MAPS_KEY = "{KEY}"  # pragma: allowlist secret\n'}
    maps["src/geo.py"] = maps["src/geo.py"].replace("  # pragma: allowlist secret", "")
    assert places(repo(tmp_path, maps, "maps"), "SEC101") == ["src/geo.py:1"]


def test_a_vendored_crd_larger_than_the_audit_reads(tmp_path: Path) -> None:
    head = "# Source: crds/ray.io_rayclusters.yaml\n---\napiVersion: apiextensions.k8s.io/v1\n"
    crd = head + "kind: CustomResourceDefinition\nspec:\n" + "  # schema line\n" * 160_000
    files: dict[str, str | bytes] = {
        "README.md": "# Kubeflow on EKS\n",
        "upstream/ray/resources.yaml": crd,
    }
    root = repo(tmp_path, files, "crd")
    assert (root / "upstream/ray/resources.yaml").stat().st_size > 2_100_000
    assert places(root, "DAT101") == []
    table = {**files, "upstream/ray/resources.yaml": "a,b\n" + "1,2\n" * 600_000}
    assert places(repo(tmp_path, table, "table"), "DAT101") == ["upstream/ray/resources.yaml"]


TRAIN = (
    "import xgboost as xgb\n\n"
    "xgb.XGBClassifier().fit([[0], [1]], [0, 1])\n"
    'open("experiment_results/scores.txt", "w").write("0.9")\n'
)


def test_an_unused_mlflow_import_is_no_tracking(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "nba"\nversion = "0.1"\n',
        "ml_experiments/run_experiments.py": TRAIN,
        "practice/training_v2.py": "import mlflow\nimport mlflow.sklearn\n\nprint('practice')\n",
        ".gitignore": "mflow.db\nmlruns/\n",
    }
    root = repo(tmp_path, files, "unused")
    assert audit(root).profile.mlflow is False
    assert places(root, "TRK104") == []
    assert places(root, "TRK107") == ["."]
    used = "import mlflow\n\nmlflow.log_metric('acc', 0.9)\n"
    root = repo(tmp_path, {**files, "practice/training_v2.py": used}, "used")
    assert audit(root).profile.mlflow is True
    assert places(root, "TRK107") == []


COMPONENT = (
    "name: classification_model_selector\ntype: command\n"
    "inputs:\n  split_ratio:\n    type: number\n    default: 0.7\n"
)
JOB = (
    "$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\n"
    "command: python train.py --ratio ${{inputs.ratio}}\n"
    "inputs:\n  ratio: 0.7\ncompute: azureml:cpu-cluster\n"
)


def test_settings_in_azure_ml_jobs_and_a_configurations_folder(tmp_path: Path) -> None:
    code = (
        "from sklearn.linear_model import LinearRegression\n\nLinearRegression().fit([[0]], [0])\n"
    )
    base: dict[str, str | bytes] = {"requirements.txt": "scikit-learn==1.5.2\n", "train.py": code}
    assert places(repo(tmp_path, base, "none"), "LAY105") == ["."]
    azure = {**base, "cli/jobs/train.yml": JOB, "components/select.yaml": COMPONENT}
    assert places(repo(tmp_path, azure, "azure"), "LAY105") == []
    modules = {
        **base,
        "configurations/default.py": "learning_rate = 0.01\n",
        "configurations/je_ss.py": "from configurations.default import *\n\nlearning_rate = 0.1\n",
    }
    assert places(repo(tmp_path, modules, "modules"), "LAY105") == []


CONFIG = (
    "data:\n"
    "  # ABSOLUTE path to data directory\n"
    "  data_dir: /replace/with/your/path\n"
    "  video_dir: {video}\n"
)


def test_a_placeholder_path_in_a_config_template(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\n",
        "scripts/train.py": (
            'import hydra\n\n\n@hydra.main(config_path="configs", config_name="config")\n'
            "def main(cfg):\n    pass\n"
        ),
        "scripts/configs/config.yaml": CONFIG.format(video="/replace/with/your/path"),
    }
    assert places(repo(tmp_path, files, "placeholder"), "CFG104") == []
    real = {**files, "scripts/configs/config.yaml": CONFIG.format(video="/home/zeus/videos")}
    assert places(repo(tmp_path, real, "real"), "CFG104") == ["scripts/configs/config.yaml:4"]


EVALUATE = (
    "import argparse\n\nimport torch\n\n\n"
    "def main():\n    parser = argparse.ArgumentParser()\n"
    '    parser.add_argument("-w", "--weights")\n'
    "    torch.load(parser.parse_args().weights)\n\n\n"
    'if __name__ == "__main__":\n    main()\n'
)


def test_an_evaluation_script_named_test_gives_ci_nothing_to_run(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.4.1\n",
        "train.py": "import torch\n\ntorch.nn.Linear(1, 1)(torch.zeros(1)).sum().backward()\n",
        "test.py": EVALUATE,
        "tools/lr_range_test.py": "def find():\n    raise NotImplementedError()\n",
        ".github/workflows/lint.yml": "on: push\njobs:\n  lint:\n    steps:\n      - run: ruff .\n",
    }
    root = repo(tmp_path, files, "scripts")
    assert places(root, "QUA107") == []
    assert places(root, "LAY104") == ["tools/lr_range_test.py"]
    tested = {**files, "tests/test_train.py": "def test_train():\n    assert True\n"}
    assert places(repo(tmp_path, tested, "tested"), "QUA107") == [".github/workflows/lint.yml"]


CONDA = (
    "name: nyc-taxi\nchannels:\n  - conda-forge\n"
    "dependencies:\n  - python=3.8.5\n  - pip\n  - pip:\n    - mlflow==1.30.0\n"
)


def test_a_conda_environment_in_an_environments_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "taxi"\nversion = "0.1.0"\n\n[tool.black]\n',
        "pipelines/eval/eval.py": "import mlflow\n\nmlflow.log_metric('rmse', 1.0)\n",
        "environments/conda_train.yml": CONDA,
    }
    assert places(repo(tmp_path, files, "environments"), "PKG112") == []
    elsewhere = {**files, "deploy/conda_train.yml": CONDA}
    del elsewhere["environments/conda_train.yml"]
    assert places(repo(tmp_path, elsewhere, "elsewhere"), "PKG112") == ["pipelines/eval/eval.py:1"]


SETUP_NLP = "from setuptools import setup\n\nsetup(name='utils_nlp', install_requires=[])\n"
AZURE_PIPELINE = (
    "pr: none\ntrigger: none\n\njobs:\n- job: unit\n  pool:\n    vmImage: ubuntu-latest\n"
    "  steps:\n  - script: pytest tests/unit\n"
)


def test_azure_pipelines_kept_in_a_ci_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": SETUP_NLP,
        "utils_nlp/__init__.py": "",
        "utils_nlp/model.py": "import torch\n\ntorch.nn.Linear(1, 1)(torch.zeros(1)).sum()\n",
        "tests/unit/test_utils.py": "def test_x():\n    assert True\n",
        "tests/ci/cpu_unit_tests_linux.yml": AZURE_PIPELINE,
    }
    root = repo(tmp_path, files, "azure")
    assert audit(root).profile.ci == ("azure",)
    assert places(root, "QUA110") == []
    other = {**files, "tests/ci/cpu_unit_tests_linux.yml": "matrix:\n  python: [3.8]\n"}
    assert places(repo(tmp_path, other, "other"), "QUA110") == ["."]


GENERATOR = (
    '"""Write the conda environment file."""\n\n'
    "CONDA_BASE = {\n"
    '    "pandas": "pandas>=0.24.2",\n'
    '    "scikit-learn": "scikit-learn>=0.19.0,<=0.20.3",\n'
    "}\n"
)


def test_a_script_that_writes_the_conda_environment(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": SETUP_NLP,
        "utils_nlp/__init__.py": "",
        "utils_nlp/dataset.py": "import pandas as pd\nimport sklearn\n",
        "tools/generate_conda_file.py": GENERATOR,
    }
    assert places(repo(tmp_path, files, "generated"), "PKG105") == []
    other = {**files, "tools/generate_conda_file.py": GENERATOR.replace("pandas>=", "numpy>=")}
    assert places(repo(tmp_path, other, "other"), "PKG105") == ["utils_nlp/dataset.py:1"]


def test_data_the_code_generates(tmp_path: Path) -> None:
    generator = (
        "import numpy as np\n\n\ndef batch(seed):\n"
        "    rng = np.random.default_rng(seed)\n    return rng.normal(size=(100, 3))\n"
    )
    train = (
        "from sklearn.linear_model import LogisticRegression\n\n"
        "from app.services.data_generator import batch\n\n"
        "LogisticRegression().fit(batch(0), [0, 1] * 50)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "app/__init__.py": "",
        "app/services/__init__.py": "",
        "app/services/data_generator.py": generator,
        "scripts/retrain.py": train,
    }
    assert places(repo(tmp_path, files, "generated"), "DVC115") == []
    reads = train + "import pandas as pd\n\npd.read_csv('data/raw/events.csv')\n"
    assert places(repo(tmp_path, {**files, "scripts/retrain.py": reads}, "reads"), "DVC115") == [
        "."
    ]


SETUP = """\
from setuptools import setup

setup(name="mloq", install_requires=["hydra-core>=1.3", "pre-commit>=2.15.0"])
"""


def test_a_dev_tool_the_package_runs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": SETUP,
        "mloq/__init__.py": "",
        "mloq/git.py": (
            "import subprocess\n\n\ndef setup_git(path):\n"
            '    subprocess.run(("pre-commit", "install"), check=True, cwd=path)\n'
        ),
    }
    assert places(repo(tmp_path, files, "runs"), "PKG111") == []
    idle = {**files, "mloq/git.py": "def setup_git(path):\n    return path\n"}
    assert places(repo(tmp_path, idle, "idle"), "PKG111") == ["setup.py:3"]


def test_a_secrets_namespace_and_a_quick_start_secret(tmp_path: Path) -> None:
    tekton = 'data:\n  api-token-secret-name: ""\n  api-token-secret-namespace: "default"\n'
    argo = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: argo-workflows-webhook-clients\n"
        'stringData:\n  github.com: |\n    type: github\n    secret: "shh!"\n'
    )
    files: dict[str, str | bytes] = {
        "manifests/tekton/config.yaml": tekton,
        "manifests/argo/quick-start/webhooks/secret.yaml": argo,
    }
    assert places(repo(tmp_path, files, "vendored"), "SEC106") == []
    deployed = {"manifests/argo/base/webhooks/secret.yaml": argo}
    assert places(repo(tmp_path, deployed, "deployed"), "SEC106") == [
        "manifests/argo/base/webhooks/secret.yaml:8"
    ]


CLIENT = "OIDC_CLIENT_ID=kubeflow-oidc-authservice\nOIDC_CLIENT_SECRET={secret}\n"
SECRET = "pQ7vB2mXk9Lr4Tz8Wc1Nd6Hs3Fg5Jy0Ae"  # pragma: allowlist secret


def test_a_kustomize_env_file_and_one_secret_in_three_overlays(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "common/dex/base/secret_params.env": CLIENT.format(secret=SECRET),
        "common/dex/overlays/github/params.env": CLIENT.format(secret=SECRET),
        "common/oidc/base/secret_params.env": CLIENT.format(secret=SECRET),
    }
    root = repo(tmp_path, files, "overlays")
    assert places(root, "SEC103") == ["common/dex/base/secret_params.env:2"]
    (message,) = [i.message for i in audit(root).issues if i.rule == "SEC103"]
    assert "(also in common/dex/overlays/github/params.env, common/oidc/base/" in message
    other = {**files, "common/oidc/base/secret_params.env": CLIENT.format(secret=SECRET[::-1])}
    assert places(repo(tmp_path, other, "two"), "SEC103") == [
        "common/dex/base/secret_params.env:2",
        "common/oidc/base/secret_params.env:2",
    ]
