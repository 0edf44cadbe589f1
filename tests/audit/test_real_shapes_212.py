"""Real shapes of hold-outs 212-217: locks, dev tools, results, samples, conda exports."""

from __future__ import annotations

import json
from pathlib import Path

from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import places, places_per_readme, repo

TEST = "from train import fit\n\n\ndef test_fit():\n    assert fit() is None\n"


def test_bare_notebook_front_ends_beside_pinned_packages_are_a_lock(tmp_path: Path) -> None:
    pinned = "pandas==2.2.3\nscikit-learn==1.6.1\njupyter\nipykernel\n"
    files: dict[str, str | bytes] = {**TRAINING, "requirements.txt": pinned}
    assert places(repo(tmp_path, files, "front"), "PKG107") == []
    loose = {**files, "requirements.txt": pinned + "matplotlib>=3.8\n"}
    assert places(repo(tmp_path, loose, "loose"), "PKG107") == ["requirements.txt"]


def test_dev_tools_in_the_one_requirements_file_or_uvs_old_table(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "pyproject.toml": '[project]\nname = "uplift"\nversion = "0.1.0"\n\n[tool.ruff]\n',
        "requirements.txt": "scikit-learn==1.6.1\npytest==8.3.4\nruff==0.8.4\n",
        "tests/test_train.py": TEST,
    }
    assert places(repo(tmp_path, files, "one"), "PKG106") == []
    uv = '[project]\nname = "nba"\nversion = "0.1.0"\ndependencies = ["scikit-learn>=1.6"]\n'
    uv_files = {
        **files,
        "requirements.txt": "scikit-learn==1.6.1\n",
        "pyproject.toml": uv + '\n[tool.uv]\ndev-dependencies = ["pytest>=8"]\n',
    }
    assert places(repo(tmp_path, uv_files, "uv"), "PKG106") == []
    undeclared = {**uv_files, "pyproject.toml": uv + "\n[tool.ruff]\n"}
    assert places(repo(tmp_path, undeclared, "undeclared"), "PKG106") == ["pyproject.toml"]


def test_a_ledger_of_trials_in_a_results_folder(tmp_path: Path) -> None:
    trials = "".join(
        json.dumps({"run_id": n, "params_hash": f"{n:08x}", "qini_auc": 0.3, "uplift_auc": 0.1})
        + "\n"
        for n in range(400)
    )
    assert len(trials) > 20_000
    files: dict[str, str | bytes] = {**TRAINING, "results/run_best/trials.jsonl": trials}
    assert places(repo(tmp_path, files, "ledger"), "DAT102") == []
    rows = "".join(json.dumps({"customer": n, "age": 40, "spend": 12.5}) + "\n" for n in range(600))
    data = {**TRAINING, "results/run_best/trials.jsonl": rows}
    assert places(repo(tmp_path, data, "rows"), "DAT102") == ["results/run_best/trials.jsonl"]


def test_a_small_sample_named_for_what_it_is(tmp_path: Path) -> None:
    table = "match,home,away,goals\n" + "".join(f"{n},a,b,{n % 5}\n" for n in range(3000))
    assert 20_000 < len(table) < 100_000
    files: dict[str, str | bytes] = {**TRAINING, "data/eredivisie_sample.csv": table}
    assert places(repo(tmp_path, files, "sample"), "DAT102") == []
    large = {**TRAINING, "data/eredivisie_sample.csv": table * 4}
    assert places(repo(tmp_path, large, "large"), "DAT102") == ["data/eredivisie_sample.csv"]


def test_a_conda_export_saved_as_requirements(tmp_path: Path) -> None:
    export = (
        "# This file may be used to create an environment using:\n"
        "# $ conda create --name <env> --file <this file>\n# platform: win-64\n"
        "absl-py=0.10.0=pypi_0\nscikit-learn=0.23.2=pypi_0\n"
    )
    files: dict[str, str | bytes] = {**TRAINING, "requirements.txt": export}
    found = repo(tmp_path, files)
    assert places(found, "PKG113") == ["requirements.txt:1"]
    assert places(found, "PKG110") == []


def test_a_misspelt_installation_heading(tmp_path: Path) -> None:
    readmes = ["# Wind\n\nForecasts wind power.\n\n## Instalation\n\nCreate the environment.\n"]
    found = places_per_readme(tmp_path, TRAINING, "DOC101", readmes)
    assert found == {text: [] for text in readmes}
    other = ["# Wind\n\nForecasts wind power.\n\n## Results\n\nGood.\n"]
    found = places_per_readme(tmp_path, TRAINING, "DOC101", other)
    assert found == {text: ["README.md"] for text in other}


def test_a_kaggle_card_a_download_script_and_a_generators_settings(tmp_path: Path) -> None:
    card = '{"title": "NBA games", "id": "me/nba", "resources": [{"path": "games.csv"}]}\n'
    files: dict[str, str | bytes] = {
        **TRAINING,
        "data/dataset-metadata.json": card,
        "data/processed/.gitkeep": "",
    }
    assert places(repo(tmp_path, files, "card"), "LAY106") == []
    script = "kaggle datasets download -d me/nba -p data/raw\n"
    fetched = {**TRAINING, "scripts/download_kaggle_data.sh": script, "data/raw/.gitkeep": ""}
    assert places(repo(tmp_path, fetched, "fetched"), "LAY106") == []
    settings = {
        **TRAINING,
        "data/synthetic_generator.py": "import csv\n",
        "data/config/synthetic_config.csv": "persona,weight\nsaver,0.3\n",
    }
    assert places(repo(tmp_path, settings, "settings"), "LAY106") == []
    data = {**settings, "data/raw/customers.json": '[{"id": 1}]\n'}
    assert places(repo(tmp_path, data, "data"), "LAY106") == ["."]


def test_a_timescale_database_published_on_every_interface(tmp_path: Path) -> None:
    compose = "services:\n  db:\n    image: timescale/timescaledb:latest-pg16\n    ports:\n"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "docker-compose.yml": compose + '      - "5432:5432"\n',
    }
    assert places(repo(tmp_path, files), "SRV106") == ["docker-compose.yml:5"]


def test_a_dataset_information_heading_a_dataset_link_and_api_fixtures(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**TRAINING, "data/raw/crops.json": '[{"crop": "rice"}]\n'}
    readmes = [
        "# Crops\n\n## 📊 Dataset Information\n\nSoil and weather per field.\n",
        "# Crops\n\n- **Dataset**: [Crop Recommendation](https://www.kaggle.com/datasets/x/y)\n",
    ]
    found = places_per_readme(tmp_path, files, "LAY106", readmes)
    assert found == {text: [] for text in readmes}
    silent = ["# Crops\n\n- **Dataset**: the crop table.\n", "# Crops\n\n## Model Information\n"]
    found = places_per_readme(tmp_path, files, "LAY106", silent)
    assert found == {text: ["."] for text in silent}
    fixtures = {
        **TRAINING,
        "data/reference/README.md": "# Reference tables\n\nSources: the ministry's tables.\n",
        "data/reference/crops.yaml": "rice: {}\n",
        "data/seed/api-fixtures/generated/field.json": '{"field": 1}\n',
    }
    assert places(repo(tmp_path, fixtures, "fixtures"), "LAY106") == []
    seeds = {**fixtures, "data/seed/fields/generated/field.json": '{"field": 1}\n'}
    assert places(repo(tmp_path, seeds, "seeds"), "LAY106") == ["."]


def test_a_workflow_that_names_the_experiment_in_its_environment(tmp_path: Path) -> None:
    train = "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('rmse', 1.0)\n"
    flow = (
        "id: training\ntasks:\n  - id: train\n    env:\n"
        '      MLFLOW_EXPERIMENT_NAME: "{{ vars.experiment_name }}"\n'
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "scripts/support/train.py": train,
        "scripts/workflows/training.yaml": flow,
    }
    assert places(repo(tmp_path, files, "named"), "TRK105") == []
    unnamed = {**files, "scripts/workflows/training.yaml": flow.replace("MLFLOW_EXPERIMENT", "X")}
    assert places(repo(tmp_path, unnamed, "unnamed"), "TRK105") != []


def test_a_quick_start_for_production_is_setup(tmp_path: Path) -> None:
    readme = "# Yields\n\nPredicts maize yields.\n\n## Results\n\nGood.\n"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "README.md": readme,
        "QUICKSTART_PRODUCTION.md": "# Quick start\n\n```\ndocker-compose up -d\n```\n",
    }
    assert places(repo(tmp_path, files, "quick"), "DOC101") == []
    notes = {**files, "QUICKSTART_PRODUCTION.md": "", "NOTES_PRODUCTION.md": "# Notes\n"}
    notes.pop("QUICKSTART_PRODUCTION.md")
    assert places(repo(tmp_path, notes, "notes"), "DOC101") == ["README.md"]


def test_a_home_assistant_integration_declares_and_labels(tmp_path: Path) -> None:
    manifest = '{"domain": "solar", "name": "Solar", "requirements": ["numpy==1.26.4"]}\n'
    labels = (
        '{\n  "config": {\n    "data": {\n'
        '      "pirate_weather_api_key": "Pirate Weather API Key (Optional)"\n    }\n  }\n}\n'
    )
    files: dict[str, str | bytes] = {
        "custom_components/solar/__init__.py": "import numpy\n",
        "custom_components/solar/manifest.json": manifest,
        "custom_components/solar/strings.json": labels,
        "custom_components/solar/translations/de.json": labels,
    }
    found = repo(tmp_path, files, "integration")
    assert places(found, "PKG101") == []
    assert places(found, "SEC106") == []
    bare = {**files, "custom_components/solar/manifest.json": '{"domain": "solar"}\n'}
    bare["custom_components/solar/settings.json"] = labels
    found = repo(tmp_path, bare, "bare")
    assert places(found, "PKG101") == ["."]
    assert places(found, "SEC106") == ["custom_components/solar/settings.json:4"]


def test_a_sample_file_a_course_lab_and_a_conda_export(tmp_path: Path) -> None:
    sample = {**TRAINING, "data/sample_data.jsonl": '{"prompt": "hi", "answer": "hello"}\n'}
    assert places(repo(tmp_path, sample, "sample"), "LAY106") == []
    named = {**TRAINING, "data/train_data.jsonl": '{"prompt": "hi", "answer": "hello"}\n'}
    assert places(repo(tmp_path, named, "named"), "LAY106") == ["."]
    readmes = ["# MLDL25 - Lab3: Setup a project from scratch\n\nRun `python train.py`.\n"]
    found = places_per_readme(tmp_path, TRAINING, "LAY104", readmes)
    assert found == {text: [] for text in readmes}
    found = places_per_readme(tmp_path, TRAINING, "LAY104", ["# PoseLab3D\n\nTrains poses.\n"])
    assert list(found.values()) == [["."]]
    packages = "".join(f"  - package{n}=1.{n}.0=py311_0\n" for n in range(8))
    export = f"name: landcover\nchannels:\n  - conda-forge\ndependencies:\n{packages}"
    export += "  - pip:\n    - segmentation-models-pytorch\nprefix: /home/me/conda/envs/lc\n"
    files: dict[str, str | bytes] = {
        "train.py": TRAINING["train.py"],
        ".gitignore": ".venv/\n",
        "environment.yml": "name: landcover\ndependencies:\n  - python=3.11\n  - rasterio\n",
        "environment_precise.yml": export,
    }
    assert places(repo(tmp_path, files, "export"), "PKG107") == []
    spec = {
        **files,
        "environment_precise.yml": export.replace("prefix: /home/me/conda/envs/lc\n", ""),
    }
    assert places(repo(tmp_path, spec, "spec"), "PKG107") != []


def test_integration_tests_and_a_conda_file_with_its_installer(tmp_path: Path) -> None:
    app = (
        "from flask import Flask\n\napp = Flask(__name__)\n\n"
        "if __name__ == '__main__':\n    app.run(debug=True, host='0.0.0.0')\n"
    )
    files: dict[str, str | bytes] = {**TRAINING, "integration_tests/predict_copy.py": app}
    assert places(repo(tmp_path, files, "integration"), "SRV105") == []
    served = {**TRAINING, "model/predict.py": app}
    assert places(repo(tmp_path, served, "served"), "SRV105") == ["model/predict.py:6"]
    conda = "name: cars\ndependencies:\n  - python=3.10.11\n  - pip<=22.3.1\n  - pip:\n"
    conda += "    - pandas==2.0.3\n    - scikit-learn==1.2.2\n"
    env: dict[str, str | bytes] = {
        "train.py": TRAINING["train.py"],
        ".gitignore": ".venv/\n",
        "environment.yml": conda,
    }
    assert places(repo(tmp_path, env, "conda"), "PKG107") == []
    loose = {**env, "environment.yml": conda.replace("pandas==2.0.3", "pandas")}
    assert places(repo(tmp_path, loose, "loose"), "PKG107") != []


def test_colabs_drive_mount_alone_is_no_path(tmp_path: Path) -> None:
    hints = 'HINTS = ("/content/drive/", "/Users/")\n'
    files: dict[str, str | bytes] = {**TRAINING, "src/hints.py": hints}
    assert places(repo(tmp_path, files, "hints"), "LAY115") == []
    drive = {**files, "src/load.py": 'DATA = "/content/drive/MyDrive/train.csv"\n'}
    assert places(repo(tmp_path, drive, "drive"), "LAY115") == ["src/load.py:1"]


def test_an_obfuscated_build_is_read_for_neither_paths_nor_secrets(tmp_path: Path) -> None:
    token = "ghp_" + "Zq8Lm2Xv9Rt4Wb7Nc1Hs5Kd3Pf6Gj0Ya8Ue2T"
    payload = f'TOKEN = "{token}"\nDATA = "C:/Users/alice/data.csv"\n'
    armored = (
        "# Pyarmor 9.2.3 (basic), 009810, non-profits\n"
        "from pyarmor_runtime_009810 import __pyarmor__\n"
        f"__pyarmor__(__name__, __file__, b'PY009810')\n{payload}"
    )
    files: dict[str, str | bytes] = {**TRAINING, "src/blender.py": armored}
    found = repo(tmp_path, files, "armored")
    assert places(found, "LAY115") == [] and places(found, "SEC101") == []
    plain = repo(tmp_path, {**TRAINING, "src/blender.py": payload}, "plain")
    assert places(plain, "LAY115") == ["src/blender.py:2"]
    assert places(plain, "SEC101") == ["src/blender.py:1"]
