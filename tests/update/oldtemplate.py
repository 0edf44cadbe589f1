"""Build an older version of the kit's template from the current one, as a test fixture.

The old version differs the way real template releases do: a reworded line, a file that
was renamed, one that was removed, one that was added, a module whose docstring changed.
`mlops-kit update` from it to the current template must undo exactly these differences.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import REPO_ROOT

OLD_VERSION = "0.0.9"
SLUG = "{{cookiecutter.project_slug}}"
MODULE = "{{cookiecutter.module_name}}"

README_LINE_NEW = "+, git and make. From a fresh clone:"
README_LINE_OLD = " or newer. From a fresh clone:"
NOTEBOOKS_NEW = "Exploration lives here; anything the pipeline needs moves into `src/` and a stage."
NOTEBOOKS_OLD = "Exploration lives here; move what the pipeline needs into `src/`."
WRITE_CSV_NEW = '"""Write `frame` without its index, creating the folder if needed."""'
WRITE_CSV_OLD = '"""Write `frame` to `path` without its index."""'
REMOVED_FILE = "CONTRIBUTING.md"
RENAMED_FROM = "deploy/NOTES.md"
RENAMED_TO = "deploy/README.md"
ADDED_FILE = "models/README.md"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_old_template(target: Path) -> Path:
    """Write template version OLD_VERSION into `target`; return it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("cookiecutter.json", "local_extensions.py"):
        shutil.copy2(REPO_ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO_ROOT / "hooks", target / "hooks", ignore=ignore)
    shutil.copytree(REPO_ROOT / SLUG, target / SLUG, ignore=ignore)
    config = json.loads((target / "cookiecutter.json").read_text(encoding="utf-8"))
    config["_template_version"] = OLD_VERSION
    (target / "cookiecutter.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    project = target / SLUG
    _replace(project / "README.md", README_LINE_NEW, README_LINE_OLD)
    _replace(project / "notebooks/README.md", NOTEBOOKS_NEW, NOTEBOOKS_OLD)
    _replace(project / "src" / MODULE / "stages/prepare.py", WRITE_CSV_NEW, WRITE_CSV_OLD)
    (project / RENAMED_TO).rename(project / RENAMED_FROM)
    (project / ADDED_FILE).unlink()
    (project / REMOVED_FILE).write_text(
        "# Contributing\n\nOpen a merge request; CI must pass.\n", encoding="utf-8"
    )
    return target
