"""Read a generated project's compose files the way `docker compose --env-file .env` does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; `$$` is a literal `$`.
VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}")


class MissingVariable(Exception):
    """A `${VAR:?message}` variable has no value: compose refuses to start."""


def dotenv(path: Path) -> dict[str, str]:
    """Parse a KEY=VALUE file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            if not sep:
                raise ValueError(f"not KEY=VALUE in {path.name}: {line!r}")
            values[key.strip()] = value.strip()
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    """Substitute variables as docker compose does; raise on a required one that is unset."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name", "op", "arg")
        value = env.get(name)
        if op in (":-", ":?"):
            value = value or None
        if value is not None:
            return value
        if op and op.endswith("?"):
            raise MissingVariable(f"{name}: {arg}")
        return arg if op else ""

    return VARIABLE.sub(substitute, text)


def filled_env(project: Path) -> dict[str, str]:
    """`.env` as a user makes it: the example with every empty password filled in."""
    example = dotenv(project / ".env.example")
    return {key: value or f"secret-for-{key.lower()}" for key, value in example.items()}


def load_compose(project: Path, name: str) -> dict[str, Any]:
    """The compose file `name` (relative to the project), interpolated with `filled_env`."""
    loaded: dict[str, Any] = yaml.safe_load(
        interpolate((project / name).read_text("utf-8"), filled_env(project))
    )
    return loaded
