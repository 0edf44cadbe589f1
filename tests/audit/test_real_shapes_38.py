"""Shapes met on a thirty-eighth set of public repositories the audit had never seen.

A monorepo whose root pyproject.toml holds only its tooling and whose workflows keep
Taskfiles in sub-folders; a deployment smoke test's mock prediction endpoint; a speech
pipeline managed by pixi whose plotting stage reads the folder its `foreach` stages fill;
READMEs that describe the data in a French section or in their layout tree. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"
WORKFLOW = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"


def test_taskfiles_kept_beside_the_workflows(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\n',
        "app.py": "print(1)\n",
        ".github/workflows/test.yml": WORKFLOW,
        ".github/workflows/test/Taskfile.yml": "version: '3'\ntasks:\n  run:\n    cmds: [act]\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "taskfile"), "QUA111") == []
    nested = {**files, ".github/workflows/old/ci.yml": WORKFLOW}
    assert places(repo(tmp_path, nested, "nested"), "QUA111") == [".github/workflows/old/ci.yml"]


def test_a_root_pyproject_of_dev_tools_only(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "monorepo"\nversion = "0.1.0"\n'
            'dependencies = [\n    "flake8>=7.3.0",\n    "pre-commit>=4.5.1",\n]\n'
        ),
        "server/pyproject.toml": '[project]\nname = "server"\nversion = "0.1.0"\n',
        "server/src/server/__init__.py": "",
        ".gitignore": ".venv/\n",
    }
    assert {"PKG106", "PKG111"}.isdisjoint(fired(repo(tmp_path, files, "tools")))
    mixed = str(files["pyproject.toml"]).replace('"flake8', '"fastapi>=0.115",\n    "flake8')
    assert places(repo(tmp_path, {**files, "pyproject.toml": mixed}, "mixed"), "PKG111") == [
        "pyproject.toml:6",  # one finding names both tools
    ]


def test_a_mock_prediction_endpoint(tmp_path: Path) -> None:
    mock = (
        "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n"
        '@app.route("/predict", methods=["POST"])\ndef mock_predict():\n'
        "    data = request.get_json()\n"
        '    return jsonify({"prediction": 0.72, "received": bool(data)})\n'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask==3.1.1\nscikit-learn==1.5.2\njoblib==1.4.2\n",
        "train.py": TRAIN,
        "deployment_test/app.py": mock,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "mock"), "SRV101") == []
    real = mock.replace("from flask", "import joblib\nfrom flask").replace(
        '    return jsonify({"prediction": 0.72, "received": bool(data)})\n',
        '    model = joblib.load("model.pkl")\n    return jsonify(model(data))\n',
    )
    assert places(repo(tmp_path, {**files, "deployment_test/app.py": real}, "real"), "SRV101") == [
        "deployment_test/app.py:7"
    ]


def test_a_pixi_manifest_declares_the_dependencies(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pixi.toml": (
            '[workspace]\nname = "asr"\nchannels = ["conda-forge"]\nplatforms = ["linux-64"]\n\n'
            '[dependencies]\npython = ">=3.12"\npandas = ">=2,<3"\npytorch = ">=2.4,<3"\n'
            'scikit-learn = ">=1.5,<2"\n\n'
            '[pypi-dependencies]\nsoundfile = ">=0.13,<0.14"\n'
        ),
        "evaluate.py": "import pandas\nimport soundfile\nimport torch\nimport xgboost\n",
        "train.py": "import torch\n\nmodel = torch.nn.Linear(2, 1)\nmodel.fit = None\n" + TRAIN,
        ".gitignore": ".pixi/\n",
    }
    audited = repo(tmp_path, files, "pixi")
    assert "PKG101" not in fired(audited)
    assert places(audited, "PKG112") == ["evaluate.py:4"]  # xgboost alone is undeclared
    bare = {k: v for k, v in files.items() if k != "pixi.toml"}
    assert "PKG101" in fired(repo(tmp_path, bare, "bare"))


def test_a_dep_on_the_folder_foreach_stages_fill(tmp_path: Path) -> None:
    dvc = (
        "stages:\n  evaluate:\n    foreach: [en, fr]\n    do:\n"
        "      cmd: python evaluate.py ${item}\n      deps: [evaluate.py]\n"
        "      metrics:\n        - data/metrics/${item}/clean.json:\n            cache: false\n"
        "  plot:\n    cmd: python plot.py\n    deps:\n      - plot.py\n      - data/metrics/\n"
        "      - data/figures_in/\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "dvc==3.66.1\n",
        "evaluate.py": "print(1)\n",
        "plot.py": "print(2)\n",
        "dvc.yaml": dvc,
        ".gitignore": "/data/\n",
    }
    assert places(repo(tmp_path, files, "foreach"), "DVC104") == ["dvc.yaml:15"]


def test_readme_describes_the_data_in_french_or_in_its_layout_tree(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\n",
        "train.py": "import pandas as pd\n",
        "data/adult.csv.dvc": "outs:\n- md5: 0f\n  path: adult.csv\n",
        ".gitignore": "/data/adult.csv\n",
    }
    french = "# Pipeline\n\n## 4. Préparation des données\n\npython scripts/download.py\n"
    tree = (
        "# Pipeline\n\n```\n.\n├── data/\n"
        "│   ├── adult.csv        -- Raw UCI Adult Income dataset (DVC-tracked)\n"
        "├── train.py           -- trains the model\n```\n"
    )
    for name, readme in (("french", french), ("tree", tree)):
        assert "LAY106" not in fired(repo(tmp_path, {**files, "README.md": readme}, name))
    terse = tree.replace(
        "Raw UCI Adult Income dataset (DVC-tracked)", "Raw tabular data, DVC-tracked"
    )
    assert "LAY106" in fired(repo(tmp_path, {**files, "README.md": terse}, "terse"))
