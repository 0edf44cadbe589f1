"""Hostile free text in every answer: every generated file parses and reads the value back."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from helpers import bake_project, parse_generated_files

import local_extensions as filters

HOSTILE_TEXT = {
    "project_name": "Q\"uote's: #not-comment {{ 7*7 }} {% raw %}",
    "description": "- * & ! % @ ? back\\slash\nnew line\ttab ünï 中文 😀 \u200b\u202e" + "x" * 3000,
    "author_name": '@Zoë "Z" O\'Brien: # {# c #} \\',
}


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake_project(
        tmp_path_factory.mktemp("hostile"), project_slug="hostile_project", **HOSTILE_TEXT
    )


def test_every_structured_file_parses(hostile_project: Path) -> None:
    assert parse_generated_files(hostile_project) > 20


def test_values_read_back_exactly(hostile_project: Path) -> None:
    pyproject = tomllib.loads((hostile_project / "pyproject.toml").read_text(encoding="utf-8"))
    answers = pyproject["tool"]["mlops-kit"]["answers"]
    for key, value in HOSTILE_TEXT.items():
        assert answers[key] == value
    assert pyproject["project"]["description"] == HOSTILE_TEXT["description"]
    assert pyproject["project"]["authors"][0]["name"] == HOSTILE_TEXT["author_name"]
    init = hostile_project / "src" / "hostile_project" / "__init__.py"
    assert (
        ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")), clean=False)
        == (HOSTILE_TEXT["description"])
    )


def test_markdown_shows_the_name_literally(hostile_project: Path) -> None:
    readme = (hostile_project / "README.md").read_text(encoding="utf-8")
    title = readme.splitlines()[0]
    assert title == "# " + filters.markdown_text(HOSTILE_TEXT["project_name"])
