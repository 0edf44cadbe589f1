"""Plan `remove-stage`: undo what add-stage wrote, refusing to break other stages."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from mlops_kit.edits import FileChange, check_path, settle_interrupted
from mlops_kit.errors import UsageError
from mlops_kit.stages.catalog import without_entries
from mlops_kit.stages.dvcfile import inside_project, overlaps, without_stage
from mlops_kit.stages.files import (
    CATALOG,
    DVC_LOCK,
    DVC_YAML,
    HYDRA_ROOT,
    PARAMS,
    ProjectFiles,
    read_optional,
    read_project_files,
    stage_config_dir,
    stage_module_path,
    stage_test_path,
)
from mlops_kit.stages.hydra_conf import defaults_without_group, params_without_section
from mlops_kit.stages.names import check_stage_name
from mlops_kit.stages.plan import Plan
from mlops_kit.stages.project import Project, load_project
from mlops_kit.stages.reading import read_limited

DEFAULT_OPTION = "default.yaml"


@dataclass(frozen=True)
class RemoveRequest:
    """What the user asked for on the command line."""

    name: str
    start: Path
    force: bool = False
    dry_run: bool = False


def _dependents(files: ProjectFiles, name: str) -> list[str]:
    outputs = files.dvc.outputs(name)
    problems = []
    for stage in files.dvc.stage_names():
        if stage == name:
            continue
        used = [dep for dep in files.dvc.deps(stage) if any(overlaps(dep, o) for o in outputs)]
        if used:
            problems.append(f"stage {stage!r} depends on its outputs ({', '.join(used)})")
        keys = [k for k in files.dvc.params(stage) if k == name or k.startswith(f"{name}.")]
        if keys:
            problems.append(f"stage {stage!r} reads its params ({', '.join(keys)})")
    return problems


def _config_files(project: Project, name: str, in_pipeline: bool) -> list[Path]:
    folder = project.path(stage_config_dir(name))
    if folder.is_symlink():
        raise UsageError(
            f"{stage_config_dir(name)} is a symbolic link (to {folder.readlink()}); "
            "remove-stage never deletes through links: remove the link by hand "
            f"(`rm {stage_config_dir(name)}` removes the link, not its target)"
        )
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise UsageError(f"{stage_config_dir(name)} is not a folder; remove it by hand")
    entries = sorted(folder.iterdir())
    others = [p.name for p in entries if p.is_symlink() or not p.is_file() or p.suffix != ".yaml"]
    if others:
        raise UsageError(
            f"{stage_config_dir(name)}/ also holds {', '.join(others)}; move them away first"
        )
    if not in_pipeline and [p.name for p in entries] != [DEFAULT_OPTION]:
        raise UsageError(
            f"{stage_config_dir(name)}/ is a config group with options of its own, not a "
            f"leftover of a stage; nothing removed"
        )
    return entries


def _gitignore_changes(project: Project, outputs: list[str]) -> list[FileChange]:
    """Drop the `/name` lines DVC wrote next to each output (as `dvc remove` does)."""
    by_file: dict[str, list[str]] = {}
    for out in outputs:
        parent, base = posixpath.split(out.rstrip("/"))
        by_file.setdefault(posixpath.join(parent, ".gitignore"), []).append(f"/{base}")
    changes = []
    for relative, entries in by_file.items():
        before = read_optional(project, relative)
        if before is None:
            continue
        path = project.path(relative)
        lines = before.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)
        kept = [line for line in lines if line.rstrip("\r\n") not in entries]
        if len(kept) == len(lines):
            continue
        after = "".join(kept).encode("utf-8", errors="surrogateescape")
        changes.append(FileChange(path, before, after if kept else None))
    return changes


def plan_remove_stage(request: RemoveRequest) -> Plan:
    """Check the request and prepare the removal of every piece of the stage.

    Nothing is written; the plan is refused (UsageError) on any problem.
    """
    name = check_stage_name(request.name)
    project = load_project(request.start)
    settle_interrupted(project.root, dry_run=request.dry_run)
    files = read_project_files(project, with_lock=True)
    in_pipeline = name in files.dvc.stage_names()
    if not in_pipeline and not request.force:
        known = ", ".join(files.dvc.stage_names()) or "none"
        raise UsageError(
            f"no stage {name!r} in dvc.yaml (stages: {known}); pass --force to remove the "
            "files a stage of that name left behind"
        )
    problems = _dependents(files, name) if in_pipeline else []
    if problems and not request.force:
        raise UsageError(f"{'; '.join(problems)}; remove that first or pass --force")
    outputs = files.dvc.outputs(name) if in_pipeline else []

    changes: list[FileChange | None] = []
    for relative in (stage_module_path(project, name), stage_test_path(name)):
        path = project.path(relative)
        if os.path.lexists(path):
            check_path(path, project.root, deleting=True)
            changes.append(FileChange(path, read_optional(project, relative), None))
    config_files = _config_files(project, name, in_pipeline)
    for path in config_files:
        label = f"{stage_config_dir(name)}/{path.name}"
        check_path(path, project.root, deleting=True)
        changes.append(FileChange(path, read_limited(path, label), None, prune_empty_parent=True))
    if in_pipeline or config_files:
        changes.append(files.change(HYDRA_ROOT, defaults_without_group(files.hydra, name)))
        changes.append(files.change(PARAMS, params_without_section(files.params, name)))
    if in_pipeline:
        changes.append(files.change(DVC_YAML, without_stage(files.dvc, name)))
    if files.lock is not None and name in files.lock.stage_names():
        changes.append(files.change(DVC_LOCK, without_stage(files.lock, name)))
    produced = files.catalog.produced_by(name)
    if produced:
        changes.append(files.change(CATALOG, without_entries(files.catalog, produced)))
    outs = files.dvc.outputs(name, ("outs",)) if in_pipeline else []
    changes += _gitignore_changes(project, [out for out in outs if inside_project(out)])
    planned = [change for change in changes if change is not None]
    if not planned:
        raise UsageError(f"nothing of a stage {name!r} found in the project; nothing to remove")
    notes = []
    if outputs:
        notes.append(f"Its outputs were left on disk: {', '.join(outputs)}.")
    return Plan(project, planned, notes)
