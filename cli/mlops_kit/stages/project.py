"""Find the project a command runs in and the paths add-stage and remove-stage touch."""

from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.reading import read_limited

MARKER_FILES = ("pyproject.toml", "dvc.yaml")


@dataclass(frozen=True)
class Project:
    """A project of the mlops-kit standard: its root, module and answers."""

    root: Path
    module: str
    answers: dict[str, Any]

    def path(self, relative: str) -> Path:
        """Return a path inside the project (not resolved); refuse one that leads out of it.

        The path is returned as written, so the edit layer sees any symlink on the way
        and refuses to write or delete through it (`edits.check_path`); reading may follow
        a link that stays inside the project.
        """
        candidate = self.root / relative
        resolved = resolve_path(candidate, relative)
        if not resolved.is_relative_to(self.root):
            raise UsageError(
                f"{relative} is a symlink that leads out of the project ({resolved}); "
                "refusing to edit through it"
            )
        return candidate

    @property
    def stages_package(self) -> str:
        """Return the folder of the stage modules, relative to the root."""
        return f"src/{self.module}/stages"


def resolve_path(path: Path, label: str) -> Path:
    """Return `path` with every symlink resolved; a symlink loop is refused in one line."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as error:
        reason = getattr(error, "strerror", None) or "a symlink loop"
        raise UsageError(
            f"{label}: cannot be followed ({reason}); fix or remove the link"
        ) from None


def _read_pyproject(path: Path) -> dict[str, Any]:
    raw = read_limited(path, "pyproject.toml")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path.name}: cannot be parsed ({error}); fix it first") from None
    except (RecursionError, MemoryError, ValueError):
        raise UsageError(
            f"{path.name}: nested too deeply or too large to read; fix it first"
        ) from None


def kit_table(pyproject: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """Return `[tool.mlops-kit]` (or `[tool.mlops-kit.<name>]`); refuse one that is not a table."""
    tool = pyproject.get("tool", {})
    if not isinstance(tool, dict):
        raise UsageError("pyproject.toml: `tool` is not a table; fix it first")
    kit = tool.get("mlops-kit", {})
    where = "[tool.mlops-kit]"
    if isinstance(kit, dict) and name is not None:
        kit = kit.get(name, {})
        where = f"[tool.mlops-kit.{name}]"
    if not isinstance(kit, dict):
        kind = "an array of tables" if isinstance(kit, list) else f"a {type(kit).__name__}"
        raise UsageError(
            f"pyproject.toml: {where} is {kind}, not a table; write it as {where} with "
            "key = value lines"
        )
    return kit


def _has_kit_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "[tool.mlops-kit" in text


def find_root(start: Path) -> Path:
    """Return the nearest folder at or above `start` that looks like a project.

    A folder whose pyproject.toml has a `[tool.mlops-kit]` table wins; otherwise the
    nearest one holding dvc.yaml. The search stops at a git repository's top.
    """
    start = resolve_path(start, str(start))
    if not start.exists():
        raise UsageError(f"{start} does not exist")
    if not start.is_dir():
        raise UsageError(f"{start} is not a folder")
    fallback = None
    for folder in [start, *start.parents]:
        if _has_kit_table(folder / "pyproject.toml"):
            return folder
        if fallback is None and (folder / "dvc.yaml").exists():
            fallback = folder
        if (folder / ".git").exists():
            break
    if fallback is not None:
        return fallback
    raise UsageError(
        f"no mlops-kit project at or above {start}: no pyproject.toml with [tool.mlops-kit] "
        "and no dvc.yaml found; run inside a project or pass --repo"
    )


def module_from_poetry(pyproject: dict[str, Any]) -> str | None:
    """Return the package `[tool.poetry] packages` includes from src/, if any."""
    tool = pyproject.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    packages = poetry.get("packages", []) if isinstance(poetry, dict) else []
    for package in packages if isinstance(packages, list) else []:
        if isinstance(package, dict) and package.get("from") == "src":
            include = package.get("include")
            if isinstance(include, str):
                return include
    return None


def _module_from_src(root: Path) -> str | None:
    src = root / "src"
    if not src.is_dir():
        return None
    found = sorted(p.name for p in src.iterdir() if (p / "__init__.py").is_file())
    return found[0] if len(found) == 1 else None


def module_name(root: Path, pyproject: dict[str, Any]) -> str:
    """Return the project's package name under src/.

    Read from `[tool.mlops-kit.answers] module_name`, else `[tool.poetry] packages`,
    else the only package folder in src/.
    """
    name = _module_or_none(root, pyproject)
    if name is None:
        raise UsageError(
            "cannot tell the project's package: set module_name under "
            "[tool.mlops-kit.answers] in pyproject.toml"
        )
    return name


def _module_or_none(root: Path, pyproject: dict[str, Any]) -> str | None:
    answers = kit_table(pyproject, "answers")
    name = answers.get("module_name")
    if not isinstance(name, str):
        name = module_from_poetry(pyproject) or _module_from_src(root)
    if name is None:
        return None
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"pyproject.toml: module_name {name!r} is not a Python package name")
    return name


# What the scaffold of add-stage builds on: every piece `mlops-kit adopt` guarantees.
WANTED_FILES = ("dvc.yaml", "params.yaml", "conf/config.yaml", "data/catalog.yaml")
PACKAGE_FILES = ("runner.py", "config.py", "files.py")
CFG_FIXTURE = re.compile(r"^[ \t]*+def cfg\(", re.MULTILINE)  # `[ \t]`: linear on blank lines


def _missing_parts(root: Path, module: str | None, stamped: bool) -> list[str]:
    missing = [name for name in WANTED_FILES if not (root / name).is_file()]
    if not stamped:
        missing.append("the [tool.mlops-kit] table in pyproject.toml")
    if module is None:
        missing.append("a package under src/")
    else:
        if not (root / "src" / module / "stages").is_dir():
            missing.append(f"src/{module}/stages/")
        missing += [
            f"src/{module}/{name}"
            for name in PACKAGE_FILES
            if not (root / "src" / module / name).is_file()
        ]
    conftest = root / "tests" / "conftest.py"
    try:
        has_fixture = CFG_FIXTURE.search(conftest.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        has_fixture = False
    if not has_fixture:
        missing.append("the `cfg` fixture in tests/conftest.py")
    return missing


def load_project(start: Path) -> Project:
    """Find the project at or above `start` and check it has what stages need.

    Raises:
        UsageError: not inside a project, or the project lacks a required piece (all
            missing pieces are named at once, with the command that adds them).

    """
    root = find_root(start)
    pyproject_path = root / "pyproject.toml"
    pyproject = _read_pyproject(pyproject_path) if pyproject_path.is_file() else {}
    module = _module_or_none(root, pyproject)
    missing = [] if pyproject_path.is_file() else ["pyproject.toml"]
    missing += _missing_parts(root, module, bool(kit_table(pyproject)))
    if missing:
        raise UsageError(
            f"{root} is not an mlops-kit project: missing {', '.join(missing)}; "
            "`mlops-kit adopt` adds them (`mlops-kit adopt --dry-run` shows how)"
        )
    assert module is not None
    return Project(root=root, module=module, answers=dict(kit_table(pyproject, "answers")))
