"""YAML files as lines of text: parse them, find where a block starts and ends, verify edits.

ruamel.yaml parses a file (round-trip mode, which knows every key's line) to locate blocks
and check the structure; changes are splices of whole lines (see `splice`), so the BOM,
the line ending, a missing final newline and every byte outside an edit are kept. After a
splice the new text is parsed again and compared with the expected data, so a layout this
package does not understand is refused instead of mangled.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.reading import MAX_DEPTH, check_yaml_bounds

BOM = "\ufeff"


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


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


@functools.cache
def _bounded_scanner() -> type:
    """Return ruamel's round-trip scanner, stopping at `MAX_DEPTH` nested collections.

    Deep nesting is refused while scanning: ruamel's scanner slows down quadratically and
    its composer recurses once per level, so 5000 levels would take seconds and then fail.
    """
    from ruamel.yaml.scanner import RoundTripScanner

    class BoundedScanner(RoundTripScanner):
        def _check_depth(self) -> None:
            if len(self.flow_context) + len(self.indents) > MAX_DEPTH:
                raise _TooDeep(int(self.reader.line) + 1)

        def add_indent(self, column: int) -> bool:
            added = bool(super().add_indent(column))
            if added:
                self._check_depth()
            return added

        def fetch_flow_collection_start(self, token_class: Any, to_push: str) -> None:
            super().fetch_flow_collection_start(token_class, to_push)
            self._check_depth()

    return BoundedScanner


def load_round_trip(text: YamlText) -> Any:
    """Parse with ruamel.yaml's round-trip loader; refuse bad YAML with file:line.

    Bounded: nesting deeper than `MAX_DEPTH`, an alias bomb, or an integer too long to
    convert is refused in one line (see `reading`).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.Scanner = _bounded_scanner()
    try:
        data = yaml.load(text.text_for_parser())
    except _TooDeep as error:
        raise UsageError(
            f"{text.label}:{error.line}: nested deeper than {MAX_DEPTH} levels; left untouched"
        ) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = error.problem or error.context or "invalid YAML"
        raise UsageError(f"{text.label}{line}: {problem}; left untouched") from None
    except YAMLError as error:
        summary = " ".join(str(error).split())
        raise UsageError(f"{text.label}: invalid YAML ({summary}); left untouched") from None
    except (RecursionError, MemoryError):
        raise UsageError(
            f"{text.label}: nested too deeply or too large to parse; left untouched"
        ) from None
    except ValueError as error:
        if "digits" in str(error):
            raise UsageError(
                f"{text.label}: holds an integer with more than 4300 digits; write it as a "
                "quoted string, left untouched"
            ) from None
        summary = " ".join(str(error).split())[:120]
        raise UsageError(
            f"{text.label}: a value cannot be read ({summary}); left untouched"
        ) from None
    check_yaml_bounds(data, text.label)
    return data


def plain_mapping(data: Any) -> dict[str, Any]:
    """Return a parsed document as a plain dict; empty when its top level is not a mapping."""
    plain = to_plain(data)
    return plain if isinstance(plain, dict) else {}


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
