"""Shapes met on the hundred-and-forty-sixth and later sets of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from audit.support import TRAIN_SCRIPT as TRAIN
from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import audit, commit_all, fired, pickled, places, places_per_readme, repo

# Fallbacks a module gives credentials it reads from the environment. The values are made
# up for this test.
SETTINGS = """import os

DB_PASSWORD = os.getenv('DB_PASSWORD', 'Qm7rTz2KpW9xLs')
MYSQL_PASSWORD = os.getenv("MYSQL_PASSWORD", default="Vb4nR8cJqX2mZt5kLp9wHd3F")
API_KEY = os.environ.get("API_KEY", "c81f4e2a9b7d3c6e5f0a1b2c3d4e5f6a")
POSTGRES_PASSWORD = os.getenv("POSTGRES_PASSWORD", "postgres")
MINIO_SECRET_KEY = os.getenv("MINIO_SECRET_KEY", "minioadmin")
JWT_SECRET = os.getenv("JWT_SECRET", "your-secret-key-change-in-production")
SMOKE_PASSWORD = os.getenv("SMOKE_PASSWORD", "SmokePass123!")
TOKEN_NAME = os.getenv("HF_TOKEN_NAME", "Uploader2024Token")
SEED = os.getenv("RANDOM_SEED", "Kx83mPq02Lz")
"""


def test_a_literal_fallback_of_a_credential_read_from_the_environment(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "app/settings.py": SETTINGS,
        "tests/test_settings.py": "import os\n\nPW = os.getenv('PW_PASSWORD', 'Qm7rTz2KpW9xLs')\n",
    }
    root = repo(tmp_path, files, "fallbacks")
    assert places(root, "SEC106") == ["app/settings.py:3"]
    assert sorted(places(root, "SEC103")) == ["app/settings.py:4", "app/settings.py:5"]
    allowed = SETTINGS.replace("'Qm7rTz2KpW9xLs')", "'Qm7rTz2KpW9xLs')  # pragma: allowlist secret")
    assert places(repo(tmp_path, {**files, "app/settings.py": allowed}, "allowed"), "SEC106") == []


PACKAGE_PYPROJECT = """[project]
name = "boost_serve"
version = "1.0"
dependencies = ["numpy>=1.26"]

[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"
"""


def test_a_package_whose_images_pin_its_model_library(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": PACKAGE_PYPROJECT,
        "boost_serve/__init__.py": "",
        "boost_serve/serve.py": "import xgboost as xgb\n\nbooster = xgb.Booster()\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "bare")
    assert places(root, "PKG105") == ["boost_serve/serve.py:1"]
    image = (
        "FROM python:3.11-slim\nARG XGBOOST_VERSION=3.0.5\n"
        "RUN python3 -m pip install --no-cache xgboost==${XGBOOST_VERSION} numpy==2.1.0\n"
        "COPY dist/boost_serve-1.0-py3-none-any.whl /tmp/\n"
        "RUN pip install --no-deps /tmp/boost_serve-1.0-py3-none-any.whl\n"
    )
    pinned = repo(tmp_path, {**files, "docker/3.0-5/Dockerfile.cpu": image}, "pinned")
    assert places(pinned, "PKG105") == []
    assert places(pinned, "PKG112") == []


SETUP_BY_PARTS = """import os
from setuptools import setup


def main():
    install_requires_base = [
        'numpy >= 1.14.5',
        'pandas',
    ]

    tensorflow_pypi_dep = [
        'tensorflow == 1.15.4'
    ]

    if os.environ.get('DS_NOTENSORFLOW', ''):
        install_requires = install_requires_base
    else:
        install_requires = install_requires_base + tensorflow_pypi_dep

    setup(name='speech_train', version='0.1', packages=['speech_train'],
          install_requires=install_requires)


if __name__ == '__main__':
    main()
"""


def test_setup_requirements_put_together_from_named_lists(tmp_path: Path) -> None:
    module = "import tensorflow as tf\nimport pandas as pd\n\ntf.constant(pd.NA)\n"
    files: dict[str, str | bytes] = {
        "setup.py": SETUP_BY_PARTS,
        "speech_train/__init__.py": "",
        "speech_train/evaluate.py": module,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "parts"), "PKG105") == []
    without = SETUP_BY_PARTS.replace("'tensorflow == 1.15.4'", "'tensorboard == 1.15.0'")
    assert places(repo(tmp_path, {**files, "setup.py": without}, "lost"), "PKG105") == [
        "speech_train/evaluate.py:1"
    ]


SENTENCE_KEY = "sk-this-is-a-very-secret-key-that-should-be-masked"
# Shaped as a live key, made up for this test, split so that the kit's own audit passes.
LIVE_KEY = "sk-" + "proj-T9xQ2mZ8rL4wK7pV3nB6yC1dF5gH0jS2aE"


def test_a_token_that_is_a_sentence_and_empty_options_are_no_secrets(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **dict(TRAINING),
        "app/llm.py": f'client = Client(api_key="{SENTENCE_KEY}")\n',
        "compose.dev.yml": (
            'services:\n  lab:\n    image: jupyter/base\n    command: >\n      bash -c "\n'
            "        jupyter lab --no-browser\n"
            "          --NotebookApp.token='' --NotebookApp.password=''\n      \"\n"
        ),
    }
    root = repo(tmp_path, files, "sentence")
    assert places(root, "SEC101") == []
    assert places(root, "SEC106") == []
    live = {
        **files,
        "app/llm.py": f'client = Client(api_key="{LIVE_KEY}")\n',
    }
    assert places(repo(tmp_path, live, "live"), "SEC101") == ["app/llm.py:1"]


# A Google API key as Google's browser keys look; made up for this test.
BROWSER_KEY = "AIza" + "SyC8f3Lq0Pz7XwR2vB9nM4tY6uKj1HdEa5s"


def test_a_google_browser_key_in_a_saved_web_page(tmp_path: Path) -> None:
    page = (
        '\n\n<!DOCTYPE html>\n<html lang="en">\n<head>\n<script>\n'
        f"  window.siteErrorReporting = {{ key: '{BROWSER_KEY}', projectId: 'site-1' }}\n"
        "</script>\n</head>\n</html>\n"
    )
    files: dict[str, str | bytes] = {**TRAINING, "_archive/discussion.html": page,
                                     "research/page_info.json": page}  # fmt: skip
    assert places(repo(tmp_path, files, "page"), "SEC101") == []
    in_code = {**TRAINING, "maps.py": f'MAPS_KEY = "{BROWSER_KEY}"\n'}
    assert places(repo(tmp_path, in_code, "code"), "SEC101") == ["maps.py:1"]


def test_a_script_named_setup_py_is_no_manifest(tmp_path: Path) -> None:
    script = (
        '#!/usr/bin/env python3\n"""Workspace initializer: downloads data, scaffolds folders."""\n'
        "import argparse\n\nargparse.ArgumentParser().parse_args()\n"
    )
    files: dict[str, str | bytes] = {
        "tools/setup.py": script,
        "tools/evaluate.py": "import pandas as pd\n\npd.read_csv('sub.csv')\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "script")
    assert places(root, "PKG101") == ["."]
    assert places(root, "PKG107") == []


SETUP_T = "from setuptools import setup\n\nsetup(name='t', install_requires=['pandas'])\n"


def test_a_docs_build_list_is_no_lock(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": SETUP_T,
        "t/__init__.py": "",
        "t/train.py": TRAIN,
        "bin/train.sh": "python -m t.train\n",
        "ci_scripts/docs-requirements.txt": "sphinx==2.4.4\nbreathe==4.14.2\n",
        "models/.gitkeep": "",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "docs"), "PKG107") == ["setup.py"]


def test_setup_headings_in_chinese_japanese_and_korean(tmp_path: Path) -> None:
    readme = "# 加密市场预测\n\n比赛代码。\n\n## 环境\n- Python 3.11\n"
    files: dict[str, str | bytes] = {**TRAINING, "README.md": readme}
    assert places(repo(tmp_path, files, "zh"), "DOC101") == []
    bare = {**TRAINING, "README.md": "# 加密市场预测\n\n比赛代码。\n\n## 结果\n- 0.81\n"}
    assert places(repo(tmp_path, bare, "bare"), "DOC101") == ["README.md"]


ARTIFACTS = """import json
import json
from pathlib import Path


class ArtifactManager:
    def __init__(self, artifacts_dir: str = "./artifacts"):
        self.artifacts_dir = Path(artifacts_dir)

    def _save_json(self, data, name):
        (self.artifacts_dir / name).write_text(json.dumps(data))

    def save_all(self, model, config, metrics):
        self._save_json(config, "config.json")
        model.save_model(str(self.artifacts_dir / "model.cbm"))
        self._save_json(metrics, "metrics.json")
"""


def test_a_pipeline_that_saves_its_config_and_metrics_with_each_model(tmp_path: Path) -> None:
    pipeline = "from catboost import CatBoostClassifier\n\nCatBoostClassifier().fit([[0]], [0])\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": "catboost==1.2.7\n",
        "pipeline/train.py": pipeline,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "bare"), "TRK107") == ["."]
    kept = {**files, "pipeline/artifacts.py": ARTIFACTS}
    assert places(repo(tmp_path, kept, "kept"), "TRK107") == []


def test_generated_c_sources_and_hashed_bundles_are_no_large_files(tmp_path: Path) -> None:
    cython = b"/* Generated by Cython 0.28.3 */\n\n#define PY_SSIZE_T_CLEAN\n" + b"x" * 2_500_000
    bundle = b"(function(){" + b"var a=1;" * 160_000 + b"})();\n"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "third_party/fst/src/pywrapfst.cc": cython,
        "api/static/assets/index-c8fd0bb8.js": bundle,
        "native/big_table.cc": b"static int t[] = {" + b"1," * 600_000 + b"};\n",
    }
    assert places(repo(tmp_path, files, "built"), "DAT101") == ["native/big_table.cc"]


def test_a_service_whose_image_listens_on_a_port_is_an_application(tmp_path: Path) -> None:
    pyproject = PACKAGE_PYPROJECT.replace("boost_serve", "retrieval").replace(
        '["numpy>=1.26"]', '["fastapi>=0.110", "uvicorn>=0.29"]'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "retrieval/__init__.py": "",
        "retrieval/api.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "Dockerfile": 'FROM python:3.11-slim\nCOPY . /app\nRUN pip install /app\nCMD ["serve"]\n',
        "docker-compose.yml": "services:\n  api:\n    build: .\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "quiet"), "PKG107") == []  # a library: no lock asked
    listening = {**files, "Dockerfile": files["Dockerfile"].replace("CMD", "EXPOSE 8000\nCMD")}  # type: ignore[union-attr]
    assert places(repo(tmp_path, listening, "served"), "PKG107") == ["pyproject.toml"]


def test_a_demo_notebook_the_readme_sends_readers_to(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["1 + 1"],
            "outputs": [{"output_type": "execute_result", "execution_count": 1,
                         "data": {"text/plain": ["2"]}, "metadata": {}}]}  # fmt: skip
    notebook = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    readme = "# Ads\n\n## Setup\n\npip install -r requirements.txt\n\n"
    readme += "[Demo](notebooks/demo_pipeline.ipynb)\n"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "README.md": readme,
        "notebooks/demo_pipeline.ipynb": notebook,
        "notebooks/other_demo.ipynb": notebook,
    }
    assert places(repo(tmp_path, files, "demo"), "DAT104") == ["notebooks/other_demo.ipynb"]


def test_an_environment_heading_alone_is_a_setup_section(tmp_path: Path) -> None:
    research = "# 传感器调度\n\n## 2. 整体实验原理\n\n### 2.1 环境层\uff1a高频真值环境如何构建\n"
    files: dict[str, str | bytes] = {**TRAINING, "README.md": research}
    assert places(repo(tmp_path, files, "rl"), "DOC101") == ["README.md"]
    setup = research + "\n## 3. 运行环境\n\nPython 3.11, `pip install -r requirements.txt`\n"
    assert places(repo(tmp_path, {**files, "README.md": setup}, "env"), "DOC101") == []


def test_scripts_named_for_what_they_try_are_no_tests(tmp_path: Path) -> None:
    script = "import cv2\n\nframe = cv2.VideoCapture('clip.mp4').read()[1]\n"
    script += "cv2.imwrite('g.jpg', frame)\n"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "test_grid.py": script,
        "backend/src/test_translate.py": "print(input('text: '))\n",
    }
    root = repo(tmp_path, files, "scratch")
    assert places(root, "LAY104") == ["backend/src/test_translate.py"]
    assert "0 test file(s)" in audit(root).profile.summary()  # type: ignore[union-attr]
    real = {**files, "tests/test_train.py": "def test_fit():\n    assert True\n"}
    assert places(repo(tmp_path, real, "real"), "LAY104") == []


INSTALLS_REQUIREMENTS = (
    "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
)


def test_pytest_in_the_requirements_a_service_image_installs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi==0.115.0\npandas==2.2.3\npytest==8.3.3\n",
        "app/main.py": "import pandas as pd\nfrom fastapi import FastAPI\n\napp = FastAPI()\n",
        "tests/test_main.py": "def test_app():\n    assert True\n",
        "docker/Dockerfile.test": INSTALLS_REQUIREMENTS,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "dev-image")
    assert places(root, "PKG111") == []  # the one environment of every task
    image = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    served = repo(tmp_path, {**files, "Dockerfile": image}, "served")
    assert places(served, "PKG111") == ["requirements.txt:3"]
    more = {
        **files,
        "Dockerfile": image,
        "requirements.txt": files["requirements.txt"] + "black==24.1.0\n",
    }
    [issue] = [i for i in audit(repo(tmp_path, more, "more")).issues if i.rule == "PKG111"]
    assert issue.line == 3 and "pytest, black" in issue.message  # one finding per file


def test_tests_of_the_standard_librarys_unittest_need_no_dev_group(tmp_path: Path) -> None:
    suite = "import unittest\n\n\nclass TestFit(unittest.TestCase):\n    def test_fit(self):\n"
    suite += "        self.assertTrue(True)\n"
    files: dict[str, str | bytes] = {
        "pyproject.toml": PACKAGE_PYPROJECT,
        "boost_serve/__init__.py": "",
        "tests/test_fit.py": suite,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "unittest"), "PKG106") == []
    with_pytest = {**files, "tests/test_more.py": "import pytest\n\n\ndef test_x():\n    pass\n"}
    assert places(repo(tmp_path, with_pytest, "pytest"), "PKG106") == ["pyproject.toml"]
    nose = PACKAGE_PYPROJECT.replace('["numpy>=1.26"]', '["numpy>=1.26", "nose>=1.3"]')
    with_nose = {**files, "pyproject.toml": nose}
    assert places(repo(tmp_path, with_nose, "nose"), "PKG106") == ["pyproject.toml"]


def test_a_chain_of_links_is_one_finding_and_a_committed_venv_is_lay113s(
    tmp_path: Path,
) -> None:
    root = repo(tmp_path, dict(TRAINING), "links")
    (root / "tools").mkdir()
    (root / "tools" / "python").symlink_to("/usr/local/outside/bin/python3.12")
    (root / "tools" / "python3").symlink_to("python")
    (root / "tools" / "python3.12").symlink_to("python3")
    venv = root / ".env-3.12"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "bin" / "python").symlink_to("/usr/local/outside/bin/python3.11")
    (venv / "bin" / "python3").symlink_to("python")
    commit_all(root)
    assert places(root, "LAY111") == ["tools/python"]
    assert places(root, "LAY113") == [".env-3.12/bin/python"]


FREEZE = "".join(f"package{n}=={n}.0.1\n" for n in range(12)) + "ipython\n"


def test_a_freeze_with_one_loose_entry_is_no_lock(tmp_path: Path) -> None:
    # What that entry installs floats: PKG110 names it, and pinning it makes the file a
    # lock, so PKG107 says nothing more (labelled a duplicate in later rounds).
    loose = FREEZE.replace("ipython\n", "xgboost\n")
    files: dict[str, str | bytes] = {
        "requirements.txt": loose,
        "pyproject.toml": PACKAGE_PYPROJECT.replace("boost_serve", "ibov"),
        "ibov/__init__.py": "",
        "ibov/train.py": TRAIN,
        "models/.gitkeep": "",
        ".gitignore": ".venv/\n",
    }
    found = repo(tmp_path, files, "loose")
    assert places(found, "PKG107") == []
    assert places(found, "PKG110") == ["requirements.txt:13"]
    ranged = {**files, "requirements.txt": loose.replace("xgboost\n", "xgboost>=2.0\n")}
    assert places(repo(tmp_path, ranged, "ranged"), "PKG107") == ["pyproject.toml"]
    pinned = {**files, "requirements.txt": loose.replace("xgboost\n", "xgboost==2.1.3\n")}
    assert places(repo(tmp_path, pinned, "pinned"), "PKG107") == []


REGISTRY = """REGISTRY = {}
try:
    from metrics_kit.models.tf_segmentation import TensorflowModel

    REGISTRY["tensorflow"] = TensorflowModel
except ImportError:
    print("Tensorflow not available")
"""


def test_a_backend_module_its_package_imports_only_in_a_try(tmp_path: Path) -> None:
    backend = "import tensorflow as tf\n\n\nclass TensorflowModel:\n    graph = tf.Graph\n"
    files: dict[str, str | bytes] = {
        "pyproject.toml": PACKAGE_PYPROJECT.replace("boost_serve", "metrics_kit"),
        "metrics_kit/__init__.py": "",
        "metrics_kit/models/__init__.py": REGISTRY,
        "metrics_kit/models/tf_segmentation.py": backend,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "optional"), "PKG105") == []
    eager = REGISTRY.replace("try:\n    from", "from").replace("    REGISTRY", "REGISTRY", 1)
    eager = eager.split("except")[0]
    required = {**files, "metrics_kit/models/__init__.py": eager}
    assert places(repo(tmp_path, required, "required"), "PKG105") == [
        "metrics_kit/models/tf_segmentation.py:1"
    ]


def test_python_helper_scripts_of_a_cpp_project_need_no_manifest(tmp_path: Path) -> None:
    helper = "import cv2\nimport zmq\n\ncv2.imread('frame.png')\n"
    files: dict[str, str | bytes] = {
        **{f"src/part{n}.cpp": "int f() { return 0; }\n" for n in range(7)},
        **{f"include/part{n}.h": "int f();\n" for n in range(7)},
        "scripts/python/stream.py": helper,
        "scripts/python/show.py": helper,
        "scripts/python/record.py": helper,
        ".gitignore": "build/\n",
    }
    assert places(repo(tmp_path, files, "no-build-file"), "PKG101") == ["."]
    native = {**files, "CMakeLists.txt": "cmake_minimum_required(VERSION 3.10)\n"}
    assert places(repo(tmp_path, native, "cmake"), "PKG101") == []
    # A MATLAB method's Python still needs its packages declared (torch, pystan...).
    matlab = {
        **{f"src/step{n}.m": "function y = f(x)\n  y = x;\nend\n" for n in range(9)},
        "experiments/main.py": helper,
        ".gitignore": "build/\n",
    }
    assert places(repo(tmp_path, matlab, "matlab"), "PKG101") == ["."]


def test_setup_in_the_readme_of_a_folder_the_readme_links(tmp_path: Path) -> None:
    readme = "# Credit scoring\n\n## [Model Development](credit-risk-model)\n\nDetails there.\n"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "README.md": readme,
        "credit-risk-model/Readme.md": "# Model\n\nRun `python train.py`.\n",
    }
    assert places(repo(tmp_path, files, "bare"), "DOC101") == ["README.md"]
    setup = {**files, "credit-risk-model/Readme.md": "# Model\n\n    pipenv install --dev\n"}
    assert places(repo(tmp_path, setup, "linked"), "DOC101") == []


PUBLISH = """on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
"""


def test_a_package_ci_publishes_to_pypi_is_a_library_whatever_it_trains(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": PACKAGE_PYPROJECT.replace("boost_serve", "spline"),
        "spline/__init__.py": "",
        "spline/training/__init__.py": "",
        "spline/training/train.py": TRAIN,
        "scripts/train.py": "from spline.training.train import *\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "project"), "PKG107") == ["pyproject.toml"]
    published = {**files, ".github/workflows/publish.yml": PUBLISH}
    assert places(repo(tmp_path, published, "published"), "PKG107") == []


# FastAPI's OAuth2/JWT tutorial prints this SECRET_KEY for readers to copy.
TUTORIAL_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"


def test_a_frameworks_documented_example_key_is_no_secret(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "api/server.py": f'API_SECRET_KEY = "{TUTORIAL_KEY}"\n',
    }
    assert places(repo(tmp_path, files, "tutorial"), "SEC103") == []
    own = {**TRAINING, "api/server.py": f'API_SECRET_KEY = "{TUTORIAL_KEY[::-1]}"\n'}
    assert places(repo(tmp_path, own, "own"), "SEC103") == ["api/server.py:1"]


def test_settings_in_a_params_folder_or_a_config_file_the_code_loads(tmp_path: Path) -> None:
    assert places(repo(tmp_path, dict(TRAINING), "none"), "LAY105") == ["."]
    params = {**TRAINING, "params/reduce_dim_100.json": "{}\n", "params/linear.json": "{}\n"}
    assert places(repo(tmp_path, params, "params"), "LAY105") == []
    nested = {
        **TRAINING,
        "config/bert/classification/a.json": "{}\n",
        "config/setfit/b.json": "{}\n",
    }
    assert places(repo(tmp_path, nested, "nested"), "LAY105") == []
    loaded = {
        **TRAINING,
        "configs/feature_config.json": '{"threshold": 36}\n',
        "src/config.py": 'PATH = "configs/feature_config.json"\n',
    }
    assert places(repo(tmp_path, loaded, "loaded"), "LAY105") == []


def test_sacred_records_runs(tmp_path: Path) -> None:
    main = (
        "from sacred import Experiment\nfrom sacred.observers import FileStorageObserver\n"
        "from sklearn.linear_model import Ridge\n\nex = Experiment()\n"
        "ex.observers.append(FileStorageObserver('results'))\n\n\n@ex.automain\n"
        "def run():\n    Ridge().fit([[0]], [0])\n"
    )
    files: dict[str, str | bytes] = {**TRAINING, "train.py": main}
    assert places(repo(tmp_path, files, "sacred"), "TRK107") == []


def test_a_package_that_installs_a_training_command_is_a_project(tmp_path: Path) -> None:
    pyproject = PACKAGE_PYPROJECT.replace("boost_serve", "wm_marl")
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "wm_marl/__init__.py": "",
        "wm_marl/ppo.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "library"), "PKG107") == []
    scripts = pyproject + '\n[project.scripts]\nwm-marl-train-e2e = "wm_marl.ppo:main"\n'
    command = {**files, "pyproject.toml": scripts}
    assert places(repo(tmp_path, command, "command"), "PKG107") == ["pyproject.toml"]


def test_fallback_tracking_uris_and_echoed_commands(tmp_path: Path) -> None:
    logger = (
        "import os\n\nimport mlflow\n\n\ndef start(uri=None):\n    if uri:\n"
        "        mlflow.set_tracking_uri(uri)\n"
        '    elif "MLFLOW_TRACKING_URI" not in os.environ:\n'
        '        mlflow.set_tracking_uri("file:./mlruns")\n'
    )
    plan = 'echo "   To start: mlflow ui --host 0.0.0.0 --port 5001"\n'
    files: dict[str, str | bytes] = {
        **TRAINING,
        "requirements.txt": "scikit-learn==1.6.1\nmlflow==3.5.0\n",
        "src/logging_mlflow.py": logger,
        "scripts/plan.sh": plan,
    }
    root = repo(tmp_path, files, "fallback")
    assert places(root, "TRK103") == [] and places(root, "TRK106") == []
    runs = {**files, "scripts/plan.sh": plan + "mlflow ui --host 0.0.0.0 --port 5001\n"}
    assert places(repo(tmp_path, runs, "runs"), "TRK106") == ["scripts/plan.sh:2"]


def test_conda_env_update_is_a_setup_step_and_a_slack_webhook_a_secret(tmp_path: Path) -> None:
    readme = (
        "# Attacks\n\n## Main libraries\n\n    conda env update -n my_env --file environment.yaml\n"
    )
    hook = "https://hooks.slack.com/services/" + "T0KCQ9NCC/B0F53KBL7/Dq4bT8xZm2Lw9rVn3KpHs7Yc"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "README.md": readme,
        "slack.json": f'{{"webhook_url": "{hook}"}}\n',
    }
    root = repo(tmp_path, files, "conda")
    assert places(root, "DOC101") == []
    assert places(root, "SEC101") == ["slack.json:1"]


def test_compose_files_named_with_a_hyphen_and_a_misspelt_requirements_list(
    tmp_path: Path,
) -> None:
    tracking = (
        "services:\n  mlflow_air:\n    image: ghcr.io/mlflow/mlflow:v3.5.0\n"
        '    ports:\n      - "8082:5000"\n'
    )
    image = "FROM python:3.11-slim\nCOPY requirments.txt .\nRUN pip install -r requirments.txt\n"
    files: dict[str, str | bytes] = {
        "requirments.txt": "scikit-learn==1.6.1\npytest==9.0.2\nblack==26.3.1\n",
        "train.py": TRAIN,
        "compose-experiment-tracking.yaml": tracking,
        "Dockerfile": image,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "hyphen")
    assert places(root, "TRK106") == ["compose-experiment-tracking.yaml:5"]
    assert places(root, "PKG111") == ["requirments.txt:2"]


APPTAINER = """Bootstrap: docker
From: nvidia/cuda:12.1.0-runtime-ubuntu22.04

%post
    pip install \\
        datasets==2.17.1 \\
        torch==2.2.1 \\
        transformers==4.37.2
"""


def test_experiments_in_an_apptainer_container_that_pins_them(tmp_path: Path) -> None:
    script = "import torch\nimport transformers\n\ntorch.manual_seed(0)\n"
    files: dict[str, str | bytes] = {"src/train.py": script, ".gitignore": ".venv/\n"}
    assert places(repo(tmp_path, files, "bare"), "PKG101") == ["."]
    contained = {**files, "apptainer-def/transformers.def": APPTAINER}
    assert places(repo(tmp_path, contained, "contained"), "PKG101") == []


def test_a_pickled_hyperparameter_search_record_is_no_model(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "hyperopt==0.2.7\nscikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "results/svm_results.pkl": pickled(b"hyperopt.base", b"Trials", 20_000),
        "results/study.pkl": pickled(b"optuna.study.study", b"Study", 20_000),
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "trials"), "DAT103") == []
    fitted = {**files, "results/svm.pkl": pickled(b"sklearn.svm._classes", b"SVC", 20_000)}
    assert places(repo(tmp_path, fitted, "fitted"), "DAT103") == ["results/svm.pkl"]


def test_a_linter_among_pipenvs_packages(tmp_path: Path) -> None:
    pipfile = (
        '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
        '[packages]\nscikit-learn = "==1.6.1"\nflake8 = "*"\n\n'
        '[dev-packages]\npytest = "*"\n'
    )
    files: dict[str, str | bytes] = {
        "Pipfile": pipfile,
        "Pipfile.lock": "{}\n",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "pipenv"), "PKG111") == ["Pipfile:8"]
    tidy = {**files, "Pipfile": pipfile.replace('flake8 = "*"\n', "")}
    assert places(repo(tmp_path, tidy, "tidy"), "PKG111") == []


def test_a_maven_multi_module_repository_with_python_helpers(tmp_path: Path) -> None:
    pom = "<project><modelVersion>4.0.0</modelVersion></project>\n"
    java = "package app;\n\npublic class C {}\n"
    script = "import numpy as np\n\nprint(np.zeros(3))\n"
    files: dict[str, str | bytes] = {
        "order-service/pom.xml": pom,
        "scoring-service/pom.xml": pom,
        "scripts/plot.py": script,
        ".gitignore": "target/\n",
    }
    for service in ("order", "scoring"):
        for n in range(4):
            files[f"{service}-service/src/main/java/app/C{n}.java"] = java
    assert places(repo(tmp_path, files, "maven"), "PKG101") == []
    python_first = {**files, **{f"ml/step{n}.py": script for n in range(6)}}
    assert places(repo(tmp_path, python_first, "python-first"), "PKG101") == ["."]


def test_no_ci_and_no_hooks_where_there_is_nothing_to_run(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        **TRAINING,
        "tests/__init__.py": "",
    }
    bare = repo(tmp_path, files, "bare")
    assert not {"QUA110", "QUA112"} & fired(bare)
    assert "LAY104" in fired(bare)  # the missing tests are the finding
    tested = {**files, "tests/test_train.py": "def test_fit():\n    assert True\n"}
    assert places(repo(tmp_path, tested, "tested"), "QUA110") == ["."]
    assert places(repo(tmp_path, tested, "tested-hooks"), "QUA112") == []
    linted = {**files, "Makefile": "lint:\n\tflake8 .\n"}
    root = repo(tmp_path, linted, "linted")
    assert places(root, "QUA110") == []  # linters alone: the hooks' to run
    assert places(root, "QUA112") == ["."]
    ci = {
        **files,
        ".github/workflows/deploy.yml": "on: push\njobs:\n  d:\n    runs-on: x\n"
        "    steps:\n      - run: echo deploy\n",
    }
    assert "QUA109" not in fired(repo(tmp_path, ci, "deploy-only"))
    configured = {**ci, "pyproject.toml": "[tool.ruff]\nline-length = 100\n"}
    assert "QUA109" in fired(repo(tmp_path, configured, "configured"))


def test_a_stack_floor_the_lock_resolves_above(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "scribe"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = [\n    "mlflow>=2.10",\n    "scikit-learn>=1.5",\n]\n'
    )
    lock = (
        'version = 1\nrequires-python = ">=3.11"\n\n'
        '[[package]]\nname = "mlflow"\nversion = "{mlflow}"\n'
        'source = {{ registry = "https://pypi.org/simple" }}\n\n'
        '[[package]]\nname = "scikit-learn"\nversion = "1.6.1"\n'
        'source = {{ registry = "https://pypi.org/simple" }}\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "uv.lock": lock.format(mlflow="3.8.1"),
        "train.py": "import mlflow\n\n" + TRAIN + "mlflow.log_metric('r2', 1.0)\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "new-enough"), "PKG109") == []
    old = {**files, "uv.lock": lock.format(mlflow="2.19.0")}
    assert places(repo(tmp_path, old, "old"), "PKG109") == ["pyproject.toml:6"]


def test_a_courses_lesson_folders_are_course_material(tmp_path: Path) -> None:
    lesson = "import torch\n\nmodel = torch.nn.Linear(2, 1)\nprint(model(torch.ones(2)))\n"
    files: dict[str, str | bytes] = {"README.md": "# Neural networks\n\nNotes and code.\n"}
    for n, title in enumerate(("Fundamentals", "Backpropagation", "Training", "Loss"), 1):
        files[f"Lesson_{n}_{title}/part_1_{title.lower()}.py"] = lesson
    course = repo(tmp_path, files, "course")
    assert not {"LAY104", "QUA110", "TRK107"} & fired(course)
    project = {
        **{k: v for k, v in files.items() if not k.startswith(("Lesson_3", "Lesson_4"))},
        "src/net/train.py": lesson,
        "src/net/evaluate.py": lesson,
        "src/net/serve.py": lesson,
    }
    assert "LAY104" in fired(repo(tmp_path, project, "project"))


def test_clearml_datasets_version_the_data(tmp_path: Path) -> None:
    prepare = (
        "from clearml import Dataset\n\n\ndef load():\n"
        "    return Dataset.get(dataset_name='scoring', dataset_project='ks').get_local_copy()\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "clearml==1.16.4\nscikit-learn==1.6.1\n",
        "train.py": TRAIN.replace("from sklearn", "from src.prepare import load\nfrom sklearn"),
        "src/prepare.py": prepare,
        "src/__init__.py": "",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "clearml"), "DVC115") == []
    plain = {
        **files,
        "src/prepare.py": "import pandas as pd\n\n\ndef load():\n"
        "    return pd.read_csv('data/scoring.csv')\n",
    }
    assert places(repo(tmp_path, plain, "plain"), "DVC115") == ["."]


def test_linters_ci_or_a_web_front_end_runs_are_for_hooks_too(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pip install ruff==0.9.1 mypy==1.14.1\n"
        "      - run: ruff check .\n      - run: mypy src\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "src/train.py": TRAIN,
        ".github/workflows/ci.yml": workflow,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "ci-lints"), "QUA112") == ["."]
    quiet = {**files, ".github/workflows/ci.yml": workflow.replace("ruff", "echo")}
    quiet[".github/workflows/ci.yml"] = str(quiet[".github/workflows/ci.yml"]).replace(
        "mypy", "echo"
    )
    assert places(repo(tmp_path, quiet, "ci-echoes"), "QUA112") == []
    web = {**quiet, "web-ui/eslint.config.mjs": "export default [];\n"}
    assert places(repo(tmp_path, web, "web"), "QUA112") == ["."]


def test_a_settings_module_the_scripts_import_is_configuration(tmp_path: Path) -> None:
    settings = (
        "from dataclasses import dataclass\n\n\n@dataclass\nclass TrainConfig:\n"
        "    epochs: int = 20\n    learning_rate: float = 1e-3\n"
    )
    train = "from src.config import TrainConfig\n\n" + TRAIN
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "src/__init__.py": "",
        "src/config.py": settings,
        "src/train.py": train,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "dataclass"), "LAY105") == []
    constants = {
        **files,
        "src/config.py": "DATA_DIR = 'data'\nBATCH_SIZE = 32\nEPOCHS: int = 20\n",
        "src/train.py": "from src.config import BATCH_SIZE, EPOCHS\n\n" + TRAIN,
    }
    assert places(repo(tmp_path, constants, "constants"), "LAY105") == []
    unused = {**files, "src/train.py": TRAIN}
    assert places(repo(tmp_path, unused, "unused"), "LAY105") == ["."]
    flower = {
        **unused,
        "pyproject.toml": "[tool.flwr.app.config]\nnum-server-rounds = 3\nlocal-epochs = 1\n",
    }
    assert places(repo(tmp_path, flower, "flower"), "LAY105") == []


def test_a_folder_a_gitignore_paragraph_keeps_in_git(tmp_path: Path) -> None:
    ignore = (
        ".venv/\n\n"
        "# reports/ is local-only except for the evidence package. The dissertation\n"
        "# cites the files under reports/evidence/ by path, so they must be published.\n"
        "/reports/*\n!/reports/evidence/\n"
    )
    table = "dataset,attack,epsilon,robust_share\n" + "chest,fgsm,0.1,0.69\n" * 2_000
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "reports/evidence/attack_curve.csv": table,
        ".gitignore": ignore,
    }
    assert places(repo(tmp_path, files, "evidence"), "DAT102") == []
    heading = "# Ignore everything in reports except evidence\n/reports/*\n!/reports/evidence/\n"
    short = {**files, ".gitignore": ".venv/\n\n" + heading}
    assert places(repo(tmp_path, short, "heading"), "DAT102") == [
        "reports/evidence/attack_curve.csv"
    ]


def test_a_sub_projects_makefile_ci_runs_there(tmp_path: Path) -> None:
    workflow = (
        "on: push\nenv:\n  WORKING_DIR: ./backend\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
        "    defaults:\n      run:\n        working-directory: ${{ env.WORKING_DIR }}\n"
        "    steps:\n      - run: make format-check\n      - run: make test\n"
    )
    makefile = "format-check:\n\truff format --check .\n\ntest:\n\tpytest\n"
    files: dict[str, str | bytes] = {
        "backend/requirements.txt": "scikit-learn==1.6.1\nruff==0.9.1\npytest==8.3.4\n",
        "backend/train.py": TRAIN,
        "backend/tests/test_train.py": "def test_fit():\n    assert True\n",
        "backend/Makefile": makefile,
        ".github/workflows/ci.yml": workflow,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "backend")
    assert not {"QUA107", "QUA109"} & fired(root)
    elsewhere = {**files, ".github/workflows/ci.yml": workflow.replace("./backend", "./web")}
    assert "QUA109" in fired(repo(tmp_path, elsewhere, "elsewhere"))


def test_test_templates_an_agent_skill_ships_are_no_tests(tmp_path: Path) -> None:
    template = "def test_schema():\n    assert True  # implement for your project\n"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "skills/qa/assets/unit_tests/test_schemas.py": template,
    }
    root = repo(tmp_path, files, "skills")
    assert "QUA110" not in fired(root)
    assert "LAY104" in fired(root)
    own = {**files, "tests/test_train.py": template}
    assert places(repo(tmp_path, own, "own"), "QUA110") == ["."]


def test_a_patch_level_compatible_release_pins(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==1.3.3\ntorch==1.10.0\nrequests~=2.27.1\n",
        "train.py": TRAIN.replace("from sklearn.linear_model import Ridge", "import torch"),
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "patch"), "PKG107") == []
    minor = {**files, "requirements.txt": "pandas==1.3.3\ntorch==1.10.0\nrequests~=2.27\n"}
    assert places(repo(tmp_path, minor, "minor"), "PKG107") == ["requirements.txt"]


def test_an_empty_requirements_file_declares_nothing(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "",
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "empty")
    assert places(root, "PKG101") == ["requirements.txt"]
    assert "PKG107" not in fired(root)
    listed = {**files, "requirements.txt": "# runtime\nscikit-learn==1.6.1\n"}
    assert places(repo(tmp_path, listed, "listed"), "PKG101") == []


def test_the_c_libraries_of_a_conda_environment_need_no_version(tmp_path: Path) -> None:
    environment = (
        "name: tabular\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.10.14\n"
        "  - bzip2\n  - ca-certificates\n  - openssl\n  - tk\n  - xz\n"
        "  - pip:\n    - scikit-learn==1.6.1\n"
    )
    files: dict[str, str | bytes] = {
        "environment.yml": environment,
        "train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "conda"), "PKG110") == []
    loose = {**files, "environment.yml": environment.replace("  - tk\n", "  - pandas\n")}
    assert places(repo(tmp_path, loose, "loose"), "PKG110") == ["environment.yml:9"]


def test_underlined_headings_of_required_libraries_and_instructions(tmp_path: Path) -> None:
    readme = (
        "# Demand forecast\n\nForecasts ride demand.\n\n"
        "Required library to run the scripts\n--------------\n* Sklearn\n* XGBoost\n"
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "README.md": readme,
    }
    assert places(repo(tmp_path, files, "libraries"), "DOC101") == []
    steps = readme.replace("Required library to run the scripts", "Instructions for running")
    assert places(repo(tmp_path, {**files, "README.md": steps}, "steps"), "DOC101") == []
    bare = readme.replace("Required library to run the scripts", "Models we tried")
    assert places(repo(tmp_path, {**files, "README.md": bare}, "bare"), "DOC101") == ["README.md"]


def test_committed_runs_of_the_file_store_expect_no_sqlite_store(tmp_path: Path) -> None:
    run = "mlruns/296185865557731020/002a43a3eade413c9b1022170ce9a3bf"
    script = "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('auc', 0.9)\n"
    files: dict[str, str | bytes] = {
        "train.py": script,
        f"{run}/meta.yaml": "run_id: 002a43a3eade413c9b1022170ce9a3bf\nstatus: 3\n",
        f"{run}/metrics/auc": "1700000000000 0.9 0\n",
    }
    found = [i.message for i in audit(repo(tmp_path, files, "file-store")).issues]
    assert any("mlruns is committed" in m for m in found)
    assert not any("mlflow.db" in m for m in found)
    bare = {"train.py": script, ".gitignore": ".venv/\n"}
    found = [i.message for i in audit(repo(tmp_path, bare, "bare")).issues]
    assert any("mlflow.db" in m and "not git-ignored" in m for m in found)


def test_kaggles_api_downloads_and_results_tables_are_no_dataset(tmp_path: Path) -> None:
    download = (
        "from kaggle.api.kaggle_api_extended import KaggleApi\n\n\ndef main():\n"
        "    api = KaggleApi()\n    api.authenticate()\n"
        "    api.dataset_download_files('owner/chest-xray', path='data/raw', unzip=True)\n"
    )
    results = "dataset,model,seed,attack,robust_share\n" + "chest,resnet18,42,fgsm,0.69\n" * 50
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.5.1\nkaggle==1.6.17\n",
        "train.py": "import torch\n\ntorch.nn.Linear(2, 1)(torch.ones(2)).sum().backward()\n",
        "scripts/download_data.py": download,
        "reports/evidence/attack_curve.csv": results,
        ".gitignore": ".venv/\ndata/\n",
    }
    assert places(repo(tmp_path, files, "kaggle"), "DVC115") == []
    kept = {**files, "data/raw/labels.csv": "id,label\n" + "1,0\n" * 50, ".gitignore": ".venv/\n"}
    assert places(repo(tmp_path, kept, "kept"), "DVC115") == ["."]


def test_ray_tune_records_each_trial(tmp_path: Path) -> None:
    tune = (
        "from ray import tune\n\nfrom sklearn.linear_model import Ridge\n\n\n"
        "def trial(config):\n    model = Ridge(alpha=config['alpha']).fit([[0]], [0])\n"
        "    tune.report({'score': model.score([[0]], [0])})\n\n\n"
        "tune.run(trial, config={'alpha': tune.grid_search([0.1, 1.0])}, local_dir='runs')\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "ray[tune]==2.40.0\nscikit-learn==1.6.1\n",
        "train.py": tune,
        ".gitignore": ".venv/\nruns/\n",
    }
    assert places(repo(tmp_path, files, "tune"), "TRK107") == []
    plain = {**files, "train.py": TRAIN}
    assert places(repo(tmp_path, plain, "plain"), "TRK107") == ["."]


def test_a_requirements_folder_of_test_and_docs_lists(tmp_path: Path) -> None:
    setup = (
        "from setuptools import find_packages, setup\n\n"
        "setup(name='net', packages=find_packages())\n"
    )
    files: dict[str, str | bytes] = {
        "setup.py": setup,
        "net/__init__.py": "",
        "net/train.py": TRAIN,
        "requirements/requirements.txt": "scikit-learn==1.6.1\n",
        "requirements/requirements-test.txt": "pytest==8.3.4\n",
        "tests/test_net.py": "def test_net():\n    assert True\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "split"), "PKG106") == []
    del files["requirements/requirements-test.txt"]
    files["requirements/requirements.txt"] = "scikit-learn==1.6.1\npytest==8.3.4\n"
    assert places(repo(tmp_path, files, "one"), "PKG106") == ["setup.py"]


def test_an_in_tree_copy_of_a_required_library(tmp_path: Path) -> None:
    setup = (
        "from setuptools import find_packages, setup\n\n"
        "setup(name='weapons', packages=find_packages(), install_requires=['ultralytics>=8.0.0'])\n"
    )
    backend = "import tensorflow\n\nload = tensorflow.saved_model.load\n"
    files: dict[str, str | bytes] = {
        "setup.py": setup,
        "weapons/__init__.py": "",
        "weapons/detect.py": "from ultralytics import YOLO\n\nYOLO('yolov8n.pt')\n",
        "ultralytics/__init__.py": "",
        "ultralytics/nn/__init__.py": "",
        "ultralytics/nn/autobackend.py": backend,
        ".gitignore": ".venv/\n",
    }
    assert not {"PKG105", "PKG112"} & fired(repo(tmp_path, files, "copy"))
    own = {**files, "weapons/export.py": "import tensorflow\n"}
    assert places(repo(tmp_path, own, "own"), "PKG105") == ["weapons/export.py:1"]


def test_a_conda_environment_pinned_beside_pip_options(tmp_path: Path) -> None:
    environment = (
        "name: link\nchannels:\n  - pytorch\ndependencies:\n  - python=3.8.8\n"
        "  - libgfortran\n  - pytorch=1.8.0\n  - pip:\n"
        "    - --find-links https://data.pyg.org/whl/torch-1.8.0+cu102.html\n"
        "    - torch-geometric==1.7.0\n"
    )
    files: dict[str, str | bytes] = {
        "environment.yaml": environment,
        "train.py": "import torch\n\ntorch.nn.Linear(2, 1)(torch.ones(2)).sum().backward()\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "pinned")
    assert places(root, "PKG107") == places(root, "PKG110") == []
    loose = {**files, "environment.yaml": environment.replace("pytorch=1.8.0", "pytorch")}
    assert places(repo(tmp_path, loose, "loose"), "PKG107") == ["environment.yaml"]


def test_per_experiment_params_folders_and_services_that_train_nothing(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "Examples/maml/train.py": TRAIN,
        "Examples/maml/models/params/all_model_params.yaml": "hidden: 64\nlayers: 2\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "params"), "LAY105") == []
    service = (
        "import os\n\nfrom fastapi import FastAPI\nfrom transformers import pipeline\n\n"
        "app = FastAPI()\nasr = pipeline('automatic-speech-recognition', "
        "model=os.getenv('WHISPER_MODEL', 'openai/whisper-small'))\n"
    )
    served = {
        "requirements.txt": "fastapi==0.115.6\ntransformers==4.47.1\n",
        "app/main.py": service,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, served, "service"), "LAY105") == []
    trains = {
        **TRAINING,
    }
    assert places(repo(tmp_path, trains, "trains"), "LAY105") == ["."]


def test_a_committed_stage_output_model_is_reported_once(tmp_path: Path) -> None:
    dvc_yaml = (
        "stages:\n  train:\n    cmd: python train.py\n    deps:\n      - train.py\n"
        "    outs:\n      - models/knn.pkl\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\ndvc==3.59.1\n",
        "train.py": TRAIN,
        "dvc.yaml": dvc_yaml,
        ".dvc/config": "[core]\n    autostage = true\n",
        "models/knn.pkl": pickled(b"sklearn.neighbors._classification", b"KNeighbors", 20_000),
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "stage-output")
    assert "DVC106" in fired(root)
    assert places(root, "DAT103") == []
    loose = {**files, "models/old_knn.pkl": files["models/knn.pkl"]}
    assert places(repo(tmp_path, loose, "loose"), "DAT103") == ["models/old_knn.pkl"]


def test_a_tracking_servers_store_committed_in_a_sub_folder(tmp_path: Path) -> None:
    script = "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('auc', 0.9)\n"
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.5.0\n",
        "train.py": "import os\n\nos.environ['MLFLOW_TRACKING_URI'] = 'http://mlflow:5000'\n"
        + script,
        "orchestration/mlflow_data/mlflow.db": b"SQLite format 3\0" + b"\0" * 40_000,
        ".gitignore": ".venv/\nmlruns/\n/mlflow.db\n",
    }
    root = repo(tmp_path, files, "nested-store")
    assert places(root, "TRK104") == ["orchestration/mlflow_data/mlflow.db"]
    assert places(root, "DAT102") == []


def test_packages_a_dockerfile_installs_by_name_are_declared(tmp_path: Path) -> None:
    image = (
        "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\n"
        "RUN python -m pip install --upgrade pip setuptools\n"
        "RUN pip install --no-cache-dir \\\n    torch \\\n    lightgbm \\\n    pandas\n"
    )
    files: dict[str, str | bytes] = {
        "run_image/gpu/Dockerfile": image,
        "train.py": "import lightgbm\nimport pandas\n\nprint(lightgbm.LGBMRegressor())\n",
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "image"), "PKG101") == []
    upgrade_only = {**files, "run_image/gpu/Dockerfile": image.split("RUN pip install --no")[0]}
    assert places(repo(tmp_path, upgrade_only, "upgrade"), "PKG101") == ["."]


def test_a_dataset_reference_heading_and_a_licence_beside_the_package(tmp_path: Path) -> None:
    readme = (
        "# Stroke prediction\n\nPredicts strokes.\n\n## Setup\n\npip install -r requirements.txt\n"
        "\n## 📊 Dataset Reference\n\nThe Stroke Prediction Dataset on Kaggle.\n"
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "data/raw/.gitkeep": "",
        "README.md": readme,
        "src/setup.py": "from setuptools import setup\n\nsetup(name='stroke')\n",
        "src/LICENSE.txt": "MIT License\n\nCopyright (c) 2024\n",
    }
    root = repo(tmp_path, files, "reference")
    assert places(root, "LAY106") == places(root, "LAY102") == []
    bare = {k: v for k, v in files.items() if k != "src/LICENSE.txt"}
    bare["README.md"] = readme.replace("📊 Dataset Reference", "Results")
    root = repo(tmp_path, bare, "bare")
    assert places(root, "LAY106") == places(root, "LAY102") == ["."]


def test_lightning_hooks_and_split_scripts_are_no_tests(tmp_path: Path) -> None:
    module = (
        "import lightning as L\n\n\nclass Summarizer(L.LightningModule):\n"
        "    def test_step(self, batch, index):\n        return self(batch)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "lightning==2.5.0\n",
        "src/linear_hypothesis_tests.py": module,
        "src/train.py": "import lightning as L\n\nL.Trainer().fit(None)\n",
        "scripts/prepare_train_dev_test.py": "import pandas as pd\n\npd.read_csv('a.csv')\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "hooks")
    assert places(root, "LAY104") == ["."]
    tested = {**files, "tests/test_model.py": "def test_loss():\n    assert True\n"}
    assert places(repo(tmp_path, tested, "tested"), "LAY104") == []


def test_wandb_dataset_artifacts_and_a_joblib_of_splits(tmp_path: Path) -> None:
    log = (
        "import wandb\n\nrun = wandb.init(project='heart')\n"
        "artifact = wandb.Artifact(\n    name='raw_data',\n    type='dataset',\n)\n"
        "artifact.add_file('raw.csv')\nrun.log_artifact(artifact)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "wandb==0.19.1\nscikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "src/data_cleaning.py": log,
        "data/raw/heart.csv": "age,target\n" + "50,1\n" * 20,
        "data/processed/original_splits.joblib": b"\x80\x04" + b"\0" * 20_000,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "artifacts")
    assert places(root, "DVC115") == places(root, "DAT103") == []
    model = {**files, "src/data_cleaning.py": log.replace("'dataset'", "'model'")}
    assert places(repo(tmp_path, model, "model"), "DVC115") == ["."]


def test_husky_4_manages_a_front_ends_hooks(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\nflake8==7.1.1\n",
        "learn.py": TRAIN,
        "web/package.json": '{"devDependencies": {"husky": "^4.3.8"}}\n',
        "web/.huskyrc": '{"hooks": {"pre-commit": "npm run lint"}}\n',
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "husky"), "QUA112") == []
    bare = {k: v for k, v in files.items() if k != "web/.huskyrc"}
    assert places(repo(tmp_path, bare, "bare"), "QUA112") == ["."]


def test_zenml_steps_run_with_the_stacks_experiment_tracker(tmp_path: Path) -> None:
    step = (
        "import mlflow\nfrom zenml import step\nfrom zenml.client import Client\n\n"
        "experiment_tracker = Client().active_stack.experiment_tracker\n\n\n"
        "@step(experiment_tracker=experiment_tracker.name)\n"
        "def evaluate(score: float) -> None:\n    mlflow.log_metric('auc', score)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "zenml==0.70.0\nmlflow==3.5.0\nscikit-learn==1.6.1\n",
        "steps/evaluation.py": step,
        "steps/model_train.py": TRAIN,
        ".gitignore": ".venv/\n",
    }
    assert not {"TRK101", "TRK104"} & fired(repo(tmp_path, files, "zenml"))
    plain = {**files, "steps/evaluation.py": step.replace("@step(experiment_tracker=", "@step(")}
    plain["steps/evaluation.py"] = str(plain["steps/evaluation.py"]).replace(
        "@step(experiment_tracker.name)", "@step(enable_cache=False)"
    )
    assert "TRK101" in fired(repo(tmp_path, plain, "plain"))


def test_an_import_under_a_check_that_the_module_is_installed_is_optional(
    tmp_path: Path,
) -> None:
    utils = (
        "from importlib.util import find_spec\n\n\n"
        "def task_wrapper(task):\n"
        "    def wrap(cfg):\n"
        "        try:\n"
        "            return task(cfg)\n"
        "        finally:\n"
        '            if find_spec("wandb"):  # installed?\n'
        "                import wandb\n\n"
        "                wandb.finish()\n\n"
        "    return wrap\n"
    )
    train = (
        "import hydra\n\n\n"
        '@hydra.main(config_path="../configs", config_name="train", version_base="1.3")\n'
        "def main(cfg):\n    print(cfg.lr)\n"
    )
    files: dict[str, str | bytes] = {
        "setup.py": 'from setuptools import setup\n\nsetup(name="src", packages=["src"])\n',
        "requirements.txt": "torch==2.5.1\nhydra-core==1.3.2\n",
        "configs/train.yaml": "lr: 0.1\n",
        "src/__init__.py": "",
        "src/train.py": train,
        "src/utils/__init__.py": "",
        "src/utils/utils.py": utils,
        "scripts/report.py": "import importlib\n\nif importlib.util.find_spec('mlflow') "
        "is not None:\n    import mlflow\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "guarded")
    assert places(root, "PKG105") == [] and places(root, "PKG112") == []
    unguarded = {**files, "src/utils/utils.py": utils.replace('if find_spec("wandb")', "if 1")}
    assert places(repo(tmp_path, unguarded, "plain"), "PKG112") == ["src/utils/utils.py:10"]


def test_a_dataset_format_section_or_an_indented_tree_describes_the_data(
    tmp_path: Path,
) -> None:
    rows = '{"instruction": "Sum 2 and 3", "output": "5"}\n' * 30
    base = "# Tuning\n\nFine-tunes a small model.\n\n## Setup\n\npip install -r requirements.txt\n"
    files: dict[str, str | bytes] = {**TRAINING, "data/raw/train.jsonl": rows}
    formatted = {**files, "README.md": base + "\n## Dataset Format\n\nOne JSON record a line.\n"}
    assert places(repo(tmp_path, formatted, "format"), "LAY106") == []
    tree = "\n```\ndata/\n  raw/      pinned snapshot of the team's support answers\n```\n"
    assert places(repo(tmp_path, {**files, "README.md": base + tree}, "tree"), "LAY106") == []
    plain = "\n```\ndata/\n  raw/      training records\n```\n"
    assert places(repo(tmp_path, {**files, "README.md": base + plain}, "plain"), "LAY106") == ["."]


def test_run_records_a_gitignore_promotes_out_of_an_ignored_folder(tmp_path: Path) -> None:
    results = "question,faithfulness\n" + "How do I deploy?,0.91\n" * 30_000
    ignore = (
        ".venv/\n\n# Run artifacts: everything is gitignored except explicit promotions.\n"
        "runs/*\n!runs/_pinned/\n"
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "runs/_pinned/0001-baseline/results.csv": results,
        ".gitignore": ignore,
    }
    assert places(repo(tmp_path, files, "promoted"), "DAT102") == []
    silent = {**files, ".gitignore": ignore.replace(" except explicit promotions", "")}
    assert places(repo(tmp_path, silent, "silent"), "DAT102") == [
        "runs/_pinned/0001-baseline/results.csv"
    ]


def test_a_library_repository_copied_in_whole_keeps_its_links_and_tests(tmp_path: Path) -> None:
    recipe = "fairseq_lib/examples/speech/kaldi/st"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "src/__init__.py": "",
        "src/model.py": "import torch\n\nNET = torch.nn.Linear(2, 2)\n",
        "fairseq_lib/setup.py": "from setuptools import setup\n\nsetup(name='fairseq')\n",
        "fairseq_lib/LICENSE": "MIT License\n\nCopyright (c) Facebook, Inc.\n",
        "fairseq_lib/CONTRIBUTING.md": "# Contributing\n\nSend pull requests.\n",
        "fairseq_lib/tests/test_train.py": "def test_train():\n    assert 1 + 1 == 2\n",
        f"{recipe}/run.sh": "#!/bin/sh\n. ./steps/decode.sh\n",
    }
    root = repo(tmp_path, files, "copied")
    (root / recipe / "steps").symlink_to("../../wsj/s5/steps")  # into a Kaldi tree, absent
    commit_all(root)
    report = audit(root)
    assert [i.path for i in report.issues if i.rule == "LAY111"] == []
    assert report.profile is not None and report.profile.test_files == ()
    (root / "fairseq_lib/CONTRIBUTING.md").unlink()  # the team's own sub-project
    commit_all(root)
    report = audit(root)
    assert [i.path for i in report.issues if i.rule == "LAY111"] == [f"{recipe}/steps"]
    assert report.profile is not None
    assert report.profile.test_files == ("fairseq_lib/tests/test_train.py",)


def test_practice_code_and_a_thesis_are_study_work_not_a_maintained_project(
    tmp_path: Path,
) -> None:
    openings = [
        "This repository includes the practice codes that fine-tune GPT-2.",
        "In this repo, I experiment with MLflow to track experiments.",
        "This is a small project I created to demonstrate customer segmentation.",
        "This repository contains the code for the Master's Thesis on Swedish datasets.",
        "A personal learning project on anomaly detection.",
        "This repository is a complete demo of drift monitoring.",
    ]
    studies = [f"# Study\n\n{opening}\n" for opening in openings]
    studies += ["# Demonstration of spam filters\n", "# Tutorial: drift\n"]
    found = places_per_readme(tmp_path, TRAINING, "LAY104", studies)
    assert found == {key: [] for key in studies}
    projects = ["An end-to-end machine learning project for fraud.", "A deep learning project."]
    projects = [f"# Project\n\n{opening}\n" for opening in projects]
    found = places_per_readme(tmp_path, TRAINING, "LAY104", projects)
    assert found == {key: ["."] for key in projects}


def test_jupyter_beside_its_notebooks_asks_for_no_dev_group(tmp_path: Path) -> None:
    setup = "from setuptools import setup\n\nsetup(name='cells', packages=['cells'])\n"
    files: dict[str, str | bytes] = {
        "setup.py": setup,
        "requirements.txt": "tensorflow==2.15.0\nnotebook==7.2.2\ntypes-PyYAML==6.0.12\n-e .\n",
        "src/cells/__init__.py": "",
        "src/cells/train.py": "import tensorflow\n\ntensorflow.keras.Sequential()\n",
        "research/01_data_ingestion.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4}\n',
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "notebooks")
    assert places(root, "PKG106") == []
    scripts = {k: v for k, v in files.items() if not k.endswith(".ipynb")}
    assert places(repo(tmp_path, scripts, "scripts"), "PKG106") == ["setup.py"]


def test_a_tracking_uri_from_a_settings_field_reads_the_environment(tmp_path: Path) -> None:
    settings = (
        "from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\n\n"
        "class AppSettings(BaseSettings):\n"
        '    MODEL_TRACKING_URI: str = Field(default="")\n\n\n'
        "SETTINGS = AppSettings()\n"
    )
    client = (
        "import mlflow\n\nfrom app.settings import SETTINGS\n\n\n"
        "def connect() -> None:\n    mlflow.set_tracking_uri(SETTINGS.MODEL_TRACKING_URI)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.8.1\npydantic-settings==2.7.1\n",
        "app/__init__.py": "",
        "app/settings.py": settings,
        "app/client.py": client,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "settings"), "TRK102") == []
    constant = "class AppSettings:\n    MODEL_TRACKING_URI: str = 'http://mlflow:5000'\n\n\n"
    plain = {**files, "app/settings.py": constant + "SETTINGS = AppSettings()\n"}
    assert places(repo(tmp_path, plain, "plain"), "TRK102") == ["app/client.py:7"]


def test_a_handler_that_answers_400_to_a_wrong_type_validates_its_input(
    tmp_path: Path,
) -> None:
    app = (
        "import joblib\nfrom flask import Flask, jsonify, request\n\n"
        'app = Flask(__name__)\nMODEL = joblib.load("model.joblib")\n\n\n'
        '@app.route("/predict", methods=["POST"])\n'
        "def predict():\n"
        "    payload = request.get_json(silent=True) or {}\n"
        '    text = payload.get("text")\n'
        "    if not isinstance(text, str) or not text.strip():\n"
        '        return jsonify({"error": "text must be a non-empty string"}), 400\n'
        '    return jsonify({"label": MODEL.predict([text]).tolist()})\n'
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "requirements.txt": "scikit-learn==1.6.1\nflask==3.1.0\njoblib==1.4.2\n",
        "app.py": app,
    }
    assert places(repo(tmp_path, files, "checked"), "SRV101") == []
    unchecked = app.replace(
        "    if not isinstance(text, str) or not text.strip():\n"
        '        return jsonify({"error": "text must be a non-empty string"}), 400\n',
        "",
    )
    root = repo(tmp_path, {**files, "app.py": unchecked}, "unchecked")
    assert places(root, "SRV101") == ["app.py:8"]
    present = app.replace("if not isinstance(text, str) or not text.strip():", "if not text:")
    root = repo(tmp_path, {**files, "app.py": present}, "present")  # any string goes through
    assert places(root, "SRV101") == ["app.py:8"]


def test_python_setup_py_install_is_a_setup_command(tmp_path: Path) -> None:
    readme = "# Models\n\nFake news models.\n\n## Build and Import\n\n    python setup.py install\n"
    files: dict[str, str | bytes] = {**TRAINING, "README.md": readme}
    assert places(repo(tmp_path, files, "setup"), "DOC101") == []
    bare = {**files, "README.md": readme.replace("python setup.py install", "import fnp")}
    assert places(repo(tmp_path, bare, "bare"), "DOC101") == ["README.md"]


def test_a_component_loads_the_env_its_own_gitignore_covers(tmp_path: Path) -> None:
    main = (
        "import os\n\nfrom dotenv import load_dotenv\n\n"
        "load_dotenv(os.path.join(os.path.dirname(__file__), '.env'))\n"
        "KEY = os.environ['SUPABASE_KEY']\n"
    )
    files: dict[str, str | bytes] = {
        "backend/requirements.txt": "python-dotenv==1.0.1\ndeepface==0.0.93\n",
        "backend/main.py": main,
        "backend/.gitignore": "venv/\n.env\n",
        "mobile-app/.gitignore": "node_modules/\n",
        "mobile-app/app.js": "console.log('app')\n",
    }
    assert places(repo(tmp_path, files, "components"), "SEC104") == []
    open_env = {**files, "backend/.gitignore": "venv/\n"}
    assert places(repo(tmp_path, open_env, "open"), "SEC104") == ["."]


def test_an_empty_data_folder_a_nested_pipeline_fills_needs_no_readme(tmp_path: Path) -> None:
    stage = (
        "stages:\n  load_data:\n    cmd: wget -O ../../data/reference.csv https://e.org/r.csv\n"
        "    outs: [../../data/reference.csv]\n"
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "README.md": "# Drift\n\nMonitors drift.\n\n## Setup\n\npip install -r requirements.txt\n",
        "data/.gitignore": "/reference.csv\n",
        "pipelines/monitor/dvc.yaml": stage,
    }
    assert places(repo(tmp_path, files, "nested"), "LAY106") == []
    alone = {k: v for k, v in files.items() if not k.endswith("dvc.yaml")}
    assert places(repo(tmp_path, alone, "alone"), "LAY106") == ["."]


def test_a_column_check_raising_400_validates_an_upload(tmp_path: Path) -> None:
    routes = (
        "import joblib\nimport pandas as pd\nfrom fastapi import FastAPI, File, HTTPException"
        ", UploadFile\n\napp = FastAPI()\nMODEL = joblib.load('model.joblib')\n"
        "FEATURES = ['age', 'income']\n\n\n"
        '@app.post("/predict")\n'
        "async def predict_file(file: UploadFile = File(...)):\n"
        "    frame = pd.read_csv(file.file)\n"
        "    missing = set(FEATURES) - set(frame.columns)\n"
        "    if missing:\n"
        "        raise HTTPException(\n"
        "            status_code=400,\n"
        '            detail=f"missing columns: {sorted(missing)}",\n'
        "        )\n"
        "    return {'labels': MODEL.predict(frame[FEATURES]).tolist()}\n"
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "requirements.txt": "scikit-learn==1.6.1\nfastapi==0.115.6\npandas==2.2.3\n",
        "app/routes.py": routes,
    }
    assert places(repo(tmp_path, files, "columns"), "SRV101") == []
    unchecked = routes.split("    if missing:")[0] + routes.split("        )\n")[-1]
    root = repo(tmp_path, {**files, "app/routes.py": unchecked}, "unchecked")
    assert places(root, "SRV101") == ["app/routes.py:10"]


def test_data_in_folders_named_per_run_is_one_finding(tmp_path: Path) -> None:
    prices = "date,close\n" + "2022-09-18,1450.5\n" * 2_000
    files: dict[str, str | bytes] = {**TRAINING}
    for number, ticker in enumerate(["ETH-USD", "GOOG", "TSLA"]):
        run = f"{ticker}_2022091{number}_{'%032x' % (number + 7_919)}"
        files[f"{run}/downloaded_data_{ticker}.csv"] = prices
    files["raw/prices.csv"] = prices
    found = [i for i in audit(repo(tmp_path, files, "runs")).issues if i.rule == "DAT102"]
    assert sorted(str(i.path) for i in found) == [
        "ETH-USD_20220910_00000000000000000000000000001eef/downloaded_data_ETH-USD.csv",
        "raw/prices.csv",
    ]
    assert "3 data files" in found[0].message and "in 3 folders named like" in found[0].message


def test_a_tracking_uri_from_an_airflow_variable_is_set_per_deployment(tmp_path: Path) -> None:
    task = (
        "import mlflow\nfrom airflow.models import Variable\n\n\n"
        "def train() -> None:\n"
        "    tracking_server = Variable.get('mlflow_server')\n"
        "    mlflow.set_tracking_uri(tracking_server)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mlflow==3.8.1\napache-airflow==2.10.4\n",
        "dags/tasks/train.py": task,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "variable"), "TRK102") == []
    fixed = task.replace("Variable.get('mlflow_server')", "'http://mlflow:5000'")
    assert places(repo(tmp_path, {**files, "dags/tasks/train.py": fixed}, "fixed"), "TRK102") == [
        "dags/tasks/train.py:7"
    ]


def test_a_connection_string_is_a_credential_by_what_it_holds(tmp_path: Path) -> None:
    store = (
        'project: matches\nonline_store:\n  type: redis\n  connection_string: "redis:6379,db=0"\n'
    )
    files: dict[str, str | bytes] = {**TRAINING, "feast/feature_store.yaml": store}
    assert places(repo(tmp_path, files, "address"), "SEC106") == []
    keyed = store.replace("db=0", "db=0,password=Qm7rTz2KpW9xLs")
    found = fired(repo(tmp_path, {**files, "feast/feature_store.yaml": keyed}, "keyed"))
    assert found & {"SEC103", "SEC106"}


def test_filler_text_typed_where_a_key_goes_is_a_placeholder(tmp_path: Path) -> None:
    script = "#!/bin/sh\nexport WANDB_API_KEY=blablabla\nexport HF_TOKEN=blablabla\n"
    files: dict[str, str | bytes] = {**TRAINING, "kubernetes/setup_variables.sh": script}
    assert not {"SEC103", "SEC105", "SEC106"} & fired(repo(tmp_path, files, "filler"))
    real = script.replace("WANDB_API_KEY=blablabla", "WANDB_API_KEY=Qm7rTz2KpW9xLsVb4Nc8")
    found = fired(repo(tmp_path, {**files, "kubernetes/setup_variables.sh": real}, "real"))
    assert {"SEC103", "SEC105", "SEC106"} & found


def test_an_old_tool_of_the_stack_nobody_uses_is_no_old_stack(tmp_path: Path) -> None:
    freeze = "scikit-learn==1.6.1\ndvc==2.9.3\nmlflow==2.13.0\n"
    files: dict[str, str | bytes] = {**TRAINING, "requirements.txt": freeze}
    assert places(repo(tmp_path, files, "unused"), "PKG109") == []
    used = {
        **files,
        "train.py": "import mlflow\n\n" + TRAIN + 'mlflow.log_metric("r2", 1.0)\n',
        "Makefile": "pipeline:\n\tdvc repro\n",
    }
    found = [i.message for i in audit(repo(tmp_path, used, "used")).issues if i.rule == "PKG109"]
    assert len(found) == 2 and any("dvc" in m for m in found) and any("mlflow" in m for m in found)


def test_the_program_a_stage_runs_is_no_path_it_reads(tmp_path: Path) -> None:
    stage = (
        "stages:\n  train:\n    cmd: python train.py && tar czf models.tgz models\n"
        "    deps: [train.py]\n    outs: [models.tgz]\n"
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "dvc.yaml": stage,
        "python": "",  # a stray empty file named like the interpreter
        "tar": "",
        "models/.gitkeep": "",
    }
    assert places(repo(tmp_path, files, "stray"), "DVC116") == ["dvc.yaml:2"]  # models/ only
    found = [i.message for i in audit(repo(tmp_path, files, "again")).issues if i.rule == "DVC116"]
    assert len(found) == 1 and "models" in found[0] and "python" not in found[0]


def test_an_empty_data_folder_a_script_fills_or_dataset_code_needs_no_readme(
    tmp_path: Path,
) -> None:
    readme = "# QA\n\nAnswers questions.\n\n## Setup\n\npip install -r requirements.txt\n"
    ignore_all = "*\n!.gitignore\n"
    files: dict[str, str | bytes] = {**TRAINING, "README.md": readme, "data/.gitignore": ignore_all}
    fetched = {
        **files,
        "scripts/download_data.sh": "#!/bin/sh\nwget -P data/ https://e.org/q.zip\n",
    }
    assert places(repo(tmp_path, fetched, "fetched"), "LAY106") == []
    generated = {
        **files,
        "data/.gitkeep": "",
        "data/generate.py": "import random\n\nrandom.seed(7)\n",
    }
    del generated["data/.gitignore"]
    assert places(repo(tmp_path, generated, "generated"), "LAY106") == []
    assert places(repo(tmp_path, files, "empty"), "LAY106") == ["."]


def test_a_free_course_is_study_work(tmp_path: Path) -> None:
    readme = "# Energy\n\nThis repository contains a **7-lesson FREE course** on batch ML.\n"
    files: dict[str, str | bytes] = {**TRAINING, "README.md": readme}
    assert places(repo(tmp_path, files, "course"), "LAY104") == []


def test_a_copied_library_repository_declares_its_own_dependencies_not_these(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "laylm/__init__.py": "",
        "laylm/train.py": "import pandas\nimport torch\n\ntorch.nn.Linear(2, 2)\n",
        "unilm/LICENSE": "MIT License\n\nCopyright (c) Microsoft Corporation.\n",
        "unilm/CODE_OF_CONDUCT.md": "# Code of conduct\n",
        "unilm/layoutlm/setup.py": "from setuptools import setup\n\nsetup(name='layoutlm')\n",
        "unilm/layoutlm/requirements.txt": "torch==1.4.0\npandas==1.0.1\n",
        "unilm/layoutlm/.flake8": "[flake8]\nmax-line-length = 119\n",
        ".gitignore": ".venv/\n",
    }
    report = audit(repo(tmp_path, files, "copied"))
    assert report.profile is not None and report.profile.manifests == ()
    assert [i.path for i in report.issues if i.rule == "PKG101"] == ["."]
    assert "QUA112" not in {i.rule for i in report.issues}


def test_a_linter_a_pre_commit_hook_runs_is_configured(tmp_path: Path) -> None:
    hooks = (
        "repos:\n  - repo: https://github.com/psf/black\n    rev: 24.10.0\n"
        "    hooks:\n      - id: black\n"
    )
    workflow = (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: docker build .\n"
    )
    files: dict[str, str | bytes] = {
        **TRAINING,
        "tests/test_train.py": "def test_fits():\n    assert 1 + 1 == 2\n",
        ".github/workflows/main.yml": workflow,
    }
    assert places(repo(tmp_path, files, "no-hooks"), "QUA109") == []
    hooked = {**files, ".pre-commit-config.yaml": hooks}
    assert places(repo(tmp_path, hooked, "hooked"), "QUA109") == [".github/workflows/main.yml"]
