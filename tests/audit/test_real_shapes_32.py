"""Shapes met on a thirty-second set of public repositories the audit had never seen.

A data-science template whose example projects live in `examples.template/` and load
`.env` themselves. The test writes the shape here and checks the false findings gone and
the real ones kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, repo

EXAMPLE = "from dotenv import load_dotenv\nimport pandas as pd\n\nload_dotenv()\n"


def test_a_templates_example_projects(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "cookiecutter.json": '{"project_slug": "demo"}\n',
        "setup.py": 'from setuptools import setup\n\nsetup(name="cc-ds")\n',
        "examples.template/flowers/flowers/__init__.py": "",
        "examples.template/flowers/flowers/train_model.py": EXAMPLE,
        "{{ cookiecutter.project_slug }}/.env": "AWS_PROFILE=default\n",
        ".gitignore": "build/\n",
    }
    found = fired(repo(tmp_path, files, "template"))
    assert {"PKG112", "SEC104"}.isdisjoint(found)
    # The same code as the repository's own loads .env at the root: it must be ignored.
    own = {k: v for k, v in files.items() if not k.startswith("examples.template/")}
    own["tools/train_model.py"] = EXAMPLE
    assert "SEC104" in fired(repo(tmp_path, own, "own"))
