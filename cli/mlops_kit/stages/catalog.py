"""Add and remove data/catalog.yaml entries for the datasets a stage writes under data/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.splice import MappingView, drop_block, set_blocks
from mlops_kit.stages.yamlemit import Indentation, detect_indentation, render_block, resolve_aliases
from mlops_kit.stages.yamltext import (
    YamlText,
    is_flow,
    key_line,
    load_round_trip,
    to_plain,
    verify_edit,
)

DEFAULT_INDENT = Indentation(mapping=2, dash_offset=2)
DATA_DIR = "data/"


@dataclass(frozen=True)
class Catalog:
    """data/catalog.yaml: its text, data and the `datasets:` mapping."""

    text: YamlText
    data: Any
    datasets: MappingView

    def entries(self) -> dict[str, dict[str, Any]]:
        """Return every dataset entry as plain data."""
        plain = to_plain(self.datasets.node)
        return plain if isinstance(plain, dict) else {}

    def by_path(self) -> dict[str, tuple[str, dict[str, Any], Any]]:
        """Return, for each dataset path, its entry name, plain entry and schema node."""
        found = {}
        for name, node in self.datasets.node.items():
            entry = to_plain(node)
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                found[entry["path"]] = (str(name), entry, node.get("schema"))
        return found

    def produced_by(self, stage: str) -> list[str]:
        """Return the names of the entries a stage produces."""
        return [
            name
            for name, entry in self.entries().items()
            if isinstance(entry, dict) and entry.get("produced_by") == stage
        ]


def parse_catalog(raw: bytes, label: str) -> Catalog:
    """Parse the catalog; it needs a block-style `datasets:` mapping (or `datasets: {}`)."""
    text = YamlText.from_bytes(raw, label)
    data = load_round_trip(text)
    if not isinstance(data, dict) or "datasets" not in data:
        raise UsageError(f"{label}: has no `datasets:` mapping; add one first")
    line = key_line(data, "datasets")
    datasets = data["datasets"]
    if not isinstance(datasets, dict):
        raise UsageError(f"{label}:{line + 1}: `datasets:` is not a mapping of datasets")
    if is_flow(datasets) and len(datasets) > 0:
        raise UsageError(
            f"{label}:{line + 1}: `datasets:` is written in flow style; use block style first"
        )
    return Catalog(text, data, MappingView(text, datasets, line, "datasets"))


def data_outputs(paths: list[str]) -> list[str]:
    """Return the paths that lie under data/ (the ones the catalog describes)."""
    return [path for path in paths if path.startswith(DATA_DIR)]


def entry_name(path: str, stage: str, taken: set[str]) -> str:
    """Return a catalog name for a dataset a stage writes: `<stage>_<file stem>`."""
    stem = path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]
    stem = re.sub(r"[^a-z0-9_]+", "_", stem.lower()).strip("_")
    base = stage if stem in ("", stage) else f"{stage}_{stem}"
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    return candidate


def with_entries(catalog: Catalog, new: dict[str, dict[str, Any]]) -> YamlText:
    """Return the catalog's text with `new` entries added (or replaced) under datasets."""
    indent = detect_indentation(catalog.text.lines, DEFAULT_INDENT)
    column = catalog.datasets.column
    blocks = {name: render_block(name, entry, column, indent) for name, entry in new.items()}
    text = set_blocks(catalog.datasets, blocks)
    plain = to_plain(catalog.data)
    datasets = dict(plain["datasets"] or {})
    for name, entry in new.items():
        datasets[name] = resolve_aliases(entry)
    plain["datasets"] = datasets
    verify_edit(text, plain, "add catalog entries", (catalog.datasets.parent_line or 0) + 1)
    return text


def without_entries(catalog: Catalog, names: list[str]) -> YamlText:
    """Return the catalog's text without the named entries."""
    text = catalog.text
    plain = to_plain(catalog.data)
    for name in names:
        current = parse_catalog(text.to_bytes(), text.label)
        text = drop_block(current.datasets, name)
        plain["datasets"] = {k: v for k, v in plain["datasets"].items() if k != name}
    line = (catalog.datasets.parent_line or 0) + 1
    verify_edit(text, plain, "remove catalog entries", line)
    return text
