"""Shapes met on a forty-ninth set of public repositories the audit had never seen.

A forecasting service whose routes read only which model to use and predict from their
own stored history; a tracking URI given to `os.environ.setdefault` as a fallback; a DVC
stage whose script is a command line around a tested project function. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"
FORECAST = (
    "import joblib\nfrom flask import Flask, request\n\n"
    "app = Flask(__name__)\nmodel = joblib.load('m.pkl')\nhistory = None\n\n\n"
    "def load_history():\n    global history\n    history = [[1.0], [2.0]]\n\n\n"
    "@app.route('/')\ndef home():\n"
    "    chosen = request.args.get('model')\n"
    "    if chosen:\n        print('switching to', chosen)\n"
    "    load_history()\n"
    "    window = history[-1:]\n"
    "    return {'forecast': float(model.predict(window)[0])}\n"
)


def _service(tmp_path: Path, name: str, api: str) -> Path:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask==3.0.3\nscikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "api/app.py": api,
        ".gitignore": ".venv/\n",
    }
    return repo(tmp_path, files, name)


def test_a_route_that_predicts_from_its_own_history(tmp_path: Path) -> None:
    assert places(_service(tmp_path, "own", FORECAST), "SRV101") == []


def test_request_data_that_reaches_the_model_is_still_reported(tmp_path: Path) -> None:
    # the caller's numbers, copied into a list the model is given
    sent = FORECAST.replace(
        "    window = history[-1:]\n",
        "    body = request.get_json()\n    window = []\n    window.append(body['x'])\n",
    )
    assert places(_service(tmp_path, "sent", sent), "SRV101") == ["api/app.py:14"]
    # the caller's image written to a file that an argument-less predict reads
    saved = FORECAST.replace(
        "    window = history[-1:]\n",
        "    save(request.json['image'], app.config['UPLOAD'])\n",
    ).replace("model.predict(window)", "model.predict()")
    assert places(_service(tmp_path, "saved", saved), "SRV101") == ["api/app.py:14"]


def test_a_tracking_uri_given_to_setdefault_is_a_fallback(tmp_path: Path) -> None:
    tracking = (
        "import os\n\nimport mlflow\n\n"
        'DEFAULT_MLFLOW_TRACKING_URI = "http://127.0.0.1:5000"\n\n\n'
        "def configure():\n"
        '    uri = os.environ.setdefault("MLFLOW_TRACKING_URI", DEFAULT_MLFLOW_TRACKING_URI)\n'
        "    mlflow.set_tracking_uri(uri)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\nscikit-learn==1.5.2\n",
        "src/tracking.py": tracking,
        "train.py": TRAIN,
        ".gitignore": "mlruns/\nmlflow.db\n",
    }
    assert "TRK103" not in fired(repo(tmp_path, files, "fallback"))
    written = tracking.replace(
        '    uri = os.environ.setdefault("MLFLOW_TRACKING_URI", DEFAULT_MLFLOW_TRACKING_URI)\n',
        '    os.environ["MLFLOW_TRACKING_URI"] = "http://10.0.0.5:5000"\n    uri = None\n',
    )
    assert places(repo(tmp_path, {**files, "src/tracking.py": written}, "set"), "TRK103") == [
        "src/tracking.py:5",
        "src/tracking.py:9",
    ]


WRAPPER = (
    '"""Make the model-ready datasets."""\n\n'
    "import argparse\nimport sys\nfrom pathlib import Path\n\n"
    'sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))\n\n'
    "from sentinel.data.preprocess import generate_datasets\n\n\n"
    "def main() -> None:\n"
    "    parser = argparse.ArgumentParser()\n"
    '    parser.add_argument("--config", type=Path)\n'
    "    generate_datasets(parser.parse_args().config)\n\n\n"
    'if __name__ == "__main__":\n    main()\n'
)


def _pipeline(tmp_path: Path, name: str, script: str) -> Path:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "sentinel"\nversion = "0.1.0"\n',
        "dvc.yaml": (
            "stages:\n  prepare_data:\n    cmd: python scripts/make_data.py\n"
            "    deps:\n    - scripts/make_data.py\n    - data/raw\n"
            "    outs:\n    - data/processed\n"
        ),
        "data/raw.dvc": "outs:\n- path: raw\n",
        "scripts/make_data.py": script,
        "src/sentinel/__init__.py": "",
        "src/sentinel/data/__init__.py": "",
        "src/sentinel/data/preprocess.py": "def generate_datasets(config):\n    return config\n",
        "tests/test_preprocessing.py": (
            "from sentinel.data.preprocess import generate_datasets\n\n\n"
            "def test_generate():\n    assert generate_datasets(None) is None\n"
        ),
        ".gitignore": "/data/raw\n/data/processed\n",
    }
    return repo(tmp_path, files, name)


def test_a_stage_script_that_wraps_a_tested_function(tmp_path: Path) -> None:
    assert places(_pipeline(tmp_path, "wrapper", WRAPPER), "QUA104") == []


def test_a_stage_script_with_code_of_its_own_is_still_reported(tmp_path: Path) -> None:
    helper = WRAPPER.replace(
        "def main() -> None:",
        "def clean(frame):\n    return frame.dropna()\n\n\ndef main() -> None:",
    )
    assert places(_pipeline(tmp_path, "helper", helper), "QUA104") == ["dvc.yaml:2"]
    at_import = WRAPPER.replace(
        "\n\ndef main() -> None:",
        "frame = generate_datasets(None).dropna()\n\n\ndef main() -> None:",
    )
    assert places(_pipeline(tmp_path, "import", at_import), "QUA104") == ["dvc.yaml:2"]
