"""Shapes met on the 206th and 208th sets of public repositories: pipelines, tests, runs.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import audit, pickled, places, repo

# One stage reads the CSVs of one manual download that nobody tracks; the names are
# made up.
DOWNLOAD_STAGE = """stages:
  prepare:
    cmd: python prepare.py
    deps:
      - prepare.py
      - data/raw/sales.csv
      - data/raw/shops.csv
      - data/raw/calendar.csv
      - data/raw/prices.csv
      - config/missing.yaml
    outs:
      - data/processed/features.parquet
"""


def test_the_missing_files_of_one_folder_are_one_finding(tmp_path: Path) -> None:
    files = {
        **TRAINING,
        "dvc.yaml": DOWNLOAD_STAGE,
        "prepare.py": "import pandas\n",
        ".gitignore": "data/raw/*.csv\n",
        "config/.gitkeep": "",
    }
    root = repo(tmp_path, files)
    found = [i for i in audit(root).issues if i.rule == "DVC104"]
    # one for data/raw/ (naming how many more), one for the file elsewhere
    assert [(i.line, i.severity) for i in found] == [(6, "error"), (10, "error")]
    assert "data/raw/sales.csv" in found[0].message
    assert "(and 3 more in data/raw/)" in found[0].message
    assert "more" not in found[1].message


def test_a_single_missing_dep_is_reported_as_before(tmp_path: Path) -> None:
    stage = DOWNLOAD_STAGE.replace(
        "      - data/raw/shops.csv\n      - data/raw/calendar.csv\n      - data/raw/prices.csv\n",
        "",
    )
    root = repo(tmp_path, {**TRAINING, "dvc.yaml": stage, "prepare.py": "import pandas\n"})
    assert places(root, "DVC104") == ["dvc.yaml:6", "dvc.yaml:7"]


# A Typer app run as the package's console script; each sub-command imports a module that
# strings together modules the tests import. The package and its names are made up.
CLI = """import typer

app = typer.Typer()


@app.command()
def prepare() -> None:
    from shopcast.features.build import run_features

    run_features()


@app.command("fit-model")
def fit() -> None:
    from shopcast.training.loop import run_training

    run_training()


@app.command()
def predict() -> None:
    from shopcast.serving.batch import run_batch

    run_batch()
"""
BUILD = """from shopcast.cleaning.rows import drop_bad_rows
from shopcast.calendar.days import day_features


def run_features():
    day_features(drop_bad_rows([]))
"""
LOOP = """from shopcast.splits.windows import rolling_windows
from shopcast.scoring.errors import wape


def run_training():
    wape(rolling_windows([]))
"""
BATCH = """from shopcast.exporting.writer import write_rows


def run_batch():
    write_rows([])
"""
STAGES = """stages:
  prepare:
    cmd: poetry run shopcast prepare
    deps:
      - src/shopcast/features/
  fit:
    cmd: uv run shopcast fit-model --fast
    deps:
      - src/shopcast/training/
  predict:
    cmd: shopcast predict
    deps:
      - src/shopcast/serving/
"""
PYPROJECT = """[project]
name = "shopcast"
version = "0.1.0"
dependencies = ["typer==0.12.5"]

[project.scripts]
shopcast = "shopcast.cli:app"
"""
TESTS = {
    "tests/test_cleaning.py": (
        "from shopcast.cleaning.rows import drop_bad_rows\n\n\n"
        "def test_drop():\n    assert drop_bad_rows([]) == []\n"
    ),
    "tests/test_calendar.py": (
        "from shopcast.calendar.days import day_features\n\n\n"
        "def test_days():\n    assert day_features([]) == []\n"
    ),
    "tests/test_splits.py": (
        "from shopcast.splits.windows import rolling_windows\n\n\n"
        "def test_windows():\n    assert rolling_windows([]) == []\n"
    ),
    "tests/test_scoring.py": (
        "from shopcast.scoring.errors import wape\n\n\ndef test_wape():\n    assert wape([]) == 0\n"
    ),
}


def _package() -> dict[str, str | bytes]:
    modules = ("cleaning/rows", "calendar/days", "splits/windows", "scoring/errors")
    files: dict[str, str | bytes] = {
        f"src/shopcast/{m}.py": "def f(rows):\n    return rows\n" for m in modules
    }
    for folder in ("", "cleaning/", "calendar/", "splits/", "scoring/", "features/"):
        files[f"src/shopcast/{folder}__init__.py"] = ""
    for folder in ("training/", "serving/", "exporting/"):
        files[f"src/shopcast/{folder}__init__.py"] = ""
    return {
        **files,
        "src/shopcast/cli.py": CLI,
        "src/shopcast/features/build.py": BUILD,
        "src/shopcast/training/loop.py": LOOP,
        "src/shopcast/serving/batch.py": BATCH,
        "src/shopcast/exporting/writer.py": "def write_rows(rows):\n    return rows\n",
        "pyproject.toml": PYPROJECT,
        "dvc.yaml": STAGES,
        **TESTS,
    }


def test_a_console_script_stage_is_judged_by_the_modules_it_runs(tmp_path: Path) -> None:
    # `prepare` and `fit-model` run modules that chain tested modules; `predict` runs
    # code no test reaches (its stage name is no word of any test either).
    root = repo(tmp_path, {**TRAINING, **_package()})
    assert places(root, "QUA104") == ["dvc.yaml:10"]


def test_a_console_script_stage_is_not_excused_by_words(tmp_path: Path) -> None:
    # A test that happens to say `prepare` and `fit` no longer hides stages whose code
    # chains untested modules.
    files = {**TRAINING, **_package()}
    for name in TESTS:
        del files[name]
    files["tests/test_words.py"] = (
        "def test_prepare_fit_predict():\n    assert 'prepare fit predict'\n"
    )
    root = repo(tmp_path, files)
    assert places(root, "QUA104") == ["dvc.yaml:2", "dvc.yaml:6", "dvc.yaml:10"]


# A trainer names a folder per run (`models/<name>_YYYYMMDD_HHMMSS/`); `models/*.h5` in
# .gitignore misses them.
RUN_FOLDERS = (
    "models/lstm_20251004_211244",
    "models/lstm_20251005_162548",
    "models/quick_20251004_151525",
)


def test_the_folders_a_trainer_names_per_run_are_one_finding(tmp_path: Path) -> None:
    model = pickled(b"sklearn.linear_model._ridge", b"Ridge")
    files = {**TRAINING, ".gitignore": "models/*.pkl\n"}
    files |= {f"{folder}/model.pkl": model for folder in RUN_FOLDERS}
    root = repo(tmp_path, files)
    found = [i for i in audit(root).issues if i.rule == "DAT103"]
    assert [i.path for i in found] == [f"{RUN_FOLDERS[0]}/model.pkl"]
    assert f"in 3 folders named like {RUN_FOLDERS[0]}/" in found[0].message


def test_folders_not_named_per_run_are_one_finding_each(tmp_path: Path) -> None:
    model = pickled(b"sklearn.linear_model._ridge", b"Ridge")
    files = {**TRAINING, "models/lstm/model.pkl": model, "models/quick/model.pkl": model}
    root = repo(tmp_path, files)
    assert sorted(places(root, "DAT103")) == ["models/lstm/model.pkl", "models/quick/model.pkl"]


# A script named like a test that prints what a local server answers, run by hand.
SMOKE = """import requests


def test_health():
    response = requests.get("http://localhost:8000/health", timeout=5)
    if response.status_code == 200:
        print("health: PASSED")
    else:
        print("health: FAILED")


if __name__ == "__main__":
    test_health()
"""


def test_scripts_that_print_what_a_server_answers_are_no_tests(tmp_path: Path) -> None:
    files = {**TRAINING, "test_api.py": SMOKE, "scripts/test_model.py": SMOKE}
    assert places(repo(tmp_path, files), "QUA110") == []
    assert places(repo(tmp_path, files, "smoke"), "LAY104") == ["scripts/test_model.py"]


def test_a_module_that_asserts_is_a_test_ci_should_run(tmp_path: Path) -> None:
    asserting = SMOKE.replace('        print("health: FAILED")\n', "        raise AssertionError\n")
    asserting = asserting.replace("    if response", "    assert response.ok\n    if response")
    files = {**TRAINING, "test_api.py": asserting, "scripts/test_model.py": SMOKE}
    assert places(repo(tmp_path, files), "QUA110") == ["."]
    assert places(repo(tmp_path, files, "checked"), "LAY104") == []
