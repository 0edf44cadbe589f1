"""Read and parse, once, the project files a stage lives in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from mlops_kit.edits import FileChange, check_path
from mlops_kit.errors import UsageError
from mlops_kit.stages.catalog import Catalog, parse_catalog
from mlops_kit.stages.dvcfile import DvcFile, parse_dvc_file
from mlops_kit.stages.hydra_conf import HydraRoot, Params, parse_hydra_root, parse_params
from mlops_kit.stages.project import Project
from mlops_kit.stages.reading import read_limited
from mlops_kit.stages.yamltext import YamlText

DVC_YAML = "dvc.yaml"
DVC_LOCK = "dvc.lock"
HYDRA_ROOT = "conf/config.yaml"
PARAMS = "params.yaml"
CATALOG = "data/catalog.yaml"


def stage_module_path(project: Project, name: str) -> str:
    """Return where a stage's module lives, relative to the root."""
    return f"{project.stages_package}/{name}.py"


def stage_config_dir(name: str) -> str:
    """Return a stage's config group folder, relative to the root."""
    return f"conf/{name}"


def stage_test_path(name: str) -> str:
    """Return a stage's test module, relative to the root."""
    return f"tests/test_{name}.py"


@dataclass
class ProjectFiles:
    """The parsed files plus their bytes as read, so changes can be checked against them."""

    project: Project
    dvc: DvcFile
    hydra: HydraRoot
    params: Params
    catalog: Catalog
    lock: DvcFile | None
    raw: dict[str, bytes] = field(default_factory=dict)

    def change(self, relative: str, edited: YamlText) -> FileChange | None:
        """Return the change that writes `edited` over a file read here (None if equal)."""
        before = self.raw[relative]
        after = edited.to_bytes()
        if after == before:
            return None
        return FileChange(self.project.path(relative), before, after)


def _read(project: Project, relative: str) -> bytes:
    return read_limited(project.path(relative), relative)


def read_optional(project: Project, relative: str) -> bytes | None:
    """Return a project file's bytes (bounded), or None when there is none."""
    path = project.path(relative)
    if not os.path.lexists(path):
        return None
    return read_limited(path, relative)


def read_project_files(project: Project, *, with_lock: bool = False) -> ProjectFiles:
    """Read and parse dvc.yaml, conf/config.yaml, params.yaml, the catalog (and dvc.lock)."""
    raw = {name: _read(project, name) for name in (DVC_YAML, HYDRA_ROOT, PARAMS, CATALOG)}
    lock = None
    lock_bytes = read_optional(project, DVC_LOCK) if with_lock else None
    if lock_bytes is not None:
        raw[DVC_LOCK] = lock_bytes
        lock = parse_dvc_file(lock_bytes, DVC_LOCK, lock_file=True)
    return ProjectFiles(
        project=project,
        dvc=parse_dvc_file(raw[DVC_YAML], DVC_YAML),
        hydra=parse_hydra_root(raw[HYDRA_ROOT], HYDRA_ROOT),
        params=parse_params(raw[PARAMS], PARAMS),
        catalog=parse_catalog(raw[CATALOG], CATALOG),
        lock=lock,
        raw=raw,
    )


def new_file(project: Project, relative: str, content: str) -> FileChange:
    """Return the change that writes `content` to a (new or replaced) file.

    The path policy is applied here already, so a symlinked or odd file is refused
    before anything else is prepared (and again when the change is applied).
    """
    path = project.path(relative)
    if path.is_dir() and not path.is_symlink():
        raise UsageError(f"{relative} is a folder; cannot write the stage's file there")
    check_path(path, project.root)
    return FileChange(path, read_optional(project, relative), content.encode("utf-8"))


def existing_pieces(files: ProjectFiles, name: str) -> list[str]:
    """Return where a stage of this name already exists (dvc.yaml, conf/, src/, tests/)."""
    project = files.project
    found = []
    if name in files.dvc.stage_names():
        found.append(f"{DVC_YAML} (stage {name!r})")
    if name in files.hydra.groups():
        found.append(f"{HYDRA_ROOT} (defaults entry {name!r})")
    if name in files.params.data:
        found.append(f"{PARAMS} (key {name!r})")
    for relative in (
        stage_config_dir(name),
        stage_module_path(project, name),
        stage_test_path(name),
    ):
        path = project.root / relative
        if path.exists() or path.is_symlink():
            found.append(relative)
    return found
