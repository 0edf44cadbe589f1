"""Read dvc.yaml (and dvc.lock) and splice one stage in or out of it as text."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.splice import MappingView, drop_block, set_block
from mlops_kit.stages.yamlemit import Indentation, detect_indentation, render_block
from mlops_kit.stages.yamltext import (
    YamlText,
    is_flow,
    key_line,
    load_round_trip,
    plain_mapping,
    to_plain,
    verify_edit,
    with_key,
    without_key,
)

# Keys that make a stage stand for several generated ones; editing around them by text is
# not something this tool promises to get right.
TEMPLATED_KEYS = ("foreach", "matrix", "vars", "do")
OUTPUT_KEYS = ("outs", "metrics", "plots")
DEFAULT_INDENT = Indentation(mapping=2, dash_offset=2)


@dataclass(frozen=True)
class DvcFile:
    """A parsed dvc.yaml (or dvc.lock): its text, its data and its stages mapping."""

    text: YamlText
    data: Any
    stages: MappingView

    @property
    def plain(self) -> dict[str, Any]:
        """Return the whole file as plain data."""
        return plain_mapping(self.data)

    def stage_names(self) -> list[str]:
        """Return the stage names in file order."""
        return [str(name) for name in self.stages.node]

    def stage(self, name: str) -> dict[str, Any]:
        """Return one stage's definition as plain data."""
        body = to_plain(self.stages.node[name])
        return body if isinstance(body, dict) else {}

    def wdir(self, name: str) -> str:
        """Return the folder a stage's paths are relative to (`wdir`, else the root)."""
        wdir = self.stage(name).get("wdir")
        return posixpath.normpath(wdir) if isinstance(wdir, str) and wdir.strip() else "."

    def outputs(self, name: str, keys: tuple[str, ...] = OUTPUT_KEYS) -> list[str]:
        """Return the paths a stage writes (outs, metrics and plots by default).

        Paths are relative to the project root: a stage's `wdir` is applied.
        """
        body = self.stage(name)
        wdir = self.wdir(name)
        return [in_wdir(wdir, p) for key in keys for p in entry_paths(body.get(key))]

    def deps(self, name: str) -> list[str]:
        """Return a stage's dependency paths, relative to the project root (`wdir` applied)."""
        wdir = self.wdir(name)
        return [in_wdir(wdir, path) for path in entry_paths(self.stage(name).get("deps"))]

    def params(self, name: str) -> list[str]:
        """Return the params.yaml keys a stage declares (other params files are left out)."""
        keys: list[str] = []
        for item in self.stage(name).get("params") or []:
            if isinstance(item, str):
                keys.append(item)
            elif isinstance(item, dict):
                for file, file_keys in item.items():
                    if file == "params.yaml" and isinstance(file_keys, list):
                        keys += [str(key) for key in file_keys]
        return keys


def entry_paths(entries: Any) -> list[str]:
    """Return the paths of a deps/outs list, whose items are paths or {path: options}."""
    paths: list[str] = []
    for item in entries if isinstance(entries, list) else []:
        if isinstance(item, str):
            paths.append(posixpath.normpath(item))
        elif isinstance(item, dict):
            paths += [posixpath.normpath(str(key)) for key in item]
    return paths


def in_wdir(wdir: str, path: str) -> str:
    """Return a stage path relative to the project root, given the stage's `wdir`."""
    if wdir in ("", "."):
        return path
    return posixpath.normpath(posixpath.join(wdir, path))


def inside_project(path: str) -> bool:
    """Return whether a normalised stage path stays inside the project."""
    return not (path.startswith(("/", "../")) or path == "..")


def overlaps(first: str, second: str) -> bool:
    """Return whether two project paths are the same or one lies inside the other."""
    return first == second or first.startswith(second + "/") or second.startswith(first + "/")


def _refuse_templating(text: YamlText, data: Any) -> None:
    if "vars" in data:
        line = key_line(data, "vars") + 1
        raise UsageError(
            f"{text.label}:{line}: uses `vars`; add-stage does not edit templated dvc.yaml "
            "files, add the stage by hand"
        )
    stages = data.get("stages")
    for name in stages if isinstance(stages, dict) else []:
        body = stages[name]
        if not isinstance(body, dict):
            line = key_line(stages, name) + 1
            raise UsageError(f"{text.label}:{line}: stage {name!r} is not a mapping; fix it first")
        for key in TEMPLATED_KEYS:
            if key in body:
                line = key_line(body, key) + 1
                raise UsageError(
                    f"{text.label}:{line}: stage {name!r} uses `{key}`; add-stage does not "
                    "edit templated dvc.yaml files, add the stage by hand"
                )


def parse_dvc_file(raw: bytes, label: str, *, lock_file: bool = False) -> DvcFile:
    """Parse dvc.yaml (or, with `lock_file`, dvc.lock) and check that it can be spliced.

    Refused with file:line: malformed YAML, duplicate keys, a top level that is not a
    mapping, `stages:` missing, null, a list or in flow style, `vars`, `foreach`, `matrix`.
    """
    text = YamlText.from_bytes(raw, label)
    data = load_round_trip(text)
    if data is None and lock_file:
        raise UsageError(f"{label}: is empty; delete it or run `dvc repro`")
    if not isinstance(data, dict):
        raise UsageError(f"{label}:1: the top level is not a mapping of keys; fix it first")
    if is_flow(data):
        raise UsageError(f"{label}:1: is written in flow style {{...}}; use block style first")
    if not lock_file:
        _refuse_templating(text, data)
    if "stages" not in data:
        raise UsageError(f"{label}: has no `stages:` mapping; add one first")
    line = key_line(data, "stages")
    stages = data["stages"]
    if stages is None:
        raise UsageError(f"{label}:{line + 1}: `stages:` is empty (null); give it a stage first")
    if not isinstance(stages, dict):
        kind = "a list" if isinstance(stages, list) else type(stages).__name__
        raise UsageError(f"{label}:{line + 1}: `stages:` is {kind}, not a mapping of stages")
    if is_flow(stages) and len(stages) > 0:
        raise UsageError(
            f"{label}:{line + 1}: `stages:` is written in flow style {{...}}; "
            "rewrite it in block style first"
        )
    return DvcFile(text, data, MappingView(text, stages, line, "stages"))


def read_dvc_file(path: Path, label: str, *, lock_file: bool = False) -> DvcFile:
    """Read and parse a dvc.yaml or dvc.lock from disk."""
    return parse_dvc_file(path.read_bytes(), label, lock_file=lock_file)


def with_stage(dvc: DvcFile, name: str, body: dict[str, Any], after: str | None) -> YamlText:
    """Return dvc.yaml's text with stage `name` inserted after `after` (or replaced)."""
    indent = detect_indentation(dvc.text.lines, DEFAULT_INDENT)
    lines = render_block(name, body, dvc.stages.column, indent)
    edited = set_block(dvc.stages, name, lines, after)
    plain = dvc.plain
    plain["stages"] = with_key(plain.get("stages") or {}, name, body, after)
    verify_edit(edited, plain, f"add stage {name!r}", (dvc.stages.parent_line or 0) + 1)
    return edited


def without_stage(dvc: DvcFile, name: str) -> YamlText:
    """Return the file's text without stage `name` (and the blank line that set it apart)."""
    edited = drop_block(dvc.stages, name)
    plain = dvc.plain
    plain["stages"] = without_key(plain.get("stages") or {}, name)
    verify_edit(edited, plain, f"remove stage {name!r}", key_line(dvc.stages.node, name) + 1)
    return edited
