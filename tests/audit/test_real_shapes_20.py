"""Shapes met on a twentieth set of public repositories the audit had never seen.

A dataset's documentation kept in its source's encoding, deployment commands run as DVC
stages, and vendored code under external/. Each test writes the shape here and checks the
false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0]], [0])\n"


def test_a_data_documentation_file_in_latin_1_is_neither_a_problem_nor_missing(
    tmp_path: Path,
) -> None:
    doc = "NAME: AmesHousing.txt\nSIZE: 2930 observations\nAUTHOR: De Cock, Universit\xe9\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "data/raw.dvc": "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661.dir\n  path: raw\n",
        "docs/DataDocumentation.txt": doc.encode("latin-1"),
    }
    found = fired(repo(tmp_path, files, "doc"))
    assert not {"LAY106", "LAY112"} & found
    # a requirements file that pip reads stays reported
    pip = {**files, "requirements-gpu.txt": "torch==2.5.1  # CUDA \xe9\n".encode("latin-1")}
    assert places(repo(tmp_path, pip, "pip"), "LAY112") == ["requirements-gpu.txt"]


def test_deployment_commands_as_stages_need_no_unit_test(tmp_path: Path) -> None:
    stages = (
        "stages:\n"
        "  train:\n    cmd: python src/train.py\n    deps:\n    - src/train.py\n"
        "    outs:\n    - models/model.pkl\n"
        "  build_docker:\n    cmd: docker build -t lambda-image:latest .\n    deps:\n"
        "    - models/model.pkl\n"
        "  push_ecr:\n    cmd: docker push 123456789012.dkr.ecr.us-east-2.amazonaws.com/x:latest\n"
        "  deploy:\n    cmd: make deploy\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\ndvc==3.55.0\n",
        "src/train.py": TRAIN,
        "dvc.yaml": stages,
        "Makefile": "deploy:\n\tpython -c 'print(1)'\n",
        "tests/test_api.py": "def test_ok():\n    assert True\n",
    }
    found = places(repo(tmp_path, files), "QUA104")
    assert found == ["dvc.yaml:2", "dvc.yaml:14"]  # train and the make target, not docker


def test_vendored_code_under_external_is_not_the_projects(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.5.1\n",
        "train.py": "import torch\n\ntorch.nn.Linear(1, 1)(torch.ones(1)).backward()\n",
        "external/heng/tgs/inference.py": "from sklearn.metrics import roc_auc_score\n",
    }
    assert "PKG112" not in fired(repo(tmp_path, files, "vendored"))
    own = {**files, "tools/inference.py": "from sklearn.metrics import roc_auc_score\n"}
    assert places(repo(tmp_path, own, "own"), "PKG112") == ["tools/inference.py:1"]
