"""The pipeline as DVC declares it (dvc.yaml) and last ran it (dvc.lock), drawn as SVG.

Stages and the files between them become nodes of a graph laid out in layers (each node one
layer to the right of everything it needs); code files and params are left out of the
picture, they are listed in each stage's section. Nothing here runs DVC: the files are read
as YAML, so the picture follows add-stage and remove-stage without any change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from .sources import Missing, read_yaml

NODE_WIDTH = 190
NODE_HEIGHT = 34
LAYER_GAP = 70
LAYER_GAP_DOWN = 30
MAX_LAYERS_ACROSS = 5  # wider than this, the picture runs top to bottom
ROW_GAP = 18
MARGIN = 12
MAX_LABEL = 26
CODE_SUFFIXES = (".py", ".ipynb", ".sh", ".R", ".sql")
COLORS = {
    "stage": ("#1f6feb", "#ffffff"),
    "dataset": ("#dafbe1", "#1a7f37"),
    "model": ("#fbefff", "#8250df"),
    "report": ("#f6f8fa", "#57606a"),
    "pending": ("#ffffff", "#1f6feb"),
}


@dataclass
class Stage:
    """One stage of dvc.yaml, with what dvc.lock recorded of its last run."""

    name: str
    cmd: str
    deps: list[str]
    outs: list[str]
    metrics: list[str]
    plots: dict[str, dict[str, Any]]
    params: list[str]
    ran: bool = False
    locked: dict[str, str] = field(default_factory=dict)  # path -> md5 in dvc.lock
    note: str = ""

    @property
    def produces(self) -> list[str]:
        """Every file the stage writes: outs, metrics and plots."""
        return [*self.outs, *self.metrics, *self.plots]


@dataclass
class Pipeline:
    """The stages in dvc.yaml order, and what could not be read."""

    stages: list[Stage]
    problems: list[str] = field(default_factory=list)

    def producer(self, path: str) -> str | None:
        """Return the stage that writes `path` (or a folder holding it), if any."""
        for stage in self.stages:
            for out in stage.produces:
                if path == out or path.startswith(out.rstrip("/") + "/"):
                    return stage.name
        return None

    def readers(self, path: str) -> list[str]:
        """Return the stages that read `path` (or a folder holding it)."""
        return [
            stage.name
            for stage in self.stages
            if any(path == d or path.startswith(d.rstrip("/") + "/") for d in stage.deps)
        ]

    def locked_md5(self, path: str) -> str | None:
        """Return the md5 dvc.lock records for `path` as an output, if any."""
        for stage in self.stages:
            if path in stage.locked:
                return stage.locked[path]
        return None

    def plot_specs(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Return plot path -> (stage, its definition: x, y, template, title)."""
        return {
            path: (stage.name, spec) for stage in self.stages for path, spec in stage.plots.items()
        }


def _paths(entries: Any) -> dict[str, dict[str, Any]]:
    """Return path -> options for a dvc.yaml list of outs, metrics, plots or deps."""
    found: dict[str, dict[str, Any]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            found[entry] = {}
        elif isinstance(entry, dict):
            for path, options in entry.items():
                found[str(path)] = options if isinstance(options, dict) else {}
    return found


def _param_names(entries: Any) -> list[str]:
    names: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            names.append(entry)
        elif isinstance(entry, dict):
            for file, keys in entry.items():
                names += [f"{file}:{key}" for key in keys or []] or [str(file)]
    return names


def load_pipeline(root: Path) -> Pipeline | Missing:
    """Read dvc.yaml and dvc.lock under `root`."""
    declared = read_yaml(root / "dvc.yaml")
    if isinstance(declared, Missing):
        return declared
    stages_node = declared.get("stages") if isinstance(declared, dict) else None
    if not isinstance(stages_node, dict):
        return Missing("dvc.yaml declares no stages", "add one with `mlops-kit add-stage`")
    lock = read_yaml(root / "dvc.lock")
    problems = [lock.text] if isinstance(lock, Missing) and lock.exists else []
    locked_stages = lock.get("stages", {}) if isinstance(lock, dict) else {}
    stages = []
    for name, spec in stages_node.items():
        spec = spec if isinstance(spec, dict) else {}
        stage = Stage(
            name=str(name),
            cmd=str(spec.get("cmd", "")),
            deps=list(_paths(spec.get("deps"))),
            outs=list(_paths(spec.get("outs"))),
            metrics=list(_paths(spec.get("metrics"))),
            plots=_paths(spec.get("plots")),
            params=_param_names(spec.get("params")),
        )
        if "foreach" in spec or "matrix" in spec:
            stage.note = "a foreach/matrix stage: one node stands for all its instances"
        record = locked_stages.get(name) if isinstance(locked_stages, dict) else None
        if isinstance(record, dict):
            stage.ran = True
            for out in record.get("outs") or []:
                if isinstance(out, dict) and "path" in out and "md5" in out:
                    stage.locked[str(out["path"])] = str(out["md5"])
        stages.append(stage)
    return Pipeline(stages, problems)


def is_code(path: str) -> bool:
    """Return whether a dependency is code (left out of the picture)."""
    return path.startswith("src/") or path.endswith(CODE_SUFFIXES)


def artifact_kind(path: str, stage: Stage | None) -> str:
    """Return how a file is drawn: dataset, model or report."""
    if path.startswith("data/"):
        return "dataset"
    if path.startswith("models/"):
        return "model"
    if stage is not None and path in stage.outs and not path.startswith("reports/"):
        return "dataset"
    return "report"


@dataclass
class Node:
    """A box in the picture."""

    key: str
    label: str
    kind: str
    href: str
    title: str
    layer: int = 0
    row: int = 0
    pending: bool = False  # a stage that has not run yet (drawn dashed)


def build_graph(
    pipeline: Pipeline, href: Mapping[str, str]
) -> tuple[dict[str, Node], list[tuple[str, str]]]:
    """Return the nodes (stages and files) and edges (file -> stage -> file).

    `href` maps a file path to the anchor of its section; stages link to `#stage-<name>`.
    Plot files that share a folder are one node.
    """
    nodes: dict[str, Node] = {}
    edges: list[tuple[str, str]] = []
    plot_dirs: dict[str, list[str]] = {}
    for stage in pipeline.stages:
        for path in stage.plots:
            plot_dirs.setdefault(str(Path(path).parent), []).append(path)

    def file_node(path: str, stage: Stage | None, user: str) -> str:
        """The node of a file; `user` is the stage at hand, the link for an unknown file."""
        folder = str(Path(path).parent)
        if path in (stage.plots if stage else {}) and len(plot_dirs.get(folder, [])) > 1:
            key = f"file:{folder}/"
            label, title = f"{folder}/ ({len(plot_dirs[folder])} plots)", folder + "/"
        else:
            key, label, title = f"file:{path}", path, path
        if key not in nodes:
            kind = artifact_kind(path, stage)
            nodes[key] = Node(key, label, kind, href.get(path, f"#stage-{user}"), title)
        return key

    producers = {path: stage for stage in pipeline.stages for path in stage.produces}
    for stage in pipeline.stages:
        key = f"stage:{stage.name}"
        title = stage.cmd if stage.ran else f"{stage.cmd} (not run yet)"
        nodes[key] = Node(key, stage.name, "stage", f"#stage-{stage.name}", title)
        nodes[key].pending = not stage.ran
    for stage in pipeline.stages:
        for path in stage.deps:
            if is_code(path):
                continue
            source = file_node(path, producers.get(path), stage.name)
            edges.append((source, f"stage:{stage.name}"))
        for path in stage.produces:
            edges.append((f"stage:{stage.name}", file_node(path, stage, stage.name)))
    unique = list(dict.fromkeys(edges))
    layout(nodes, unique)
    return nodes, unique


def layout(nodes: dict[str, Node], edges: Iterable[tuple[str, str]]) -> None:
    """Give each node a layer (longest path from a source) and a row within its layer."""
    incoming: dict[str, list[str]] = {key: [] for key in nodes}
    outgoing: dict[str, list[str]] = {key: [] for key in nodes}
    for source, target in edges:
        incoming[target].append(source)
        outgoing[source].append(target)
    # Longest path by Kahn's topological order (no recursion, any pipeline length).
    waiting = {key: len(incoming[key]) for key in nodes}
    ready = [key for key, count in waiting.items() if count == 0]
    placed: set[str] = set()
    while ready:
        key = ready.pop()
        placed.add(key)
        for target in outgoing[key]:
            nodes[target].layer = max(nodes[target].layer, nodes[key].layer + 1)
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    # Nodes on a cycle (DVC refuses those, but the file may be mid-edit): one layer after.
    last = max((nodes[key].layer for key in placed), default=-1)
    for key in nodes:
        if key not in placed:
            nodes[key].layer = last + 1
    layers: dict[int, list[Node]] = {}
    for node in nodes.values():
        layers.setdefault(node.layer, []).append(node)
    for number in sorted(layers):
        members = layers[number]
        # Order each layer by where its inputs sit, so edges cross less.
        members.sort(
            key=lambda n: (
                sum(nodes[s].row for s in incoming[n.key]) / len(incoming[n.key])
                if incoming[n.key]
                else 0.0
            )
        )
        for row, node in enumerate(members):
            node.row = row


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else "…" + text[-(MAX_LABEL - 1) :]


def render_svg(nodes: Mapping[str, Node], edges: Iterable[tuple[str, str]]) -> str:
    """Return the graph as an inline SVG element; every node links to its section.

    Layers run left to right while the picture fits the page at full size, top to bottom
    beyond that, so labels never shrink to unreadable.
    """
    if not nodes:
        return ""
    layers = max(n.layer for n in nodes.values()) + 1
    rows = max(n.row for n in nodes.values()) + 1
    across = layers <= MAX_LAYERS_ACROSS
    step_layer = NODE_WIDTH + LAYER_GAP if across else NODE_HEIGHT + LAYER_GAP_DOWN
    step_row = NODE_HEIGHT + ROW_GAP if across else NODE_WIDTH + ROW_GAP
    long_side = (
        MARGIN * 2 + layers * step_layer - (step_layer - (NODE_WIDTH if across else NODE_HEIGHT))
    )
    short_side = MARGIN * 2 + rows * step_row - (step_row - (NODE_HEIGHT if across else NODE_WIDTH))
    width, height = (long_side, short_side) if across else (short_side, long_side)

    def corner(node: Node) -> tuple[int, int]:
        along, beside = MARGIN + node.layer * step_layer, MARGIN + node.row * step_row
        return (along, beside) if across else (beside, along)

    parts = [
        f'<svg class="dag" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="pipeline">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
        'fill="#8c959f"/></marker></defs>',
    ]
    for source, target in edges:
        sx, sy = corner(nodes[source])
        tx, ty = corner(nodes[target])
        if across:
            x1, y1 = sx + NODE_WIDTH, sy + NODE_HEIGHT // 2
            x2, y2 = tx, ty + NODE_HEIGHT // 2
            bend = max(30, (x2 - x1) // 2)
            curve = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
        else:
            x1, y1 = sx + NODE_WIDTH // 2, sy + NODE_HEIGHT
            x2, y2 = tx + NODE_WIDTH // 2, ty
            bend = max(20, (y2 - y1) // 2)
            curve = f"M{x1},{y1} C{x1},{y1 + bend} {x2},{y2 - bend} {x2},{y2}"
        parts.append(
            f'<path d="{curve}" fill="none" stroke="#8c959f" stroke-width="1.4" '
            'marker-end="url(#arrow)"/>'
        )
    for node in nodes.values():
        x, y = corner(node)
        fill, ink = COLORS["pending"] if node.pending else COLORS[node.kind]
        radius = 17 if node.kind == "stage" else 4
        dashes = ' stroke-dasharray="5 3"' if node.pending else ""
        parts.append(
            f'<a href="{escape(node.href)}" class="node {node.kind}" '
            f'data-node="{escape(node.key)}"><title>{escape(node.title)}</title>'
            f'<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="{radius}" '
            f'fill="{fill}" stroke="{ink}" stroke-width="1.2"{dashes}/>'
            f'<text x="{x + NODE_WIDTH // 2}" y="{y + NODE_HEIGHT // 2 + 4}" '
            f'text-anchor="middle" fill="{ink}" font-size="12" '
            f'font-weight="{600 if node.kind == "stage" else 400}">'
            f"{escape(_short(node.label))}</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)
