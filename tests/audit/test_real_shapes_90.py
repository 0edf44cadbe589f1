"""Shapes met on a ninetieth and ninety-first set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

RUN_RECORDS = (
    "import json\n"
    "from datetime import datetime\n"
    "from pathlib import Path\n\n"
    "from sklearn.ensemble import RandomForestClassifier\n\n\n"
    "def main(config, frame):\n"
    "    run_dir = Path('runs') / datetime.now().strftime('%Y%m%d-%H%M%S')\n"
    "    run_dir.mkdir(parents=True)\n"
    "    model = RandomForestClassifier(**config).fit(frame.drop(columns='y'), frame['y'])\n"
    "    metrics = {'accuracy': model.score(frame.drop(columns='y'), frame['y'])}\n"
    "    (run_dir / 'metrics.json').write_text(json.dumps({'config': config, **metrics}))\n"
)


def test_training_that_writes_each_runs_metrics_into_its_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "src/train.py": RUN_RECORDS,
    }
    assert places(repo(tmp_path, files, "records"), "TRK107") == []
    stamp = "Path('runs') / datetime.now().strftime('%Y%m%d-%H%M%S')"
    overwritten = RUN_RECORDS.replace(stamp, "Path('out')").replace("run_dir", "out")
    last_only = {**files, "src/train.py": overwritten}
    assert places(repo(tmp_path, last_only, "overwrites"), "TRK107") == ["."]


COURSE_TRAIN = (
    "import pandas as pd\n"
    "from sklearn.linear_model import LogisticRegression\n\n"
    "frame = pd.read_csv('data/transactions.csv')\n"
    "LogisticRegression().fit(frame.drop(columns='fraud'), frame['fraud'])\n"
)


def test_coursework_is_not_judged_as_a_maintained_project(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\nscikit-learn==1.6.1\n",
        "train.py": COURSE_TRAIN,
        "README.md": "# Fraud detection\n\nMLOps Course Project, spring term.\n",
    }
    assert places(repo(tmp_path, files, "course"), "DVC115") == []
    capstone = {**files, "README.md": "# Fraud detection\n\nTrains a classifier.\n"}
    assert places(repo(tmp_path, capstone, "ml-capstone-fraud"), "DVC115") == []
    assert places(repo(tmp_path, capstone, "fraud-detection"), "DVC115") == ["."]


def test_a_notebook_export_needs_no_gitignore(tmp_path: Path) -> None:
    kernel = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    files: dict[str, str | bytes] = {"credit-risk.ipynb": kernel, "README.md": "# Credit risk\n"}
    assert places(repo(tmp_path, files, "export"), "LAY108") == []
    project = {**files, "src/train.py": "print('train')\n"}
    assert places(repo(tmp_path, project, "project"), "LAY108") == ["."]


STAT_TESTS = (
    "from statsmodels.tsa.stattools import adfuller\n\n\n"
    "def adf_test(series, max_lag=10):\n"
    "    return adfuller(series, maxlag=max_lag)\n"
)


def test_statistical_tests_module_is_no_test_module(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "statsmodels==0.14.4\n",
        "src/stat_tests.py": STAT_TESTS,
        "src/model.py": "import statsmodels\n",
    }
    assert places(repo(tmp_path, files, "stats"), "LAY104") == ["."]
    real = {**files, "src/stat_tests.py": STAT_TESTS + "\n\ndef test_adf():\n    assert adf_test\n"}
    assert places(repo(tmp_path, real, "tested"), "LAY104") == []


def test_a_papers_template_and_tables(tmp_path: Path) -> None:
    table = "joint,mpjpe,pa_mpjpe\n" + "knee,41.2,30.1\n" * 3000
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.7.0\n",
        "train.py": "import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.train()\n",
        "paper/journal/manuscript.tex": "\\documentclass{article}\n\\input{generated/table}\n",
        "paper/journal/template/publisher-template.zip": b"PK" + bytes(1_200_000),
        "paper/journal/generated/joint_metrics.csv": table,
    }
    root = repo(tmp_path, files, "paper")
    assert places(root, "DAT101") == []
    assert places(root, "DAT102") == []
    moved = {k.replace("paper/journal/", "results/"): v for k, v in files.items()}
    del moved["results/manuscript.tex"]
    elsewhere = repo(tmp_path, moved, "results")
    assert places(elsewhere, "DAT101") == ["results/template/publisher-template.zip"]
    assert places(elsewhere, "DAT102") == ["results/generated/joint_metrics.csv"]


def test_a_vocabulary_its_package_opens(tmp_path: Path) -> None:
    loader = (
        "import gzip\nfrom pathlib import Path\n\n"
        "VOCAB = Path(__file__).parent / 'bpe_vocab_16e6.txt.gz'\n"
        "merges = gzip.open(VOCAB).read()\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.7.0\n",
        "train.py": "import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.train()\n",
        "vendor/textlib/tokenizer/__init__.py": "",
        "vendor/textlib/tokenizer/simple_tokenizer.py": loader,
        "vendor/textlib/tokenizer/bpe_vocab_16e6.txt.gz": bytes(1_400_000),
    }
    assert places(repo(tmp_path, files, "vocab"), "DAT101") == []
    unnamed = {**files, "vendor/textlib/tokenizer/simple_tokenizer.py": "import gzip\n"}
    found = places(repo(tmp_path, unnamed, "unnamed"), "DAT101")
    assert found == ["vendor/textlib/tokenizer/bpe_vocab_16e6.txt.gz"]


def test_a_mapping_table_the_config_names(tmp_path: Path) -> None:
    mapping = "source_label,target_label,kingdom\n" + "acropora,hard coral,animalia\n" * 2000
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\ntorch==2.7.0\n",
        "train.py": "import pandas, torch\nmodel = torch.nn.Linear(2, 2)\nmodel.train()\n",
        "configs/training.yaml": "concept_mapping_path: ../configs/class_to_concepts.csv\n",
        "configs/class_to_concepts.csv": mapping,
    }
    assert places(repo(tmp_path, files, "mapping"), "DAT102") == []
    unnamed = {**files, "configs/training.yaml": "epochs: 3\n"}
    assert places(repo(tmp_path, unnamed, "unnamed"), "DAT102") == ["configs/class_to_concepts.csv"]


def test_a_leftover_dvc_config_is_no_dvc(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": "from sklearn.linear_model import Ridge\nRidge().fit([[0]], [0])\n",
        ".gitignore": ".venv/\n",
        ".dvc/config": "[core]\n    remote = s3remote\n['remote \"s3remote\"']\n    url = s3://{bucket}/dvc\n",
    }
    assert places(repo(tmp_path, files, "leftover"), "DVC111") == []
    initialised = {**files, ".dvc/.gitignore": "/tmp\n/cache\n"}
    assert places(repo(tmp_path, initialised, "init"), "DVC111") == [".dvc/.gitignore"]


def test_yapf_is_a_formatter_hook(tmp_path: Path) -> None:
    config = (
        "repos:\n"
        "  - repo: local\n    hooks:\n"
        "      - {id: flake8, name: flake8, entry: flake8, language: system, types: [python]}\n"
        "      - {id: yapf, name: yapf, entry: yapf -i, language: system, types: [python]}\n"
        "      - {id: mypy, name: mypy, entry: mypy, language: system, types: [python]}\n"
    )
    files: dict[str, str | bytes] = {".pre-commit-config.yaml": config, "app.py": "x = 1\n"}
    assert places(repo(tmp_path, files, "yapf"), "QUA102") == []
    no_format = {
        **files,
        ".pre-commit-config.yaml": config.replace("yapf -i", "isort").replace("yapf", "isort"),
    }
    assert places(repo(tmp_path, no_format, "isort"), "QUA102") == [".pre-commit-config.yaml"]


def test_ultralytics_training_records_its_runs(tmp_path: Path) -> None:
    train = (
        "from ultralytics import YOLO\n\nYOLO('yolov8n.pt').train(data='beans.yaml', epochs=50)\n"
    )
    files: dict[str, str | bytes] = {"requirements.txt": "ultralytics==8.3.0\n", "train.py": train}
    assert places(repo(tmp_path, files, "yolo"), "TRK107") == []
    torch_train = "import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.train()\n"
    plain = {"requirements.txt": "torch==2.7.0\n", "train.py": torch_train}
    assert places(repo(tmp_path, plain, "plain"), "TRK107") == ["."]


def test_a_datasets_manifest_is_no_dataset(tmp_path: Path) -> None:
    records = "record_id,path,label,sha256\n" + "r1,raw/a.csv,flaw,ab12cd34ef56\n" * 2000
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\ntorch==2.7.0\n",
        "train.py": "import pandas, torch\nmodel = torch.nn.Linear(2, 2)\nmodel.train()\n",
        "data/manifests/ml_ndt/records.csv": records,
    }
    assert places(repo(tmp_path, files, "manifest"), "DAT102") == []
    raw = {**files, "data/raw/ml_ndt/records.csv": records}
    del raw["data/manifests/ml_ndt/records.csv"]
    assert places(repo(tmp_path, raw, "raw"), "DAT102") == ["data/raw/ml_ndt/records.csv"]


SETUP = "from setuptools import setup\nsetup(name='htp', install_requires=['pandas'])\n"


def test_pipenv_dev_packages_are_a_dev_group(tmp_path: Path) -> None:
    pipfile = (
        '[packages]\nclick = "*"\npandas = "*"\n\n[dev-packages]\npytest = "*"\npytest-mock = "*"\n'
    )
    files: dict[str, str | bytes] = {
        "setup.py": SETUP,
        "Pipfile": pipfile,
        "htp/__init__.py": "",
        "tests/test_htp.py": "def test_nothing():\n    assert True\n",
    }
    assert places(repo(tmp_path, files, "pipenv"), "PKG106") == []
    bare = {**files, "Pipfile": '[packages]\nclick = "*"\npandas = "*"\n'}
    assert places(repo(tmp_path, bare, "bare"), "PKG106") == ["setup.py"]


def test_a_config_folder_of_json_experiments(tmp_path: Path) -> None:
    experiment = '{"data": {"dataset_name": "iris"}, "model": {"params": {"num_leaves": 31}}}'
    main = (
        "import json, sys\nfrom lightgbm import LGBMClassifier\n\n"
        "config = json.load(open('configs/' + sys.argv[1]))\n"
        "LGBMClassifier(**config['model']['params']).fit([[0], [1]], [0, 1])\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "lightgbm==4.6.0\n",
        "main.py": main,
        "configs/iris_tuning.json": experiment,
        "configs/wine_tuning.json": experiment.replace("iris", "wine"),
    }
    assert places(repo(tmp_path, files, "json"), "LAY105") == []
    one = {k: v for k, v in files.items() if k != "configs/wine_tuning.json"}
    assert places(repo(tmp_path, one, "one"), "LAY105") == ["."]


def test_a_pickle_of_plain_values_is_no_model(tmp_path: Path) -> None:
    import pickle

    missing = {f"lab_result_{i}_most_recent": i * 0.37 for i in range(300)}
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": "from sklearn.linear_model import Ridge\nRidge().fit([[0]], [0])\n",
        "notebooks/cohort_percent_missing.pickle": pickle.dumps(missing),
    }
    assert places(repo(tmp_path, files, "plain"), "DAT103") == []
    fitted = pickle.dumps([Path("model"), missing])  # names a class to rebuild, as models do
    objects = {**files, "notebooks/cohort_percent_missing.pickle": fitted}
    assert places(repo(tmp_path, objects, "object"), "DAT103") == [
        "notebooks/cohort_percent_missing.pickle"
    ]


def test_the_inputs_of_a_demo_folder(tmp_path: Path) -> None:
    matches = "patient,appointment,label\n" + "3,1,P\n" * 5000
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": "from sklearn.linear_model import Ridge\nRidge().fit([[0]], [0])\n",
        "results/demo/demo_best_matching.csv": matches,
    }
    assert places(repo(tmp_path, files, "demo"), "DAT102") == []
    run = {"results/run/best_matching.csv": matches, **files}
    del run["results/demo/demo_best_matching.csv"]
    assert places(repo(tmp_path, run, "run"), "DAT102") == ["results/run/best_matching.csv"]


HISTORY_TRAINER = (
    "import json\n\nimport torch\n\n\n"
    "class Trainer:\n"
    "    def __init__(self, model, output_dir):\n"
    "        self.model, self.output_dir, self.history = model, output_dir, []\n\n"
    "    def fit(self, batches):\n"
    "        for batch in batches:\n"
    "            loss = self.model(batch)\n"
    "            loss.backward()\n"
    "            self.history.append(float(loss))\n"
    "        with open(self.output_dir / 'history.json', 'w') as fh:\n"
    "            json.dump(self.history, fh, indent=2)\n"
)


def test_a_trainer_that_writes_its_history_into_the_output_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.7.0\n",
        "src/trainer.py": HISTORY_TRAINER,
    }
    assert places(repo(tmp_path, files, "history"), "TRK107") == []
    printed = HISTORY_TRAINER.replace(
        "        with open(self.output_dir / 'history.json', 'w') as fh:\n"
        "            json.dump(self.history, fh, indent=2)\n",
        "        print(self.history)\n",
    )
    assert places(repo(tmp_path, {**files, "src/trainer.py": printed}, "printed"), "TRK107") == [
        "."
    ]
