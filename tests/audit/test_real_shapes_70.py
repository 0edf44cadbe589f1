"""Shapes met on a seventieth and seventy-first set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

PICKED_CLASS = (
    "from torchvision import datasets\n\n\ndef build(name):\n"
    '    if name == "cifar10":\n        dataset_class = datasets.CIFAR10\n'
    '    return dataset_class(root="./data", download=True)\n'
)


def test_a_library_dataset_picked_as_a_class(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.5.1\ntorchvision==0.20.1\n",
        "datasets_factory.py": PICKED_CLASS,
        "train.py": "import torch\n\nloss.backward()\n",
        "part_2_results/tinycnn_cifar10_fp32.onnx": b"\x08\x07" + b"\0" * 9_000,
    }
    assert places(repo(tmp_path, files, "picked"), "DAT103") == []
    assert places(repo(tmp_path, files, "picked-dvc"), "DVC115") == []
    own = {**files, "datasets_factory.py": "import numpy as np\n\nX = np.load('data/x.npy')\n"}
    assert places(repo(tmp_path, own, "own"), "DAT103") == [
        "part_2_results/tinycnn_cifar10_fp32.onnx"
    ]


def _ids(count: int) -> list[str]:
    letters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return ["".join(letters[(i * 7 + j * 13) % 36] for j in range(20)) for i in range(count)]


def test_a_random_id_that_starts_like_an_aws_key(tmp_path: Path) -> None:
    clip_id = "ASIA" + "VIM2Q1GJQDO30OLN"
    clip_ids = {**dict.fromkeys(_ids(200), 1800), clip_id: 1800}
    text = "{" + ", ".join(f'"{k}": {v}' for k, v in clip_ids.items()) + "}\n"
    files: dict[str, str | bytes] = {"eval/metadata/clip_lengths.json": text}
    assert places(repo(tmp_path, files, "ids"), "SEC101") == []
    key = {"deploy/settings.json": f'{{"aws_access_key_id": "{clip_id}"}}\n'}
    assert places(repo(tmp_path, key, "key"), "SEC101") == ["deploy/settings.json:1"]


def test_an_env_example_of_settings_alone(tmp_path: Path) -> None:
    example = (
        "# Copy to airflow/config/airflow.env for local use.\nAIRFLOW_HOME=./.airflow\n"
        "AIRFLOW__CORE__LOAD_EXAMPLES=False\nMLFLOW_TRACKING_URI=file:./mlruns\n"
    )
    files: dict[str, str | bytes] = {
        ".gitignore": "mlruns/\n.env\n",
        ".env.example": "MLFLOW_TRACKING_URI=file:./mlruns\n",
        "airflow/config/airflow.env.example": example,
    }
    assert places(repo(tmp_path, files, "settings"), "SEC104") == []
    secret = {**files, "airflow/config/airflow.env.example": example + "DB_PASSWORD=\n"}
    assert places(repo(tmp_path, secret, "secret"), "SEC104") == [".gitignore"]


FLASK_DIGITS = (
    "import torch\nfrom flask import Flask, jsonify, request\n\napp = Flask(__name__)\n"
    "model_instance = torch.jit.load('model.pt')\n\n\n"
    '@app.route("/health", methods=["GET"])\ndef health_check():\n'
    '    return jsonify({"status": "ok"})\n\n\n'
    '@app.route("/predict", methods=["POST"])\ndef predict():\n'
    "    data = request.get_json()\n{check}"
    '    outputs = model_instance(decode(data["image"]))\n'
    '    return jsonify({"digit": int(outputs.argmax())})\n'
)


def test_a_flask_handler_that_answers_400_for_a_missing_key(tmp_path: Path) -> None:
    check = '    if "image" not in data:\n        return jsonify({"error": "Missing image"}), 400\n'
    files: dict[str, str | bytes] = {"model/app.py": FLASK_DIGITS.replace("{check}", check)}
    assert places(repo(tmp_path, files, "checked"), "SRV101") == []
    bare = {"model/app.py": FLASK_DIGITS.replace("{check}", "")}
    # reported at the route that predicts, not the health check above it
    assert places(repo(tmp_path, bare, "bare"), "SRV101") == ["model/app.py:13"]


def test_a_readme_that_links_its_run_guide(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": (
            "# Recomart\n\npip install -r requirements.txt\n\nFor the ordered workflow, use the\n"
            "[End-to-End Execution Guide](docs/operations/GUIDE.md).\n"
        ),
        "docs/operations/GUIDE.md": "# Guide\n\n## Running the pipeline\n\ndvc repro\n",
        "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    deps:\n      - train.py\n",
        "train.py": "print('train')\n",
    }
    assert places(repo(tmp_path, files, "linked"), "DOC102") == []
    unlinked = {**files, "README.md": "# Recomart\n\npip install -r requirements.txt\n"}
    assert places(repo(tmp_path, unlinked, "unlinked"), "DOC102") == ["README.md"]


def test_the_systems_word_list_is_no_local_path(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\n",
        "src/train.py": (
            'import hydra\n\n\n@hydra.main(config_path="../configs", config_name="train", '
            'version_base="1.3")\ndef main(cfg):\n    pass\n'
        ),
        "configs/train.yaml": "defaults:\n  - model: basic\n",
        "configs/model/basic.yaml": 'width: 28\ncorpus: "/usr/share/dict/words"\n',
    }
    assert places(repo(tmp_path, files, "system"), "CFG104") == []
    home = {**files, "configs/model/basic.yaml": 'corpus: "/home/alice/words.txt"\n'}
    assert places(repo(tmp_path, home, "home"), "CFG104") == ["configs/model/basic.yaml:1"]


def test_scripts_named_like_tests_in_two_copies(tmp_path: Path) -> None:
    script = "import torch\n\n\ndef extract(args):\n    return torch.load(args.path)\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.5.1\n",
        "train.py": "import torch\n\nloss.backward()\n",
        **{
            f"{folder}/{name}": script
            for folder in ("old", "older")
            for name in ("main_test.py", "run_test.py")
        },
    }
    assert places(repo(tmp_path, files, "copies"), "LAY104") == ["old/main_test.py"]
    tested = {**files, "tests/test_train.py": "def test_train():\n    assert True\n"}
    assert places(repo(tmp_path, tested, "tested"), "LAY104") == []
