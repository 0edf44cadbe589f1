"""Shapes met on an eleventh set of public repositories the audit had never seen.

A requirements file saved as UTF-16 (pip reads it through its byte-order mark), a library
that ships its example dataset as package data, and a repository whose workflows and
pyproject.toml are empty files. Each test reproduces the shape with files written here:
the false problem gone, the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

SETUP = (
    "from setuptools import find_packages, setup\n\n"
    'setup(name="trainer", version="0.1.0", packages=find_packages(where="src"),\n'
    '      package_dir={"": "src"}, install_requires=[])\n'
)
TRAIN = "import pandas as pd\nfrom sklearn.linear_model import Ridge\n\nMODEL = Ridge\n"


def test_a_utf16_requirements_file_declares_what_pip_reads(tmp_path: Path) -> None:
    requirements = "pandas==2.2.3\r\nscikit-learn==1.3.0\r\n"
    files: dict[str, str | bytes] = {
        "setup.py": SETUP,
        "src/trainer/__init__.py": "",
        "src/trainer/train.py": TRAIN,
        # a Windows editor's "Unicode": UTF-16 with a byte-order mark and CRLF
        "requirements.txt": requirements.encode("utf-16"),
        "requirements-dev.txt": "-r requirements.txt\npandas\nscikit-learn\npytest\n",
    }
    root = repo(tmp_path, files, "utf16")
    assert places(root, "PKG105") == []
    # still reported: most tools other than pip cannot read it
    assert places(root, "LAY112") == ["requirements.txt"]
    # read through the mark, its pins count: no lock is missing
    assert places(root, "PKG107") == []
    # UTF-8 with a byte-order mark and UTF-16 big-endian read the same way
    for name, data in (
        ("utf8sig", b"\xef\xbb\xbf" + requirements.encode()),
        ("utf16be", b"\xfe\xff" + requirements.encode("utf-16-be")),
    ):
        files["requirements.txt"] = data
        assert places(repo(tmp_path, files, name), "PKG105") == []
    # without a byte-order mark pip cannot read it either: nothing is declared
    files["requirements.txt"] = requirements.encode("utf-16-le")
    assert sorted(places(repo(tmp_path, files, "nobom"), "PKG105")) == [
        "src/trainer/train.py:1",
        "src/trainer/train.py:2",
    ]


LIBRARY_SETUP = (
    "from setuptools import find_packages, setup\n\n"
    'setup(name="recs", version="1.0", packages=find_packages(),\n'
    "      include_package_data=True,\n"
    '      classifiers=["Programming Language :: Python :: 3"])\n'
)
# an interaction table: user, item, rating, timestamp (tab separated, ~1.2 MB)
INTERACTIONS = "".join(f"{u}\t{u * 7 % 1682}\t{u % 5 + 1}\t88125{u:04d}\n" for u in range(60_000))


def test_a_library_example_dataset_shipped_as_package_data_is_not_reported(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": LIBRARY_SETUP,
        "MANIFEST.in": "recursive-include recs/dataset_example *\n",
        "recs/__init__.py": "",
        "recs/data.py": "def load_example(name):\n    return open(name).read()\n",
        "recs/dataset_example/ml/ml.inter": INTERACTIONS,
        # the same dataset copied to the root is committed data, not package data
        "dataset/ml/ml.inter": INTERACTIONS,
    }
    root = repo(tmp_path, files, "shipped")
    assert places(root, "DAT101") == ["dataset/ml/ml.inter"]
    # a build helper package beside the library is not in its wheel, whatever MANIFEST.in
    # puts in the sdist
    helper = {
        **files,
        "MANIFEST.in": "recursive-include recs/dataset_example *\n"
        "recursive-include build_helpers *.py *.jar\n",
        "build_helpers/__init__.py": "",
        "build_helpers/bin/tool.jar": INTERACTIONS,
    }
    assert sorted(places(repo(tmp_path, helper, "helper"), "DAT101")) == [
        "build_helpers/bin/tool.jar",
        "dataset/ml/ml.inter",
    ]
    # MANIFEST.in that does not name the folder: the build leaves it out, it is reported
    files["MANIFEST.in"] = "include README.md\n"
    assert sorted(places(repo(tmp_path, files, "unshipped"), "DAT101")) == [
        "dataset/ml/ml.inter",
        "recs/dataset_example/ml/ml.inter",
    ]
    # a backend that ships a package folder whole needs no MANIFEST.in
    del files["setup.py"], files["MANIFEST.in"]
    files["pyproject.toml"] = (
        '[project]\nname = "recs"\nversion = "1.0"\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    )
    assert places(repo(tmp_path, files, "hatch"), "DAT101") == ["dataset/ml/ml.inter"]


def test_a_project_dataset_inside_its_package_is_still_reported(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "churn"\nversion = "0.1"\n'
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        ),
        "churn/__init__.py": "",
        # a training entry point at the root: a project, its package is its code
        "train.py": "from churn.model import fit\n\nfit()\n",
        "churn/model.py": "def fit():\n    return None\n",
        "churn/raw/events.inter": INTERACTIONS,
    }
    assert places(repo(tmp_path, files, "project"), "DAT101") == ["churn/raw/events.inter"]


WORKFLOW = (
    "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/checkout@v4\n      - run: pytest\n"
)


def test_empty_workflows_are_broken_ci(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "svc"\nversion = "0.1.0"\n',
        "svc/__init__.py": "",
        "tests/test_svc.py": "def test_ok():\n    assert True\n",
        ".github/workflows/lint.yml": "",
        ".github/workflows/deploy.yml": "# to be written\n",
    }
    root = repo(tmp_path, files, "empty")
    # one finding for the empty files, not one follow-on per rule that reads CI
    assert places(root, "QUA106") == [".github/workflows/deploy.yml"]
    assert places(root, "QUA107") == []
    # a workflow GitHub rejects: no trigger, no jobs, or not a mapping at all
    files[".github/workflows/lint.yml"] = "name: lint\njobs:\n  lint: {runs-on: ubuntu-latest}\n"
    files[".github/workflows/deploy.yml"] = "on: push\n"
    files[".github/workflows/notes.yml"] = "- deploy on tag\n"
    files[".github/workflows/tests.yml"] = WORKFLOW
    assert sorted(places(repo(tmp_path, files, "rejected"), "QUA106")) == [
        ".github/workflows/deploy.yml",
        ".github/workflows/lint.yml",
        ".github/workflows/notes.yml:1",
    ]
    # complete workflows pass
    for name in ("lint", "deploy", "notes"):
        files[f".github/workflows/{name}.yml"] = WORKFLOW
    assert places(repo(tmp_path, files, "fine"), "QUA106") == []


def test_an_empty_root_pyproject_is_reported_once(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": "",
        "poetry.lock": "# placeholder\n",
        "requirements.txt": "boto3==1.35.0\n",
        "ml/pyproject.toml": '[project]\nname = "ml"\nversion = "0.1.0"\n',
        "ml/mlops/__init__.py": "",
        "ml/mlops/train.py": "import boto3\n\nCLIENT = boto3.client\n",
    }
    root = repo(tmp_path, files, "empty")
    assert places(root, "PKG102") == ["pyproject.toml"]
    assert places(root, "PKG101") == []
    # comments only declare nothing either
    files["pyproject.toml"] = "# filled in later\n\n"
    assert places(repo(tmp_path, files, "comments"), "PKG102") == ["pyproject.toml"]
    # next to a setup.py the metadata lives there
    files["setup.py"] = 'from setuptools import setup\n\nsetup(name="ml", version="0.1")\n'
    assert places(repo(tmp_path, files, "setup"), "PKG102") == []
