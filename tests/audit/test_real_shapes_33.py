"""Shapes met on a thirty-third set of public repositories the audit had never seen.

A sentiment service with a drift monitor of its own design, and a .NET application that
keeps a data folder but no Python. Each test writes the shape here and checks the false
finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, repo

CI = (
    "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: pytest\n"
)


def test_a_monitor_of_the_projects_own_design(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": 'from setuptools import setup\n\nsetup(name="senti")\n',
        "requirements.txt": "scikit-learn==1.5.2\nevidently==0.4.33\n",
        "config.json": '{"reference": "data/reference.csv"}\n',
        "src/monitor.py": "import evidently\n",
        "src/train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n",
        "tests/test_monitor.py": "def test_monitor():\n    assert True\n",
        ".github/workflows/ci.yml": CI,
        ".gitignore": "data/\n",
    }
    found = fired(repo(tmp_path, files, "own"))
    assert {"SRV102", "SRV104"}.isdisjoint(found)
    # A monitor config section is checked wherever it is: its reference must exist.
    section = {**files, "params.yaml": "monitor:\n  reference_path: data/missing.csv\n"}
    assert "SRV102" in fired(repo(tmp_path, section, "section"))


def test_a_repository_without_python_is_not_judged_by_pytest(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "backend/Api/Program.cs": "var app = WebApplication.Create(args);\n",
        "backend/Api/Api.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>\n',
        "data/raw/.gitkeep": "",
        "README.md": "# Retail recommender\n",
        ".gitignore": "bin/\nobj/\n",
    }
    found = fired(repo(tmp_path, files, "dotnet"))
    assert "LAY104" not in found
    assert "QUA110" not in found  # no test, no linter: nothing for CI to run
    python = {**files, "ml/train.py": "from sklearn.svm import SVC\n"}
    assert "LAY104" in fired(repo(tmp_path, python, "python"))
