"""Shapes met on a tenth set of public repositories the audit had never seen.

A composite action kept beside the workflows that use it, test fixtures that are not
UTF-8 on purpose, DVC outputs written with `${...}` from params.yaml, and a notebook that
points MLflow at its server through the environment. Each test reproduces the shape with
files written here: the false problem gone, the real one kept.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from audit.support import make_repo, places, repo

WORKFLOW = (
    "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/checkout@v4\n"
    "      - uses: ./.github/workflows/actions/setup\n"
    "      - name: Lint\n        uses: './.github/workflows/tools/lint/'\n"
    "      - run: pytest\n"
)
COMPOSITE = (
    "name: setup\nruns:\n  using: composite\n  steps:\n"
    "    - run: pip install .\n      shell: bash\n"
)


def test_a_local_action_is_never_misplaced_ci(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\n',
        "app/__init__.py": "",
        ".github/workflows/tests.yml": WORKFLOW,
        # a composite action beside the workflows that use it
        ".github/workflows/actions/setup/action.yml": COMPOSITE,
        # an action file is one wherever it lives, used or not
        ".github/actions/cache/action.yaml": COMPOSITE,
        "github/actions/release/action.yml": COMPOSITE,
        # a folder a workflow names in `uses: ./...` holds the action's own files
        ".github/workflows/tools/lint/action.yml": COMPOSITE,
        ".github/workflows/tools/lint/rules.yml": "max-line: 99\n",
    }
    assert places(repo(tmp_path, files, "actions"), "QUA111") == []
    # workflows where GitHub does not read them are still reported, beside the actions
    files["github/workflows/ci.yml"] = WORKFLOW
    files[".github/workflows/nightly/build.yml"] = WORKFLOW
    files[".github/workflows/actions/deploy.yml"] = WORKFLOW  # beside, not inside, an action
    assert sorted(places(repo(tmp_path, files, "misplaced"), "QUA111")) == [
        ".github/workflows/actions/deploy.yml",
        ".github/workflows/nightly/build.yml",
        "github/workflows/ci.yml",
    ]


def test_a_test_fixture_that_is_not_utf8_on_purpose_is_not_reported(tmp_path: Path) -> None:
    latin1 = "<html><body>caf\u00e9 na\u00efve</body></html>\n".encode("latin-1")
    files: dict[str, str | bytes] = {
        "README.md": "# Reader\n",
        "reader/__init__.py": "",
        "tests/components/readers/files/page_latin1.html": latin1,
        "test/data.csv": b"name\ncaf\xe9\n",
        "src/reader/testing/sample.txt": latin1,
        "reader/fixtures/cp1252.txt": b"\x93quoted\x94\n",
        "pkg/testdata/truncated.json": b'{"a": "\xe2\x82"}\n',
        "reader/test_data/utf16.txt": "hello\n".encode("utf-16"),
        "docs/README.md": b"# Guide\ncaf\xe9\n",  # outside test folders: still reported
    }
    root = repo(tmp_path, files)
    assert places(root, "LAY112") == ["docs/README.md"]


def test_fifos_and_oversize_configs_in_test_folders_are_still_reported(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {"README.md": "# Reader\n", "tests/test_read.py": "def test_x() -> None:\n    pass\n"},
        use_git=False,
    )
    os.mkfifo(root / "tests" / "fixtures.yaml")
    with (root / "tests" / "conf.yaml").open("wb") as stream:  # sparse: no disk used
        stream.truncate(3 * 1024 * 1024)
    assert sorted(places(root, "LAY112")) == ["tests/conf.yaml", "tests/fixtures.yaml"]


PARAMS = "base:\n  model_dir: model/\n  data_dir: data\n  seeds: [7, 11]\ntrain:\n  C: 1.0\n"
DVC = """\
stages:
  split:
    cmd: python stages/split.py
    deps:
      - stages/split.py
      - ${base.data_dir}/raw.csv
    outs:
      - ${base.data_dir}/train.pkl
  train:
    cmd: python stages/train.py --out ${base.model_dir}/clf-model
    deps:
      - stages/train.py
      - data/train.pkl
    outs:
      - ${base.model_dir}/clf-model
      - ${base.model_dir}/clf-model.meta:
          cache: false
  report:
    cmd: python stages/report.py
    deps:
      - stages/report.py
      - ${base.model_dir}/clf-model
    metrics:
      - ${reports.dir}/metrics.json:
          cache: false
  tune:
    cmd: python stages/tune.py --seed ${base.seeds[1]}
    deps:
      - stages/tune.py
      - model/clf-model
"""


def test_dvc_outputs_written_with_interpolations_are_declared(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "params.yaml": PARAMS,
        "dvc.yaml": DVC,
        "data/raw.csv.dvc": "outs:\n- md5: 0123\n  path: raw.csv\n",
        ".gitignore": "/model\n/data/train.pkl\n/data/raw.csv\n",
        **{f"stages/{name}.py": "print(1)\n" for name in ("split", "train", "report", "tune")},
    }
    root = repo(tmp_path, files)
    # `train` declares outs through `${base.model_dir}` (one a mapping with options) and
    # `report` a metric through a variable params.yaml lacks: only `tune` declares none
    assert places(root, "DVC113") == ["dvc.yaml:26"]
    # filled in, the deps are real paths: made by a stage or tracked by DVC, none missing
    assert places(root, "DVC104") == []
    assert places(root, "DVC116") == []  # the command's model path is the declared out
    # a filled-in dep that exists nowhere is now visible
    files["dvc.yaml"] = DVC.replace("${base.data_dir}/raw.csv", "${base.data_dir}/gone.csv")
    assert places(repo(tmp_path, files, "gone"), "DVC104") == ["dvc.yaml:6"]


def test_dvc_vars_and_unknown_interpolations(tmp_path: Path) -> None:
    dvc = (
        "vars:\n  - conf/paths.yaml:dirs\n  - out_name: scores.json\n"
        "stages:\n  evaluate:\n    cmd: python evaluate.py\n    deps:\n      - evaluate.py\n"
        "    metrics:\n      - ${dirs.reports}/${out_name}\n"
        "  export:\n    cmd: python export.py ${item}\n    deps:\n      - export.py\n"
        "    outs:\n      - ${unknown.folder}/bundle\n"
    )
    files: dict[str, str | bytes] = {
        "dvc.yaml": dvc,
        "conf/paths.yaml": "dirs:\n  reports: reports\nother: 1\n",
        "evaluate.py": "print(1)\n",
        "export.py": "print(1)\n",
        ".gitignore": "/bundle\n",
    }
    root = repo(tmp_path, files)
    assert places(root, "DVC113") == []
    assert places(root, "DVC112") == []  # an unresolved path is not "outside the repository"
    # the metric named through `vars` is a known cached output: committed, it is reported
    files["reports/scores.json"] = '{"auc": 0.9}\n'
    assert "dvc.yaml:10" in places(repo(tmp_path, files, "committed"), "DVC106")


def notebook(*cells: str) -> str:
    """A notebook whose code cells hold `cells` (JSON escapes their quotes)."""
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "outputs": [], "source": cell.splitlines(True)}
                for cell in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


LOG = "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('auc', 0.9)\n"


def test_setting_the_tracking_variables_in_code_configures_them(tmp_path: Path) -> None:
    base: dict[str, str | bytes] = {"requirements.txt": "mlflow==3.5.0\n"}
    uri = 'os.environ["MLFLOW_TRACKING_URI"] = "https://tracking.example.com"\n'
    shapes = {
        "environ": {"research/eval.ipynb": notebook("import os\n" + uri, LOG)},
        "percent": {"eval.ipynb": notebook("%env MLFLOW_TRACKING_URI=http://localhost:5000", LOG)},
        "setdefault": {
            "train.py": "import os\nos.environ.setdefault('MLFLOW_TRACKING_URI', 'sqlite:///m.db')\n"
            + LOG
        },
        "putenv": {
            "train.py": "import os\nos.putenv('MLFLOW_TRACKING_URI', 'http://h:5000')\n" + LOG
        },
    }
    for name, files in shapes.items():
        assert places(repo(tmp_path, {**base, **files}, name), "TRK101") == [], name
    # reading or comparing the variable sets nothing: the URI is still unconfigured
    reads = notebook(
        "import os\nprint(os.environ['MLFLOW_TRACKING_URI'])\n"
        "os.environ.get('MLFLOW_TRACKING_URI') == 'x'\n",
        "%env MLFLOW_TRACKING_URI",
        LOG,
    )
    root = repo(tmp_path, {**base, "eval.ipynb": reads}, "reads")
    assert places(root, "TRK101") != []
    assert places(root, "TRK105") != []
    # the experiment name set the same way names the experiment
    named = notebook("%env MLFLOW_EXPERIMENT_NAME=churn", LOG)
    assert places(repo(tmp_path, {**base, "eval.ipynb": named}, "named"), "TRK105") == []
    environ = "import os\nos.environ['MLFLOW_EXPERIMENT_NAME'] = 'churn'\n" + LOG
    assert places(repo(tmp_path, {**base, "train.py": environ}, "named_py"), "TRK105") == []
