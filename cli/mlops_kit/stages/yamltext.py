"""Edit YAML files as text, line by line, so everything outside an edit keeps its bytes.

ruamel.yaml parses the file (round-trip mode, which knows every key's line) to find where a
block starts and ends and to check the structure; the change itself is a splice of whole
lines. The BOM, the line ending and a missing final newline are kept. After every splice
the new text is parsed again and compared with the expected data, so a layout this module
does not understand is refused instead of mangled.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlops_kit.errors import UsageError

BOM = "\ufeff"
_RESERVED_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "="}
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_NUMBER_START = re.compile(r"[-+.]?[0-9]|[-+]?\.(inf|nan)\b", re.IGNORECASE)


@dataclass
class YamlText:
    """A YAML file as a list of lines (without endings) plus how to write it back."""

    label: str
    lines: list[str]
    eol: str = "\n"
    bom: bool = False
    final_newline: bool = True

    @classmethod
    def from_bytes(cls, raw: bytes, label: str) -> YamlText:
        """Decode a file, remembering its BOM, line ending and final newline."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UsageError(
                f"{label}: not UTF-8 text (byte {error.start}); left untouched"
            ) from None
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        crlf = text.count("\r\n")
        lf = text.count("\n") - crlf
        if "\r" in text.replace("\r\n", ""):
            raise UsageError(f"{label}: has bare CR line breaks; left untouched")
        if crlf and lf:
            raise UsageError(f"{label}: mixes CRLF and LF line endings; make them consistent first")
        eol = "\r\n" if crlf else "\n"
        final_newline = text.endswith(eol) or not text
        body = text[: -len(eol)] if text.endswith(eol) else text
        lines = body.split(eol) if body else []
        return cls(label, lines, eol, bom, final_newline)

    def to_bytes(self) -> bytes:
        """Encode the lines back with the original BOM, line ending and final newline."""
        text = self.eol.join(self.lines)
        if self.lines and self.final_newline:
            text += self.eol
        return ((BOM if self.bom else "") + text).encode("utf-8")

    def text_for_parser(self) -> str:
        """Return the content with LF line ends, so parser line numbers index `lines`."""
        return "\n".join(self.lines) + "\n"

    def copy(self) -> YamlText:
        """Return an independent copy to splice into."""
        return YamlText(self.label, list(self.lines), self.eol, self.bom, self.final_newline)

    def insert(self, index: int, new_lines: Sequence[str]) -> None:
        """Insert whole lines before line `index` (0-based; len(lines) appends)."""
        self.lines[index:index] = list(new_lines)

    def delete(self, start: int, end: int) -> None:
        """Delete lines `start` to `end` (exclusive)."""
        del self.lines[start:end]


def load_round_trip(text: YamlText) -> Any:
    """Parse with ruamel.yaml's round-trip loader; refuse bad YAML with file:line."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    try:
        return yaml.load(text.text_for_parser())
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = error.problem or error.context or "invalid YAML"
        raise UsageError(f"{text.label}{line}: {problem}; left untouched") from None
    except YAMLError as error:
        summary = " ".join(str(error).split())
        raise UsageError(f"{text.label}: invalid YAML ({summary}); left untouched") from None


def to_plain(data: Any) -> Any:
    """Turn round-trip containers into plain dicts, lists and scalars for comparison."""
    if isinstance(data, dict):
        return {str(key): to_plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [to_plain(item) for item in data]
    if isinstance(data, str):
        return str(data)
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, int):
        return int(data)
    if isinstance(data, float):
        return float(data)
    return data


def line_of(node: Any) -> int:
    """Return the 1-based line where a round-trip node starts (0 when unknown)."""
    lc = getattr(node, "lc", None)
    return int(lc.line) + 1 if lc is not None and lc.line is not None else 0


def key_line(mapping: Any, key: str) -> int:
    """Return the 0-based line of `key` in a round-trip mapping."""
    return int(mapping.lc.key(key)[0])


def key_column(mapping: Any, key: str) -> int:
    """Return the 0-based column of `key` in a round-trip mapping."""
    return int(mapping.lc.key(key)[1])


def is_flow(node: Any) -> bool:
    """Return whether a round-trip mapping or sequence is written in flow style."""
    fa = getattr(node, "fa", None)
    return bool(fa is not None and fa.flow_style())


def indent_of(line: str) -> int:
    """Return the number of leading spaces of a line."""
    return len(line) - len(line.lstrip(" "))


def is_blank(line: str) -> bool:
    """Return whether a line holds only whitespace."""
    return not line.strip()


def is_comment(line: str) -> bool:
    """Return whether a line holds only a comment."""
    return line.lstrip().startswith("#")


def block_end(lines: Sequence[str], start: int, indent: int) -> int:
    """Return the line after the block that starts at `start` and nests deeper than `indent`.

    Blank and comment lines inside the block belong to it; trailing blank lines, and
    trailing comments at `indent` or less (they introduce what follows), do not.
    """
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if is_blank(line) or is_comment(line) or indent_of(line) > indent:
            end += 1
            continue
        break
    while end > start + 1:
        last = lines[end - 1]
        if is_blank(last) or (is_comment(last) and indent_of(last) <= indent):
            end -= 1
            continue
        break
    return end


def leading_lines(lines: Sequence[str], start: int, indent: int) -> int:
    """Return where the comment lines directly above line `start` (at its indent) begin."""
    first = start
    while first > 0 and is_comment(lines[first - 1]) and indent_of(lines[first - 1]) == indent:
        first -= 1
    return first


def blank_line_between(lines: Sequence[str], key_lines: Sequence[int], indent: int) -> bool:
    """Return whether sibling blocks are separated by a blank line (judged on the 2nd one)."""
    if len(key_lines) < 2:
        return False
    first = leading_lines(lines, key_lines[1], indent)
    return first > 0 and is_blank(lines[first - 1])


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


_KEY_ONLY = re.compile(r" *[^\s#-][^#]*:\s*(#.*)?")


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


def ordered_json(data: Any) -> str:
    """Serialise plain data keeping key order, so order changes count as differences."""
    return json.dumps(data, default=str, ensure_ascii=False)


def verify_edit(after: YamlText, expected: Any, what: str, line_hint: int) -> None:
    """Parse the edited text and check it holds exactly `expected` (order included).

    Raises:
        UsageError: the splice would change more than intended; nothing is written.

    """
    try:
        got = to_plain(load_round_trip(after))
    except UsageError:
        got = None
    if ordered_json(got) != ordered_json(expected):
        raise UsageError(
            f"{after.label}:{line_hint}: cannot {what} without changing the rest of the file "
            "(an unusual layout near this line); edit it by hand or simplify the layout"
        )


def with_key(mapping: dict[str, Any], key: str, value: Any, after: str | None) -> dict[str, Any]:
    """Return a copy of `mapping` with `key` set: in place if present, else after `after`."""
    if key in mapping:
        return {k: (value if k == key else v) for k, v in mapping.items()}
    result: dict[str, Any] = {}
    placed = False
    for existing, old in mapping.items():
        result[existing] = old
        if existing == after:
            result[key] = value
            placed = True
    if not placed:
        result[key] = value
    return result


def without_key(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    """Return a copy of `mapping` without `key`."""
    return {k: v for k, v in mapping.items() if k != key}


_EMPTY_FLOW = re.compile(r"(?P<key>.*?:)\s*\{\s*\}(?P<comment>\s+#.*)?\s*")
_KEY_WITH_COMMENT = re.compile(r"(?P<key>.*?:)(?P<comment>\s+#.*)?\s*")


@dataclass(frozen=True)
class MappingView:
    """A block-style mapping inside a YamlText: where its keys sit and how they indent."""

    text: YamlText
    node: Any
    parent_line: int | None
    what: str

    @property
    def column(self) -> int:
        """Return the column of the mapping's keys."""
        keys = list(self.node)
        if keys:
            return key_column(self.node, str(keys[0]))
        if self.parent_line is None:
            return 0
        parent = self.text.lines[self.parent_line]
        return indent_of(parent) + detect_indentation(self.text.lines, Indentation()).mapping

    def key_lines(self) -> list[int]:
        """Return the 0-based line of every key, in file order."""
        return sorted(key_line(self.node, str(key)) for key in self.node)

    def span(self, key: str) -> tuple[int, int]:
        """Return the lines `[start, end)` of one key's block."""
        start = key_line(self.node, key)
        return start, block_end(self.text.lines, start, self.column)

    def uses_blank_lines(self) -> bool:
        """Return whether the mapping separates its entries by blank lines."""
        return blank_line_between(self.text.lines, self.key_lines(), self.column)


def set_block(view: MappingView, key: str, lines: Sequence[str], after: str | None) -> YamlText:
    """Return a copy of the text with `key`'s block replaced by, or inserted as, `lines`.

    A new block goes after `after`'s block (or the last one), separated the way the
    existing entries are.
    """
    edited = view.text.copy()
    if key in view.node:
        start, end = view.span(key)
        edited.delete(start, end)
        edited.insert(start, lines)
        return edited
    keys = [str(k) for k in view.node]
    if not keys:
        if view.parent_line is None:
            edited.insert(len(edited.lines), lines)
            return edited
        empty = _EMPTY_FLOW.fullmatch(edited.lines[view.parent_line])
        if empty is None:
            raise UsageError(
                f"{view.text.label}:{view.parent_line + 1}: cannot add to {view.what} here; "
                "write it as an empty block or add one entry by hand"
            )
        edited.lines[view.parent_line] = empty.group("key") + (empty.group("comment") or "")
        edited.insert(view.parent_line + 1, lines)
        return edited
    anchor = after if after in keys else max(keys, key=lambda k: key_line(view.node, k))
    _, position = view.span(anchor)
    block = ([""] if view.uses_blank_lines() else []) + list(lines)
    edited.insert(position, block)
    return edited


def set_blocks(view: MappingView, blocks: dict[str, list[str]]) -> YamlText:
    """Return a copy of the text with several keys' blocks replaced or appended at once.

    New keys go after the last entry, in order; existing ones are replaced bottom-up, so
    every position computed on the original text stays valid.
    """
    fresh = [key for key in blocks if key not in view.node]
    edited = view.text
    if fresh:
        separator = [""] if view.uses_blank_lines() else []
        lines = list(blocks[fresh[0]])
        for key in fresh[1:]:
            lines += separator + blocks[key]
        edited = set_block(view, f"\0{fresh[0]}", lines, None)
    replaced = sorted(
        (key for key in blocks if key in view.node), key=lambda k: key_line(view.node, k)
    )
    edited = edited.copy()
    for key in reversed(replaced):
        start, end = view.span(key)
        edited.delete(start, end)
        edited.insert(start, blocks[key])
    return edited


def drop_block(view: MappingView, key: str) -> YamlText:
    """Return a copy of the text without `key`'s block (and one blank line next to it)."""
    edited = view.text.copy()
    start, end = view.span(key)
    lines = edited.lines
    if start > 0 and is_blank(lines[start - 1]):
        start -= 1
    elif end < len(lines) and is_blank(lines[end]) and len(view.node) > 1:
        end += 1
    edited.delete(start, end)
    if len(view.node) == 1 and view.parent_line is not None:
        parent = _KEY_WITH_COMMENT.fullmatch(edited.lines[view.parent_line])
        if parent is None:
            raise UsageError(
                f"{view.text.label}:{view.parent_line + 1}: cannot empty {view.what} here; "
                "edit it by hand"
            )
        comment = parent.group("comment") or ""
        edited.lines[view.parent_line] = parent.group("key") + " {}" + comment
    return edited
