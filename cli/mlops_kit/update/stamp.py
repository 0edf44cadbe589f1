"""The project's stamp: `[tool.mlops-kit]` template-version and answers in pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mlops_kit.errors import UsageError

PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class Stamp:
    """Which template version a project follows, with the answers it was baked with."""

    version: str
    answers: dict[str, str]


def version_tuple(version: str) -> tuple[int, ...] | None:
    """`1.2.3` -> (1, 2, 3); None when it is not a dotted number."""
    match = re.fullmatch(r"v?(\d+(?:\.\d+)*)", version.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def parse_stamp(text: str) -> Stamp | None:
    """Return the stamp held in pyproject.toml's text, or None when there is none."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    tool = data.get("tool")
    table = tool.get("mlops-kit") if isinstance(tool, dict) else None
    if not isinstance(table, dict) or not isinstance(table.get("template-version"), str):
        return None
    raw = table.get("answers")
    answers = raw if isinstance(raw, dict) else {}
    return Stamp(
        version=table["template-version"],
        answers={str(k): str(v) for k, v in answers.items() if not isinstance(v, dict | list)},
    )


def read_stamp(root: Path) -> Stamp:
    """Return the project's stamp, or refuse with the command that adds one."""
    path = root / PYPROJECT
    if path.is_symlink() or not path.is_file():
        raise UsageError(f"{root} has no pyproject.toml; run `mlops-kit adopt` first")
    try:
        text = path.read_text(encoding="utf-8")
        tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"pyproject.toml cannot be read ({error}); fix it first") from None
    stamp = parse_stamp(text)
    if stamp is None:
        raise UsageError(
            "pyproject.toml has no [tool.mlops-kit] template-version: this project was not "
            "baked or adopted by mlops-kit; run `mlops-kit adopt` first"
        )
    if version_tuple(stamp.version) is None:
        raise UsageError(
            f"pyproject.toml: template-version {stamp.version!r} is not a version number"
        )
    return stamp
