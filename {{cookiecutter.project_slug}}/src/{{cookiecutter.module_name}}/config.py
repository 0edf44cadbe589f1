"""Load the pipeline configuration and keep params.yaml in step with conf/.

conf/ (Hydra) is the source; params.yaml is its composed snapshot, which DVC tracks and the
stages read. Running this module (`make params`) rewrites params.yaml after an edit to
conf/; `--check` only reports whether it is current. Extra `key=value` arguments are Hydra
overrides, as with `dvc exp run --set-param`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

CONFIG_DIR = "conf"
CONFIG_NAME = "config"
PARAMS_FILE = "params.yaml"
REFRESH_COMMAND = f"python -m {__package__}.config"


def project_root(start: Path | None = None) -> Path:
    """Return the nearest folder at or above `start` (default: cwd) holding conf/config.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_DIR / f"{CONFIG_NAME}.yaml").is_file():
            return folder
    raise FileNotFoundError(
        f"no {CONFIG_DIR}/{CONFIG_NAME}.yaml in {here} or above; run from the project folder"
    )


def compose_config(overrides: Sequence[str] = (), root: Path | None = None) -> DictConfig:
    """Compose conf/ with Hydra (no output folders, no logging set-up) and resolve it."""
    from hydra import compose, initialize_config_dir

    config_dir = (root or project_root()) / CONFIG_DIR
    with initialize_config_dir(config_dir=str(config_dir), version_base="1.3"):
        cfg = compose(config_name=CONFIG_NAME, overrides=list(overrides))
    OmegaConf.resolve(cfg)
    return cfg


def load_config(overrides: Sequence[str] | None = None, root: Path | None = None) -> DictConfig:
    """Return the configuration a stage runs with.

    Without overrides this is params.yaml, exactly what DVC tracks; with overrides
    (`model=random_forest`, `train.cv_folds=3`) conf/ is composed with them.
    """
    root = root or project_root()
    params = root / PARAMS_FILE
    if not overrides and params.is_file():
        cfg = OmegaConf.load(params)
        if not isinstance(cfg, DictConfig):
            raise ValueError(f"{params} does not hold a mapping; run `{REFRESH_COMMAND}`")
        return cfg
    return compose_config(overrides or (), root)


def render_params(cfg: DictConfig) -> str:
    """Return params.yaml's text for `cfg`, as DVC's Hydra integration writes it."""
    return OmegaConf.to_yaml(cfg)


def params_are_current(root: Path | None = None) -> bool:
    """Return whether params.yaml holds the same values as the composition of conf/."""
    root = root or project_root()
    params = root / PARAMS_FILE
    if not params.is_file():
        return False
    written = OmegaConf.to_container(OmegaConf.load(params), resolve=False)
    return written == OmegaConf.to_container(compose_config((), root), resolve=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with `--check`, verify) params.yaml from conf/."""
    parser = argparse.ArgumentParser(
        prog=REFRESH_COMMAND, description="Write params.yaml from the Hydra config."
    )
    parser.add_argument("--check", action="store_true", help="only check that it is current")
    parser.add_argument(
        "--stamp",
        type=Path,
        help="with --check: write this file when current (the pipeline's first output)",
    )
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="Hydra overrides")
    args = parser.parse_args(argv)
    root = project_root()
    if args.check:
        if params_are_current(root):
            if args.stamp:
                args.stamp.parent.mkdir(parents=True, exist_ok=True)
                args.stamp.write_text(f"{PARAMS_FILE} matches {CONFIG_DIR}/\n", encoding="utf-8")
            return 0
        print(
            f"{PARAMS_FILE} is stale: {CONFIG_DIR}/ changed since it was written; run "
            f"`make repro` (refreshes it, then the pipeline) or `make params` ({REFRESH_COMMAND})",
            file=sys.stderr,
        )
        return 1
    (root / PARAMS_FILE).write_text(
        render_params(compose_config(args.overrides, root)), encoding="utf-8"
    )
    print(f"wrote {PARAMS_FILE} from {CONFIG_DIR}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
