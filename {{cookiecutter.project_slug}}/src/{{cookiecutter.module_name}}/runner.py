"""Command-line plumbing shared by the stages: arguments, config, errors, exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from omegaconf import DictConfig

from .config import load_config, project_root


class StageError(Exception):
    """An expected failure (bad data, a failed gate, an unreachable server): one clear line."""


def _command() -> str | None:
    """Return `python -m <module>` for the module run as __main__, for --help."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return f"python -m {spec.name}" if spec is not None else None


def stage_config(description: str | None, argv: Sequence[str] | None) -> DictConfig:
    """Parse `KEY=VALUE` overrides, move to the project root and load the configuration.

    Paths in the configuration are relative to the project root, so the stage runs there
    wherever it is started from.
    """
    parser = argparse.ArgumentParser(
        prog=_command(),
        description=description.strip().splitlines()[0] if description else None,
        epilog="Without overrides the stage reads params.yaml (what DVC tracks); with "
        "overrides it composes conf/ with them, e.g. model=random_forest.",
    )
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="Hydra overrides")
    args = parser.parse_args(argv)
    root = project_root()
    os.chdir(root)
    return load_config(args.overrides, root)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn expected failures into `Error: ...` on stderr and exit code 1, no traceback."""
    try:
        yield
    except StageError as error:
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(1)
    except FileNotFoundError as error:
        if error.filename is None:
            print(f"Error: {error}", file=sys.stderr)
        else:
            print(
                f"Error: {error.filename} not found; run the earlier stages first (dvc repro)",
                file=sys.stderr,
            )
        sys.exit(1)
