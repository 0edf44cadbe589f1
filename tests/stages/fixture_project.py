"""The stage tests' fixture project, completed with the template's own kit modules.

The fixture (fixtures/project, module `demo`) holds only what is particular to it: its
config groups, dvc.yaml, catalog and a stub stage or two. The stage runner, config loader
and file helpers that add-stage relies on are rendered from the template's sources each
time, so they are always the template's and can never drift from it.

Used by the stage tests and by benchmarks/kill_loop.py (standard library and Jinja only).
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "project"
MODULE = "demo"
TEMPLATE_PACKAGE = (
    REPO_ROOT / "{{cookiecutter.project_slug}}" / "src" / "{{cookiecutter.module_name}}"
)
KIT_MODULES = ("config.py", "runner.py", "files.py")


def render_kit_module(name: str) -> str:
    """Return the template's `src/<module>/<name>` rendered for the fixture's answers."""
    from jinja2 import Environment, StrictUndefined

    source = (TEMPLATE_PACKAGE / name).read_text(encoding="utf-8")
    environment = Environment(keep_trailing_newline=True, undefined=StrictUndefined)
    answers = {"project_slug": MODULE, "module_name": MODULE, "project_name": "Demo"}
    return environment.from_string(source).render(cookiecutter=answers)


def copy_fixture_project(target: Path) -> Path:
    """Copy the fixture project to `target` with the template's kit modules; return it."""
    shutil.copytree(FIXTURE, target)
    for name in KIT_MODULES:
        path = target / "src" / MODULE / name
        path.write_text(render_kit_module(name), encoding="utf-8")
    return target
