"""Splice whole blocks of lines into or out of a block-style YAML mapping."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.yamlemit import Indentation, detect_indentation
from mlops_kit.stages.yamltext import (
    YamlText,
    blank_line_between,
    block_end,
    indent_of,
    is_blank,
    key_column,
    key_line,
)

# `\A`: fullmatch anchors anyway, and anchored patterns stay linear if ever searched.
_EMPTY_FLOW = re.compile(r"\A(?P<key>.*?:)\s*\{\s*\}(?P<comment>\s+#.*)?\s*")
_KEY_WITH_COMMENT = re.compile(r"\A(?P<key>.*?:)(?P<comment>\s+#.*)?\s*")


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
