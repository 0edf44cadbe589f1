"""Jinja filters that escape a template answer for the file format it lands in.

Cookiecutter loads this module through `_extensions` in cookiecutter.json. Every free-text
answer goes through one of these filters, so quotes, backslashes, newlines, `{{ }}` and
non-ASCII text render into files that parse and read the value back unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

# Outside YAML's printable set, or read as a line break by YAML 1.1 parsers: escape it.
_YAML_NEEDS_ESCAPE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\ufeff\u2028\u2029]"
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")
_MARKDOWN_LIST_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def toml_string(value: Any) -> str:
    """Return `value` as a TOML basic string, quotes included."""
    text = json.dumps(str(value), ensure_ascii=False)
    # JSON leaves DEL and C1 controls raw; TOML forbids raw control characters.
    return re.sub("[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04X}", text)


def yaml_string(value: Any) -> str:
    """Return `value` as a YAML double-quoted scalar, quotes included."""
    text = json.dumps(str(value), ensure_ascii=False)

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"

    return _YAML_NEEDS_ESCAPE.sub(escape, text)


def yaml_scalar(value: Any) -> str:
    """Return `value` as PyYAML (and so OmegaConf's to_yaml) writes it: quoted only if needed.

    For generated files that a tool rewrites later (params.yaml), so a rewrite changes
    nothing.
    """
    import yaml  # cookiecutter's own dependency

    text = yaml.dump(str(value), allow_unicode=True, sort_keys=False)
    return text.removesuffix("\n...\n").rstrip("\n")


def python_string(value: Any) -> str:
    """Return `value` as a Python string literal."""
    return repr(str(value))


def markdown_text(value: Any) -> str:
    """Return `value` as one line of Markdown text that renders literally."""
    line = " ".join(str(value).split())
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    line = _MARKDOWN_SPECIAL.sub(r"\\\1", line)
    # A leading "1." or "-" would start a list.
    return _MARKDOWN_LIST_START.sub(_escape_list_marker, line)


def _escape_list_marker(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)}\\{match.group(2)}"
    return f"\\{match.group(3)}"


def plain_line(value: Any) -> str:
    """Return `value` on one line, for plain-text files such as LICENSE."""
    return " ".join(str(value).split())


FILTERS = {
    "toml_string": toml_string,
    "yaml_string": yaml_string,
    "yaml_scalar": yaml_scalar,
    "python_string": python_string,
    "markdown_text": markdown_text,
    "plain_line": plain_line,
}


class EscapeExtension(Extension):
    """Register the escaping filters on cookiecutter's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(FILTERS)
