"""Plan `add-stage`: every file a new stage needs, prepared in memory, nothing written."""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlops_kit.edits import settle_interrupted
from mlops_kit.errors import UsageError
from mlops_kit.stages.catalog import (
    data_outputs,
    entry_name,
    parse_catalog,
    with_entries,
    without_entries,
)
from mlops_kit.stages.dvcfile import overlaps, with_stage
from mlops_kit.stages.files import (
    CATALOG,
    DVC_YAML,
    HYDRA_ROOT,
    PARAMS,
    ProjectFiles,
    existing_pieces,
    new_file,
    read_project_files,
    stage_config_dir,
    stage_module_path,
    stage_test_path,
)
from mlops_kit.stages.hydra_conf import (
    defaults_with_group,
    insertion_index,
    params_with_section,
    resolve_interpolations,
)
from mlops_kit.stages.names import check_project_path, check_stage_name
from mlops_kit.stages.plan import Plan
from mlops_kit.stages.project import load_project
from mlops_kit.stages.scaffold import StageSpec, Table, render_scaffold
from mlops_kit.stages.yamlemit import Alias, anchor_of

PARAM_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*")
# Outputs may not land on the project's code, config or tool state.
PROTECTED = ("src", "conf", "tests", ".git", ".dvc", ".mlops-kit")
PROTECTED_FILES = ("dvc.yaml", "dvc.lock", "params.yaml", "pyproject.toml")
MAX_LABEL = 24


@dataclass(frozen=True)
class AddRequest:
    """What the user asked for on the command line."""

    name: str
    start: Path
    after: str | None = None
    deps: list[str] = field(default_factory=list)
    outs: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    params: list[str] = field(default_factory=list)
    force: bool = False
    dry_run: bool = False


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _check_name_free(files: ProjectFiles, name: str, force: bool) -> None:
    stages = files.dvc.stage_names()
    if name not in stages and (name in files.hydra.groups() or name in files.params.data):
        raise UsageError(
            f"{name!r} is already a config group or params key that is not a stage "
            "(e.g. data, model); pick another name"
        )
    found = existing_pieces(files, name)
    if found and not force:
        raise UsageError(
            f"stage {name!r} already exists in {', '.join(found)}; pick another name, or pass "
            "--force to overwrite it"
        )


def _after_outputs(files: ProjectFiles, name: str, after: str | None) -> list[str]:
    if after is None:
        return []
    stages = files.dvc.stage_names()
    if after == name:
        raise UsageError(f"--after {after}: a stage cannot run after itself")
    if after not in stages:
        known = ", ".join(stages) or "none"
        raise UsageError(f"--after {after}: no such stage in dvc.yaml (stages: {known})")
    outs = files.dvc.outputs(after, ("outs",))
    if not outs:
        raise UsageError(
            f"--after {after}: that stage has no outs for {name!r} to depend on; "
            "give its inputs with -d instead"
        )
    return outs


def _check_outputs(files: ProjectFiles, name: str, outputs: list[str], deps: list[str]) -> None:
    for index, path in enumerate(outputs):
        top = path.split("/", 1)[0]
        if top in PROTECTED or path in PROTECTED_FILES:
            raise UsageError(f"{path}: outputs cannot go into {top}; use data/, models/, reports/")
        for other in outputs[:index]:
            if overlaps(path, other):
                raise UsageError(f"outputs {other} and {path} overlap; give each once")
        for dep in deps:
            if overlaps(path, dep):
                raise UsageError(f"{path} is both an input and an output of {name!r}")
        for stage in files.dvc.stage_names():
            if stage == name:
                continue
            for existing in files.dvc.outputs(stage):
                if overlaps(path, existing):
                    raise UsageError(
                        f"{path} overlaps {existing}, an output of stage {stage!r}; "
                        "pick another path"
                    )
    _check_outputs_are_free(files, name, outputs)


def _check_outputs_are_free(files: ProjectFiles, name: str, outputs: list[str]) -> None:
    """Refuse an output that exists on disk and no stage writes: `dvc repro` would delete it."""
    own = files.dvc.outputs(name) if name in files.dvc.stage_names() else []
    root = files.project.root
    for path in outputs:
        if not os.path.lexists(root / path) or any(overlaps(path, out) for out in own):
            continue
        kind = "folder" if (root / path).is_dir() else "file"
        raise UsageError(
            f"{path} is an existing {kind} that no stage in dvc.yaml writes; `dvc repro` "
            "deletes a stage's outputs before running it, so it would be lost: pick another "
            "path, or move it away first"
        )


def _check_deps(files: ProjectFiles, name: str, deps: list[str]) -> None:
    stages = [stage for stage in files.dvc.stage_names() if stage != name]
    produced = [out for stage in stages for out in files.dvc.outputs(stage)]
    root = files.project.root
    for dep in deps:
        if (root / dep).exists() or any(overlaps(dep, out) for out in produced):
            continue
        raise UsageError(f"-d {dep}: no such file, and no stage in dvc.yaml writes it")


def _check_params(files: ProjectFiles, name: str, keys: list[str]) -> list[str]:
    checked = []
    for key in keys:
        if PARAM_KEY.fullmatch(key) is None:
            raise UsageError(f"-p {key!r}: not a params key; e.g. -p model or -p train.cv_folds")
        if key == name or key.startswith(f"{name}."):
            continue
        if not files.params.has(key):
            raise UsageError(f"-p {key}: no such key in params.yaml")
        checked.append(key)
    return [name, *checked]


def _default_outputs(name: str, inputs: list[str], under: str = "data/") -> list[str]:
    if not inputs:
        return [f"{under}{name}.csv"]
    outputs: list[str] = []
    for path in inputs:
        base = posixpath.basename(path)
        candidate = f"{under}{name}/{base}"
        number = 2
        while candidate in outputs:
            candidate = f"{under}{name}/{number}_{base}"
            number += 1
        outputs.append(candidate)
    return outputs


def _label(path: str, taken: set[str]) -> str:
    stem = posixpath.basename(path.rstrip("/")).split(".", 1)[0].lower()
    stem = re.sub(r"[^a-z0-9_]+", "_", stem).strip("_")[:MAX_LABEL] or "table"
    label, number = stem, 2
    while label in taken:
        label = f"{stem}_{number}"
        number += 1
    taken.add(label)
    return label


def plan_tables(inputs: list[str], outputs: list[str]) -> list[Table]:
    """Decide which inputs make which output: one each, or one file per input in a folder.

    Several inputs are never stacked into one file: that mixes tables (train and test,
    say). The caller refuses the one-file case before this is reached.
    """
    taken: set[str] = set()
    if len(outputs) == len(inputs):
        return [
            Table(_label(out, taken), [source], out)
            for source, out in zip(inputs, outputs, strict=True)
        ]
    if len(inputs) > 1 and len(outputs) == 1:  # a folder: one file per input inside it
        folder = outputs[0]
        targets = _default_outputs(folder, inputs, under="")
        return [
            Table(_label(target, taken), [source], target)
            for source, target in zip(inputs, targets, strict=True)
        ]
    return [Table(_label(out, taken), list(inputs), out) for out in outputs[:1]]


# Top-level folders whose outputs are not tables a stage reads (models, reports).
NOT_TABLES = ("models", "reports", "src", "conf", "tests")
TABLE_SUFFIXES = (".csv",)


def is_table(path: str) -> bool:
    """Return True for a CSV file or a folder of them (a path without a suffix)."""
    top = path.split("/", 1)[0]
    if top in NOT_TABLES or path in PROTECTED_FILES:
        return False
    suffix = posixpath.splitext(path.rstrip("/"))[1].lower()
    return suffix in TABLE_SUFFIXES or suffix == ""


def _check_after_tables(after: str | None, after_outs: list[str]) -> None:
    if after is None or any(is_table(path) for path in after_outs):
        return
    raise UsageError(
        f"--after {after}: its outputs ({', '.join(after_outs)}) are reports or models, not "
        "tables (CSV files or folders of them) a stage can read; name the tables it reads "
        "with -d PATH instead"
    )


def _check_one_output(inputs: list[str], outs: list[str]) -> None:
    if len(inputs) < 2 or len(outs) != 1 or not posixpath.splitext(outs[0])[1]:
        return
    folder = posixpath.splitext(outs[0])[0]
    raise UsageError(
        f"{len(inputs)} input tables ({', '.join(inputs)}) and one -o {outs[0]}: stacking "
        f"them into one file would mix them; give one -o per input, or a folder (-o {folder}) "
        "for one file per input, or -d only the table the stage reads"
    )


def _dvc_body(
    spec: StageSpec, outs: list[str], metrics: list[str], params: list[str]
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cmd": f"python -m {spec.module}.stages.{spec.name}",
        "deps": spec.deps,
        "params": params,
    }
    if outs:
        body["outs"] = outs
    if metrics:
        body["metrics"] = [{path: {"cache": False}} for path in metrics]
    return body


def _schema(sources: list[tuple[str, dict[str, Any], Any]]) -> Any:
    """Return the schema of the first known input (as an alias when it is anchored)."""
    for _, entry, node in sources:
        schema = entry.get("schema")
        if schema:
            anchor = anchor_of(node)
            return Alias(anchor, schema) if anchor else schema
    return {"columns": {}, "note": "list the columns this stage writes"}


def _catalog_entries(
    files: ProjectFiles, spec: StageSpec, force: bool
) -> dict[str, dict[str, Any]]:
    entries = files.catalog.entries()
    mine = files.catalog.produced_by(spec.name) if force else []
    taken = {key for key in entries if key not in mine}
    known = files.catalog.by_path()
    author = str(files.project.answers.get("author_name") or "unknown")
    new: dict[str, dict[str, Any]] = {}
    for table in spec.tables:
        if not data_outputs([table.output_path]):
            continue
        sources = [known[path] for path in table.input_paths if path in known]
        origin = [known[path][0] if path in known else path for path in table.input_paths]
        first = sources[0][1] if sources else {}
        name = entry_name(table.output_path, spec.name, taken | set(new))
        made_from = f" from {', '.join(origin)}" if origin else ""
        new[name] = {
            "path": table.output_path,
            "description": f"Made by the {spec.name} stage{made_from}; say what it holds.",
            "source": ", ".join(origin) if origin else f"the {spec.name} stage",
            "owner": first.get("owner") or author,
            "license": first.get("license") or "unknown: set the licence of this data",
            "produced_by": spec.name,
            "schema": _schema(sources),
        }
    return new


def plan_add_stage(request: AddRequest) -> Plan:
    """Check the request against the project and prepare every file change.

    Nothing is written; the plan is refused (UsageError) on any problem.
    """
    name = check_stage_name(request.name)
    project = load_project(request.start)
    settle_interrupted(project.root, dry_run=request.dry_run)
    files = read_project_files(project)
    _check_name_free(files, name, request.force)
    after_outs = _after_outputs(files, name, request.after)
    user_deps = [check_project_path(path, "-d") for path in request.deps]
    outs = _unique([check_project_path(path, "-o") for path in request.outs])
    metrics = _unique([check_project_path(path, "-m") for path in request.metrics])
    module_path = stage_module_path(project, name)
    _check_after_tables(request.after, after_outs)
    # Every table the stage reads goes to its config, wherever it lives (data/ or not).
    data_deps = _unique([path for path in after_outs + user_deps if is_table(path)])
    deps = _unique([module_path, *after_outs, *user_deps])
    if not outs:
        outs = _default_outputs(name, data_deps)
    _check_outputs(files, name, outs + metrics, deps)
    if len(outs) > 1 and len(outs) != len(data_deps):
        raise UsageError(
            f"{len(outs)} outputs for {len(data_deps)} input tables: give one -o per input, "
            "or one folder -o for one file per input"
        )
    _check_one_output(data_deps, outs)
    _check_deps(files, name, user_deps)
    params = _check_params(files, name, request.params)
    spec = StageSpec(
        name=name,
        module=project.module,
        project_name=str(project.answers.get("project_name") or project.module),
        inputs=data_deps,
        outputs=outs,
        metrics=metrics,
        deps=deps,
        params=params,
        after=request.after,
        tables=plan_tables(data_deps, outs),
    )
    scaffold = render_scaffold(project, spec)
    config_label = f"{stage_config_dir(name)}/default.yaml"
    values = resolve_interpolations(
        scaffold.config_values, {**files.params.plain, name: scaffold.config_values}, config_label
    )

    after_groups = [request.after] if request.after else files.dvc.stage_names()
    hydra_text = defaults_with_group(files.hydra, name, after_groups)
    # params.yaml keeps the order Hydra composes in: the new section follows the group
    # whose defaults entry the new one follows.
    groups = files.hydra.groups()
    if name in groups:
        groups = groups[: groups.index(name)]
    else:
        groups = groups[: insertion_index(files.hydra, after_groups) + 1]
    previous = next((g for g in reversed(groups) if g in files.params.data), None)
    catalog_entries = _catalog_entries(files, spec, request.force)
    catalog = files.catalog
    if request.force:
        stale = [key for key in catalog.produced_by(name) if key not in catalog_entries]
        catalog = parse_catalog(without_entries(catalog, stale).to_bytes(), CATALOG)

    body = _dvc_body(spec, outs, metrics, params)
    catalog_text = with_entries(catalog, catalog_entries) if catalog_entries else catalog.text
    changes = [
        new_file(project, module_path, scaffold.module_source),
        new_file(project, config_label, scaffold.config_source),
        new_file(project, stage_test_path(name), scaffold.test_source),
        files.change(DVC_YAML, with_stage(files.dvc, name, body, request.after)),
        files.change(HYDRA_ROOT, hydra_text),
        files.change(PARAMS, params_with_section(files.params, name, values, previous)),
        files.change(CATALOG, catalog_text),
    ]
    notes = [f"Next: edit {module_path} and {config_label}, then `dvc repro {name}`."]
    return Plan(project, [c for c in changes if c is not None and c.before != c.after], notes)
