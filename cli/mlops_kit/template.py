"""Find the template bundled with the kit and read its version."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from mlops_kit.errors import UsageError

_PACKAGE = Path(__file__).resolve().parent


@cache
def template_dir() -> Path:
    """Return the folder holding cookiecutter.json, hooks/ and the project template.

    An installed wheel carries it as `mlops_kit/template`; a source checkout (editable
    install) uses the repository root, where `cookiecutter <repo>` finds it too.
    """
    for candidate in (_PACKAGE / "template", _PACKAGE.parent.parent):
        if (candidate / "cookiecutter.json").is_file() and (candidate / "hooks").is_dir():
            return candidate
    raise UsageError("the bundled template is missing; reinstall mlops-kit", 1)


def template_version() -> str:
    """Return the version the bundled template stamps into the projects it bakes."""
    data = json.loads((template_dir() / "cookiecutter.json").read_text(encoding="utf-8"))
    return str(data["_template_version"])
