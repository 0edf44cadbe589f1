"""Wire a stage's config group into conf/config.yaml and its values into params.yaml.

params.yaml is the composed snapshot of conf/ (what Hydra, and DVC's Hydra integration,
would write). A new group adds one top-level key holding the group's values, so the file
matches a fresh composition without importing Hydra.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.splice import MappingView, drop_block, set_block
from mlops_kit.stages.yamlemit import Indentation, detect_indentation, render_block
from mlops_kit.stages.yamltext import (
    YamlText,
    block_end,
    is_flow,
    key_line,
    load_round_trip,
    plain_mapping,
    to_plain,
    verify_edit,
    with_key,
    without_key,
)

PARAMS_INDENT = Indentation(mapping=2, dash_offset=0)
_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")
_DOTTED_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
MAX_INTERPOLATION_DEPTH = 20


def _group_of(item: Any) -> str | None:
    """Return the config group a defaults-list item selects (None for `_self_`)."""
    if isinstance(item, dict) and len(item) == 1:
        key = str(next(iter(item)))
        key = key.split()[-1] if key.split() else key
        return key.split("@")[0].lstrip("/")
    return None


@dataclass(frozen=True)
class HydraRoot:
    """conf/config.yaml: its text, data and the defaults list."""

    text: YamlText
    data: Any
    defaults: Any
    defaults_line: int

    def groups(self) -> list[str | None]:
        """Return the group each defaults entry selects, in order."""
        return [_group_of(item) for item in self.defaults]

    def item_span(self, index: int) -> tuple[int, int, int]:
        """Return (start line, end line, dash column) of one defaults entry."""
        line, column = self.defaults.lc.item(index)
        dash = self.text.lines[line].rfind("-", 0, column)
        if dash < 0 or self.text.lines[line][:dash].strip():
            raise UsageError(
                f"{self.text.label}:{line + 1}: the defaults entry does not start its own "
                "line; edit the defaults list by hand"
            )
        return line, block_end(self.text.lines, line, dash), dash


def parse_hydra_root(raw: bytes, label: str) -> HydraRoot:
    """Parse conf/config.yaml; refuse when it has no block-style defaults list."""
    text = YamlText.from_bytes(raw, label)
    data = load_round_trip(text)
    if not isinstance(data, dict) or "defaults" not in data:
        raise UsageError(f"{label}: has no `defaults:` list; it is not a Hydra primary config")
    line = key_line(data, "defaults")
    defaults = data["defaults"]
    if not isinstance(defaults, list):
        raise UsageError(f"{label}:{line + 1}: `defaults:` is not a list")
    if is_flow(defaults) or not defaults:
        raise UsageError(
            f"{label}:{line + 1}: `defaults:` is written in flow style [...]; "
            "rewrite it as a block list (one `- group: option` per line) first"
        )
    return HydraRoot(text, data, defaults, line)


def insertion_index(root: HydraRoot, after_groups: list[str]) -> int:
    """Return the defaults entry a new one goes after: the last of `after_groups`, else the end."""
    groups = root.groups()
    position = len(groups) - 1
    for index, existing in enumerate(groups):
        if existing in after_groups:
            position = index
    return position


def defaults_with_group(root: HydraRoot, group: str, after_groups: list[str]) -> YamlText:
    """Return config.yaml's text with `- group: default` added to the defaults list.

    The entry goes after the last entry whose group is in `after_groups` (the stage the
    new one follows, else any stage), or at the end of the list.
    """
    if group in root.groups():
        return root.text
    position = insertion_index(root, after_groups)
    _, end, dash = root.item_span(position)
    edited = root.text.copy()
    edited.insert(end, [" " * dash + f"- {group}: default"])
    plain = to_plain(root.data)
    entries = plain["defaults"]
    plain["defaults"] = [*entries[: position + 1], {group: "default"}, *entries[position + 1 :]]
    verify_edit(edited, plain, f"add {group!r} to the defaults list", end + 1)
    return edited


def defaults_without_group(root: HydraRoot, group: str) -> YamlText:
    """Return config.yaml's text without the defaults entry of `group` (if any)."""
    groups = root.groups()
    if group not in groups:
        return root.text
    index = groups.index(group)
    start, end, _ = root.item_span(index)
    edited = root.text.copy()
    edited.delete(start, end)
    plain = to_plain(root.data)
    plain["defaults"] = [item for i, item in enumerate(plain["defaults"]) if i != index]
    verify_edit(edited, plain, f"remove {group!r} from the defaults list", start + 1)
    return edited


@dataclass(frozen=True)
class Params:
    """params.yaml: its text, data and top-level mapping."""

    text: YamlText
    data: Any
    view: MappingView

    @property
    def plain(self) -> dict[str, Any]:
        """Return the values as plain data."""
        return plain_mapping(self.data)

    def has(self, dotted: str) -> bool:
        """Return whether a dotted key (`train.cv_folds`) exists."""
        node: Any = self.plain
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True


def parse_params(raw: bytes, label: str) -> Params:
    """Parse params.yaml; it must be a block-style mapping (or empty)."""
    text = YamlText.from_bytes(raw, label)
    data = load_round_trip(text)
    if data is None:
        from ruamel.yaml.comments import CommentedMap

        data = CommentedMap()
    if not isinstance(data, dict):
        raise UsageError(f"{label}:1: the top level is not a mapping; regenerate it from conf/")
    if is_flow(data) and len(data) > 0:
        raise UsageError(f"{label}:1: is written in flow style; regenerate it from conf/")
    return Params(text, data, MappingView(text, data, None, "params"))


def params_with_section(
    params: Params, group: str, values: dict[str, Any], after: str | None
) -> YamlText:
    """Return params.yaml's text with top-level `group:` holding `values`."""
    indent = detect_indentation(params.text.lines, PARAMS_INDENT)
    lines = render_block(group, values, 0, indent)
    edited = set_block(params.view, group, lines, after)
    expected = with_key(params.plain, group, values, after)
    verify_edit(edited, expected, f"add {group!r}", len(params.text.lines))
    return edited


def params_without_section(params: Params, group: str) -> YamlText:
    """Return params.yaml's text without top-level `group:` (if present)."""
    if group not in params.data:
        return params.text
    edited = drop_block(params.view, group)
    expected = without_key(params.plain, group)
    verify_edit(edited, expected, f"remove {group!r}", key_line(params.data, group) + 1)
    return edited


def _lookup(context: dict[str, Any], dotted: str, label: str) -> Any:
    node: Any = context
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise UsageError(f"{label}: interpolation ${{{dotted}}} names no config key")
        node = node[part]
    return node


def resolve_interpolations(value: Any, context: dict[str, Any], label: str, depth: int = 0) -> Any:
    """Resolve `${a.b}` references the way OmegaConf would, for params.yaml's snapshot.

    Only plain absolute references are supported; resolvers (`${oc.env:X}`) and relative
    keys need Hydra, so they are refused with a clear message.
    """
    if depth > MAX_INTERPOLATION_DEPTH:
        raise UsageError(f"{label}: interpolations nest too deeply (a cycle?)")
    if isinstance(value, dict):
        return {k: resolve_interpolations(v, context, label, depth) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_interpolations(item, context, label, depth) for item in value]
    if not isinstance(value, str) or "${" not in value:
        return value
    for reference in _INTERPOLATION.findall(value):
        if _DOTTED_KEY.fullmatch(reference.strip()) is None:
            raise UsageError(
                f"{label}: interpolation ${{{reference}}} needs Hydra to resolve; use a plain "
                "value or a ${{group.key}} reference in the stage config"
            )
    whole = _INTERPOLATION.fullmatch(value)
    if whole is not None:
        target = _lookup(context, whole.group(1).strip(), label)
        return resolve_interpolations(target, context, label, depth + 1)

    def replace(match: re.Match[str]) -> str:
        target = _lookup(context, match.group(1).strip(), label)
        return str(resolve_interpolations(target, context, label, depth + 1))

    return _INTERPOLATION.sub(replace, value)
