"""The Jinja filters render any free text into a value the target format reads back."""

from __future__ import annotations

import ast
import json
import tomllib

import pytest
import yaml
from helpers import REPO_ROOT

import local_extensions as filters

HOSTILE = [
    "quote \" and ' apostrophe",
    "back\\slash \\n not a newline",
    "line one\nline two\r\nthree",
    "key: value # not a comment",
    "{{ 7*7 }} {% if %} {# c #}",
    "* & ! % @ - ? leading",
    "- list item",
    "1. ordered",
    "ünïcödé 中文 العربية 😀",
    "zero\u200bwidth \u202eRTL\u202c",
    "controls \x00\x07\x1b[31m\x7f\x85\ufeff\u2028",
    "x" * 5000,
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_toml_string_reads_back(value: str) -> None:
    assert tomllib.loads(f"key = {filters.toml_string(value)}")["key"] == value


@pytest.mark.parametrize("value", HOSTILE)
def test_yaml_string_reads_back(value: str) -> None:
    assert yaml.safe_load(f"key: {filters.yaml_string(value)}")["key"] == value


@pytest.mark.parametrize("value", HOSTILE)
def test_python_string_reads_back(value: str) -> None:
    assert ast.literal_eval(filters.python_string(value)) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_text_is_one_inert_line(value: str) -> None:
    text = filters.markdown_text(value)
    assert "\n" not in text
    assert "<" not in text
    assert not text.startswith(("- ", "1. ", "#"))


def test_every_filter_is_registered_by_the_extension() -> None:
    from jinja2 import Environment

    environment = Environment(extensions=[filters.EscapeExtension])
    assert set(filters.FILTERS) <= set(environment.filters)
    config = json.loads((REPO_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    assert "local_extensions.EscapeExtension" in config["_extensions"]
