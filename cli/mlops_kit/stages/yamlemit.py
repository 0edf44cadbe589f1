"""Write new YAML blocks in a file's own style: indentation, safe scalars, aliases."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.yamltext import indent_of, is_blank, is_comment

_RESERVED_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "="}
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_NUMBER_START = re.compile(r"[-+.]?[0-9]|[-+]?\.(inf|nan)\b", re.IGNORECASE)


def _plain_ok(value: str) -> bool:
    """Return whether a string reads back as itself, unquoted, in YAML 1.1 and 1.2."""
    return bool(
        value
        and value == value.strip()
        and value.isprintable()
        and value[0] not in _INDICATORS
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and value.lower() not in _RESERVED_WORDS
        and _NUMBER_START.match(value) is None
    )


def yaml_scalar(value: str) -> str:
    """Return `value` as a YAML scalar: plain when unambiguous, else double-quoted."""
    return value if _plain_ok(value) else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Indentation:
    """How a YAML file indents: mapping children and block-sequence dashes."""

    mapping: int = 2
    dash_offset: int = 2

    def seq_item(self, parent_column: int) -> str:
        """Return the prefix of a sequence item under a key at `parent_column`."""
        return " " * (parent_column + self.dash_offset) + "- "


_KEY_ONLY = re.compile(r"\A *[^\s#-][^#]*:\s*(#.*)?")


def _next_content(lines: Sequence[str], index: int) -> int | None:
    for following in range(index + 1, len(lines)):
        if not (is_blank(lines[following]) or is_comment(lines[following])):
            return following
    return None


def detect_indentation(lines: Sequence[str], default: Indentation) -> Indentation:
    """Guess a file's mapping indent and dash offset from its first nested blocks."""
    mapping: int | None = None
    dash: int | None = None
    for index, line in enumerate(lines):
        if mapping is not None and dash is not None:
            break
        if _KEY_ONLY.fullmatch(line) is None:
            continue
        child = _next_content(lines, index)
        if child is None:
            break
        step = indent_of(lines[child]) - indent_of(line)
        if lines[child].lstrip().startswith("- "):
            if dash is None and step >= 0:
                dash = step
        elif mapping is None and step > 0:
            mapping = step
    return Indentation(
        mapping=mapping if mapping is not None else default.mapping,
        dash_offset=dash if dash is not None else default.dash_offset,
    )


def _float_text(value: float) -> str:
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, sep, exponent = text.partition("e")
    if sep and "." not in mantissa:
        # "1e-05" is a string to YAML 1.1 readers (PyYAML, OmegaConf): write "1.0e-05".
        text = f"{mantissa}.0e{exponent}"
    return text


@dataclass(frozen=True)
class Alias:
    """A value to write as a YAML alias (`*name`) of an anchor already in the file."""

    anchor: str
    value: Any


def resolve_aliases(data: Any) -> Any:
    """Return `data` with every Alias replaced by the value it stands for."""
    if isinstance(data, Alias):
        return data.value
    if isinstance(data, dict):
        return {key: resolve_aliases(value) for key, value in data.items()}
    if isinstance(data, list):
        return [resolve_aliases(item) for item in data]
    return data


def anchor_of(node: Any) -> str | None:
    """Return the anchor name a round-trip node carries, if any."""
    anchor = getattr(node, "anchor", None)
    value = getattr(anchor, "value", None)
    return str(value) if value else None


def scalar_text(value: Any) -> str:
    """Return a plain-data scalar as YAML text that every YAML reader reads back equal."""
    if value is None:
        return "null"
    if isinstance(value, Alias):
        return f"*{value.anchor}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    return yaml_scalar(str(value))


def render_block(key: str, value: Any, column: int, indent: Indentation) -> list[str]:
    """Render `key: value` in block style at `column`, nesting with the file's indentation."""
    head = " " * column + yaml_scalar(key) + ":"
    return _render_value(head, value, column, indent)


def _render_value(head: str, value: Any, column: int, indent: Indentation) -> list[str]:
    if isinstance(value, dict) and value:
        lines = [head]
        for child_key, child in value.items():
            lines += render_block(str(child_key), child, column + indent.mapping, indent)
        return lines
    if isinstance(value, list) and value:
        lines = [head]
        for item in value:
            lines += _render_item(item, column + indent.dash_offset, indent)
        return lines
    if isinstance(value, dict | list):
        return [f"{head} {'{}' if isinstance(value, dict) else '[]'}"]
    return [f"{head} {scalar_text(value)}"]


def _render_item(item: Any, dash_column: int, indent: Indentation) -> list[str]:
    prefix = " " * dash_column + "- "
    if isinstance(item, dict) and item:
        lines: list[str] = []
        for position, (child_key, child) in enumerate(item.items()):
            nested = render_block(str(child_key), child, dash_column + 2, indent)
            if position == 0:
                nested[0] = prefix + nested[0].lstrip(" ")
            lines += nested
        return lines
    if isinstance(item, list) and item:
        raise UsageError("nested lists cannot be written into this YAML file; simplify the value")
    if isinstance(item, dict | list):
        return [prefix + ("{}" if isinstance(item, dict) else "[]")]
    return [prefix + scalar_text(item)]
