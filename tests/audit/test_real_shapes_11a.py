"""Shapes met on an eleventh set of public repositories the audit had never seen (part one).

Secret-store references in a deployment manifest, a run's settings in a root `param.json`,
one README per dataset below data/, and setup instructions kept in a document of their
own. Each test reproduces the shape with files written here: a false problem gone, the
real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n"
TRAIN += "LogisticRegression().fit(pd.DataFrame(), [])\n"


def test_references_into_a_secret_store_are_not_credentials(tmp_path: Path) -> None:
    manifest = (
        "components:\n  - name: backend\n    env:\n"
        "      SEARCH_API_KEY: tfy-secret://internal:rag:SEARCH_API_KEY\n"
        "      DB_PASSWORD: vault://secret/data/rag#password\n"
        "      OPENAI_API_KEY: op://Engineering/openai/credential\n"
        "      STRIPE_SECRET: arn:aws:secretsmanager:eu-west-1:123456789012:secret:stripe\n"
        "      REDIS_PASSWORD: Wm4kQ9rT2zXp\n"
    )
    root = repo(tmp_path, {"deploy.yaml": manifest, "app.py": "print('hi')\n"})
    assert places(root, "SEC106") == ["deploy.yaml:8"]


def test_a_run_settings_file_named_param_json_is_configuration(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"requirements.txt": "scikit-learn==1.5.2\n", "train.py": TRAIN}
    settings = '{"model_name": "logistic_regression", "hyperparameters": {"C": 0.5}}\n'
    assert "LAY105" not in fired(repo(tmp_path, {**files, "param.json": settings}, "p"))
    assert "LAY105" in fired(repo(tmp_path, {**files, "bank.json": settings}, "b"))


def test_one_readme_per_dataset_documents_the_data_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "data/raw/emnist/metadata.toml": 'url = "https://example.org/emnist.zip"\n',
        "data/raw/handwriting/lines.jsonl": '{"text": "a"}\n',
    }
    assert "LAY106" in fired(repo(tmp_path, files, "bare"))
    readme = "# A dataset\n\nDownloaded from the URL in metadata.toml.\n"
    one = {**files, "data/raw/emnist/readme.md": readme}
    # a README in one dataset folder says nothing about the other
    assert "LAY106" in fired(repo(tmp_path, one, "one"))
    every = {**one, "data/raw/handwriting/README.rst": readme}
    assert "LAY106" not in fired(repo(tmp_path, every, "every"))
    top = {**files, "data/Readme.txt": readme}
    assert "LAY106" not in fired(repo(tmp_path, top, "top"))


def test_setup_instructions_in_a_document_of_their_own_count(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "readme.md": "# Labs\n\nOpen the notebooks on Colab with the badges below.\n",
    }
    assert "DOC101" in fired(repo(tmp_path, files, "bare"))
    setup = "# Setup\n\n```\nconda env create -f environment.yml\n```\n"
    assert "DOC101" not in fired(repo(tmp_path, {**files, "setup/readme.md": setup}, "setup"))
    assert "DOC101" not in fired(repo(tmp_path, {**files, "INSTALL.md": setup}, "install"))
    # a setup document without instructions does not count
    empty = {**files, "docs/installation.md": "Coming soon.\n"}
    assert "DOC101" in fired(repo(tmp_path, empty, "empty"))


def test_ci_that_runs_configuration_kept_elsewhere_is_not_judged(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "tests/test_train.py": "def test_x():\n    assert True\n",
    }
    build = "build:\n  script:\n    - docker build .\n"
    own = repo(tmp_path, {**files, ".gitlab-ci.yml": build}, "own")
    assert "QUA107" in fired(own)
    # a shared template from another project may well run the tests
    shared = "include:\n  - project: platform/ci-templates\n    file: /python.yml\n" + build
    assert "QUA107" not in fired(repo(tmp_path, {**files, ".gitlab-ci.yml": shared}, "shared"))
    # a file of this repository that the config includes is read
    local = "include:\n  - local: /ci/test.yml\n" + build
    tests = "test:\n  script:\n    - pytest\n"
    included = repo(tmp_path, {**files, ".gitlab-ci.yml": local, "ci/test.yml": tests}, "included")
    assert "QUA107" not in fired(included)
    untested = repo(tmp_path, {**files, ".gitlab-ci.yml": local, "ci/test.yml": build}, "untested")
    assert "QUA107" in fired(untested)
    # a GitHub job calling another repository's reusable workflow
    workflow = "on: push\njobs:\n  ci:\n    uses: acme/workflows/.github/workflows/python.yml@v2\n"
    called = repo(tmp_path, {**files, ".github/workflows/ci.yml": workflow}, "called")
    assert "QUA107" not in fired(called)
