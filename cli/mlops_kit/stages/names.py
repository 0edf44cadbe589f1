"""Check a stage name and the paths given on the command line before anything is read."""

from __future__ import annotations

import keyword
import ntpath
import posixpath
import re

from mlops_kit.errors import UsageError

STAGE_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Long enough for any sensible name, short enough that generated lines stay within 100.
MAX_NAME_LENGTH = 40
# Names Hydra or the config's own layout give a meaning to.
RESERVED = {"hydra", "defaults", "config", "stages", "self"}


def check_stage_name(name: str) -> str:
    """Return `name` if it can be a stage, a module, a config group and a test name.

    Raises:
        UsageError: the name is empty, too long, has separators, `..`, upper case or
            punctuation, is a Python keyword, or is reserved.

    """
    shown = ascii(name)
    if not name:
        raise UsageError("the stage name is empty; e.g. mlops-kit add-stage featurize")
    if "/" in name or "\\" in name or ".." in name:
        raise UsageError(
            f"stage name {shown} contains a path separator or '..'; use e.g. featurize"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(f"stage name {shown} is longer than {MAX_NAME_LENGTH} characters")
    if STAGE_NAME.fullmatch(name) is None:
        raise UsageError(
            f"stage name {shown} is not a lowercase Python identifier (a-z, 0-9 and _, "
            "starting with a letter); e.g. featurize or build_features"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"stage name {shown} is a Python keyword; pick another name")
    if name in RESERVED:
        raise UsageError(f"stage name {shown} is reserved by the config layout; pick another name")
    return name


def check_project_path(path: str, option: str) -> str:
    """Return a path option's value normalised to a clean project-relative POSIX path.

    Raises:
        UsageError: the path is empty, absolute, leaves the project, or holds a control
            character.

    """
    if not path or not path.strip():
        raise UsageError(f"{option}: empty path")
    if not path.isprintable():
        raise UsageError(f"{option} {path!a}: a path cannot hold control characters")
    cleaned = path.replace("\\", "/")
    # `C:/x`, and `a:b` too (drive A's current folder): on Windows both leave the project.
    if cleaned.startswith("/") or ntpath.splitdrive(cleaned)[0]:
        raise UsageError(f"{option} {path}: use a path relative to the project root")
    normal = posixpath.normpath(cleaned)
    if normal == "." or normal == ".." or normal.startswith("../"):
        raise UsageError(f"{option} {path}: the path leaves the project")
    return normal
