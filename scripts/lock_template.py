"""Write the template's requirements.lock: exact pins of what a baked project installs.

The pins are the versions of the environment the kit's test suite runs in, so a project
installed from its lock gets the stack the template was tested with. Run it after
upgrading the test environment:

    python scripts/lock_template.py            # rewrite the template's lock
    python scripts/lock_template.py --check    # exit 1 if the lock is out of date
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCK = REPO_ROOT / "{{cookiecutter.project_slug}}" / "requirements.lock"
HEADER = """\
# Exact versions of everything this project installs (runtime and dev group), as tested
# together when the project was generated. `make install` installs from this file;
# `make lock` rewrites it from the current environment after an upgrade.
"""


def declared_requirements() -> list[Requirement]:
    """Runtime and dev requirements of the default baked project.

    Options add little on top (an s3 remote adds dvc's s3 extra, which pip then installs
    unpinned next to the lock).
    """
    sys.path.insert(0, str(REPO_ROOT / "cli"))
    from mlops_kit.new import bake_new_project

    with tempfile.TemporaryDirectory() as scratch:
        project = bake_new_project([], Path(scratch), no_input=True)
        pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    names = pyproject["project"]["dependencies"] + pyproject["dependency-groups"]["dev"]
    return [Requirement(name) for name in names]


def closure(roots: list[Requirement]) -> dict[str, str]:
    """Installed name -> version for `roots` and everything they require, here."""
    environment = default_environment()
    pins: dict[str, str] = {}
    pending = [(root, frozenset(root.extras)) for root in roots]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        requirement, extras = pending.pop()
        key = (canonicalize_name(requirement.name), extras)
        if key in seen:
            continue
        seen.add(key)
        distribution = metadata.distribution(requirement.name)
        pins[canonicalize_name(requirement.name)] = distribution.version
        for text in distribution.requires or []:
            child = Requirement(text)
            if child.marker is None or any(
                child.marker.evaluate({**environment, "extra": extra}) for extra in extras or {""}
            ):
                pending.append((child, frozenset(child.extras)))
    return pins


def render(pins: dict[str, str]) -> str:
    """Return the lock file's text: the header, then one sorted `name==version` a line."""
    return HEADER + "".join(f"{name}=={version}\n" for name, version in sorted(pins.items()))


def main() -> int:
    """Rewrite the lock, or with --check report whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    text = render(closure(declared_requirements()))
    if parser.parse_args().check:
        current = LOCK.read_text(encoding="utf-8") if LOCK.exists() else ""
        if current != text:
            print(f"{LOCK} is out of date; run python scripts/lock_template.py", file=sys.stderr)
            return 1
        return 0
    LOCK.write_text(text, encoding="utf-8")
    print(f"wrote {LOCK} ({text.count('==')} pins)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
