"""Bounded, code-free parsers for YAML, TOML and JSON text from an untrusted repository.

YAML is built from libyaml's event stream (no constructor runs, so no tag can create an
object), with limits on nesting depth and on the size after alias expansion (a "billion
laughs" file fails fast instead of eating memory), duplicate keys rejected, and the line
of every mapping key and list item kept for findings. Scalars resolve as in YAML 1.2's
core schema (`on`/`yes` stay strings). TOML and JSON come from the standard library;
nesting too deep for it becomes a parse error, not a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ast

MAX_DEPTH = 64
MAX_NODES = 500_000

# Integer literals longer than this stay text: int() of a long decimal string is quadratic
# (Python refuses more than 4,300 digits outright), and no real setting needs 1,000 digits.
MAX_INT_CHARS = 1000
# Used with fullmatch (no `\Z`: a pattern ending in `\Z` rescans a long digit run from
# every start when searched).
_INT = re.compile(r"[-+]?[0-9]+")
_INT_OTHER = re.compile(r"0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# Every int, float and special float (.inf, .nan) starts with one of these.
_NUMBER_STARTS = frozenset("0123456789+-.")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_SPECIAL_FLOATS = {
    ".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"),
    ".Inf": float("inf"), "+.Inf": float("inf"), "-.Inf": float("-inf"),
    ".INF": float("inf"), "+.INF": float("inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}  # fmt: skip
_CORE = "tag:yaml.org,2002:"
_PYTHON_TAG = _CORE + "python/"
# The Python tags OmegaConf's own loader resolves (the paths it writes for `Path` values).
_OMEGACONF_TAGS = frozenset(
    f"{_PYTHON_TAG}object/apply:pathlib.{name}" for name in ("Path", "PosixPath", "WindowsPath")
)


class ParseError(Exception):
    """The text is not valid (or not acceptable) YAML/TOML/JSON."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class YamlMap(dict[Any, Any]):
    """A YAML mapping that remembers its line and the line of each key (1-based)."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}


class YamlList(list[Any]):
    """A YAML sequence that remembers its line and the line of each item (1-based)."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def line_of(container: Any, key: Any = None) -> int | None:
    """Return the line of `container[key]` (or of the container) when known."""
    if isinstance(container, YamlMap):
        return container.line if key is None else container.key_lines.get(key, container.line)
    if isinstance(container, YamlList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return None


class Parsed:
    """The result of parsing one file: data, or an error with its line; plus notes."""

    __slots__ = ("data", "error", "line", "notes")

    def __init__(
        self,
        data: Any = None,
        error: str | None = None,
        line: int | None = None,
        notes: list[tuple[str, int | None]] | None = None,
    ) -> None:
        self.data = data
        self.error = error
        self.line = line
        self.notes: list[tuple[str, int | None]] = notes if notes is not None else []

    @property
    def ok(self) -> bool:
        """True when the file parsed."""
        return self.error is None


def _scalar(value: str, tag: str | None, plain: bool) -> Any:
    if tag is not None and tag != "!":
        if tag == _CORE + "str":
            return value
        if tag in (_CORE + "int", _CORE + "float", _CORE + "bool", _CORE + "null"):
            return _scalar(value, None, True)
        return value
    if not plain:
        return value
    if value in _NULLS:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if value[:1] not in _NUMBER_STARTS:  # the usual plain string: no number pattern can match
        return value
    if _INT.fullmatch(value):
        return int(value) if len(value) <= MAX_INT_CHARS else value
    if _INT_OTHER.fullmatch(value):
        return int(value, 0) if len(value) <= MAX_INT_CHARS else value
    if _FLOAT.fullmatch(value):
        return float(value)
    if value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    return value


class _Frame:
    __slots__ = ("anchor", "key", "merges", "node", "pending_key", "weight")

    def __init__(self, node: YamlMap | YamlList, anchor: str | None) -> None:
        self.node = node
        self.anchor = anchor
        self.weight = 1
        self.pending_key: Any = _NO_KEY
        self.key: tuple[Any, int] | None = None
        self.merges: list[tuple[Any, int]] = []


_NO_KEY = object()
_MERGE = object()


def _add(frame: _Frame, value: Any, line: int) -> None:
    node = frame.node
    if isinstance(node, YamlList):
        node.append(value)
        node.item_lines.append(line)
        return
    if frame.pending_key is _NO_KEY:
        try:
            hash(value)
        except TypeError:
            raise ParseError("a mapping key is a list or mapping (unsupported)", line) from None
        frame.pending_key = value
        frame.key = (value, line)
        return
    key = frame.pending_key
    frame.pending_key = _NO_KEY
    if key is _MERGE:
        frame.merges.append((value, line))
        return
    if key in node.key_lines:
        raise ParseError(f"duplicate key {key!r} (first at line {node.key_lines[key]})", line)
    node[key] = value
    node.key_lines[key] = frame.key[1] if frame.key else line


def _apply_merges(frame: _Frame) -> None:
    node = frame.node
    assert isinstance(node, YamlMap)
    for value, line in frame.merges:
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise ParseError("a `<<` merge key needs a mapping or a list of mappings", line)
            for key, item in source.items():
                if key not in node:
                    node[key] = item
                    node.key_lines[key] = line


def _spec_header(document: Any) -> bool:
    """Return True for a GitLab CI header document: a mapping of `spec:` (inputs) alone."""
    return isinstance(document, dict) and list(document) == ["spec"]


def load_yaml(text: str, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> Parsed:
    """Parse one YAML document safely; never raises for bad input.

    A first document holding only `spec:` is GitLab CI's header (the inputs of a
    configuration or component); the document after it is the one returned.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    result = Parsed()
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    documents = 0
    total = 0
    root: Any = None
    seq_start, map_start = yaml.SequenceStartEvent, yaml.MappingStartEvent
    seq_end, map_end = yaml.SequenceEndEvent, yaml.MappingEndEvent
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    doc_start = yaml.DocumentStartEvent
    line = 1

    def place(value: Any, weight: int, anchor: str | None, at: int, added: int = 1) -> None:
        nonlocal root, total
        total += added
        if total > max_nodes:
            raise ParseError(
                f"expands to more than {max_nodes:,} nodes (alias bomb or oversized file)", at
            )
        if anchor is not None:
            anchors[anchor] = (value, weight)
        if stack:
            stack[-1].weight += weight
            _add(stack[-1], value, at)
        else:
            root = value

    try:
        events: Iterator[Any] = yaml.parse(text, Loader=loader)
        for event in events:
            cls = event.__class__
            mark = event.start_mark
            line = mark.line + 1 if mark is not None else line
            if cls is scalar_event:
                tag = event.tag
                if tag is not None and tag.startswith(_PYTHON_TAG) and tag not in _OMEGACONF_TAGS:
                    result.notes.append((f"Python object tag {tag!r} ignored", line))
                plain = bool(event.implicit and event.implicit[0]) and not event.style
                value = _scalar(event.value, tag, plain)
                if (
                    stack
                    and value == "<<"
                    and plain
                    and isinstance(stack[-1].node, YamlMap)
                    and stack[-1].pending_key is _NO_KEY
                ):
                    stack[-1].pending_key = _MERGE
                    stack[-1].key = (_MERGE, line)
                    continue
                place(value, 1, event.anchor, line)
            elif cls is map_start or cls is seq_start:
                tag = event.tag
                if tag is not None and tag.startswith(_PYTHON_TAG) and tag not in _OMEGACONF_TAGS:
                    result.notes.append((f"Python object tag {tag!r} ignored", line))
                if len(stack) >= max_depth:
                    raise ParseError(f"nested deeper than {max_depth} levels", line)
                node: YamlMap | YamlList = YamlMap(line) if cls is map_start else YamlList(line)
                stack.append(_Frame(node, event.anchor))
            elif cls is map_end or cls is seq_end:
                frame = stack.pop()
                if frame.merges:
                    _apply_merges(frame)
                place(frame.node, frame.weight, frame.anchor, frame.node.line)
            elif cls is alias_event:
                if event.anchor not in anchors:
                    raise ParseError(f"alias *{event.anchor} refers to no finished anchor", line)
                value, weight = anchors[event.anchor]
                place(value, weight, None, line, added=weight)
            elif cls is doc_start:
                documents += 1
                if documents == 2 and _spec_header(root):
                    root = None  # GitLab CI: a `spec:` header (inputs), then the config
                elif documents > 1:
                    raise ParseError("holds more than one YAML document", line)
    except ParseError as error:
        return Parsed(error=error.message, line=error.line, notes=result.notes)
    except yaml.YAMLError as error:
        problem_mark = getattr(error, "problem_mark", None)
        at = problem_mark.line + 1 if problem_mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        return Parsed(error=f"invalid YAML: {' '.join(str(problem).split())}", line=at)
    except (RecursionError, MemoryError):
        return Parsed(error="too deeply nested or too large to parse", line=line)
    result.data = root
    return result


_TOML_LINE = re.compile(r"\(at line (\d+)")
# A run of digits long enough to be an integer over MAX_INT_CHARS (starts of runs only, so
# the search stays linear).
_LONG_DIGITS = re.compile(rf"(?<![0-9a-fA-F_])[0-9a-fA-F_]{{{MAX_INT_CHARS},}}+")
# The most digits tomllib may turn into an int: int() of 10,000 digits takes ~2 ms.
TOML_INT_DIGITS = 10_000


def _long_ints_as_text(value: Any) -> Any:
    """Replace integers of more than MAX_INT_CHARS digits by their text, in place."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if value.bit_length() > MAX_INT_CHARS * 3 else value
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _long_ints_as_text(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _long_ints_as_text(item)
    return value


def load_toml(text: str) -> Parsed:
    """Parse TOML; errors carry the line tomllib names; huge integers become text."""
    import sys
    import tomllib

    long_digits = _LONG_DIGITS.search(text) is not None
    limit = sys.get_int_max_str_digits()
    try:
        if long_digits:  # let tomllib read a 5,000-digit integer (bounded: it costs time)
            sys.set_int_max_str_digits(TOML_INT_DIGITS)
        data = tomllib.loads(text)
        return Parsed(data=_long_ints_as_text(data) if long_digits else data)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_LINE.search(str(error))
        return Parsed(error=f"invalid TOML: {error}", line=int(match.group(1)) if match else None)
    except ValueError:  # an integer of more than TOML_INT_DIGITS digits
        return Parsed(error=f"invalid TOML: an integer has more than {TOML_INT_DIGITS:,} digits")
    except (RecursionError, MemoryError):
        return Parsed(error="too deeply nested or too large to parse")
    finally:
        if long_digits:
            sys.set_int_max_str_digits(limit)


def _int_or_text(literal: str) -> int | str:
    return int(literal) if len(literal) <= MAX_INT_CHARS else literal


def load_json(text: str) -> Parsed:
    """Parse JSON; errors carry their line; integers of over MAX_INT_CHARS digits stay text."""
    import json

    try:
        try:
            return Parsed(data=json.loads(text))
        except ValueError as error:
            if isinstance(error, json.JSONDecodeError):
                raise
            # An integer too long for int(): read again, keeping long integers as text.
            return Parsed(data=json.loads(text, parse_int=_int_or_text))
    except json.JSONDecodeError as error:
        return Parsed(error=f"invalid JSON: {error.msg}", line=error.lineno)
    except (RecursionError, MemoryError):
        return Parsed(error="too deeply nested or too large to parse")
    except ValueError as error:
        return Parsed(error=f"invalid JSON: {error}")


def python_tree(text: str | None) -> ast.Module | None:
    """Return the module Python source parses to (None: it does not parse, or is empty)."""
    if not text:
        return None
    import ast

    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
