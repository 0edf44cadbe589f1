"""Write the project report: `python -m <package>.report [--against REV] [--output PATH]`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from ..config import load_config, project_root
from .page import Section, render_page
from .pipeline import Pipeline, load_pipeline
from .registry import read_store
from .sections import (
    card_section,
    catalog_section,
    header_facts,
    load_catalog,
    metrics_section,
    model_section,
    monitoring_section,
    pipeline_section,
    project_title,
    quality_section,
)
from .sources import pick_baseline

OUTPUT = Path("reports/site/index.html")


def build_report(
    root: Path, cfg: DictConfig, output: Path, against: str | None = None
) -> tuple[str, list[str]]:
    """Return the report page for the project at `root` (to be written at `output`) and
    the sentences saying what it could not show."""
    from ..tracking import tracking_uri

    pipeline = load_pipeline(root)
    catalog = load_catalog(root)
    watched = (
        [p for s in pipeline.stages for p in (*s.metrics, *s.plots)]
        if isinstance(pipeline, Pipeline)
        else []
    )
    baseline = pick_baseline(root, against, watched)
    registers = OmegaConf.select(cfg, "evaluate.registered_model_name", default=None)
    model_name = str(registers or OmegaConf.select(cfg, "tracking.experiment", default="model"))
    store = read_store(tracking_uri(cfg), str(cfg.tracking.experiment), model_name, root)
    sections: list[Section] = [
        pipeline_section(pipeline, catalog if isinstance(catalog, dict) else {}, cfg),
        catalog_section(root, catalog, pipeline),
        quality_section(root, cfg, output.parent),
        model_section(store, registers is not None),
        metrics_section(root, pipeline, baseline),
        card_section(root, cfg, store, catalog),
        monitoring_section(root, cfg, output.parent),
    ]
    title, description = project_title(root)
    page = render_page(f"{title}: project report", description, header_facts(root), sections)
    return page, [sentence for section in sections for sentence in section.missing]


def write_atomically(path: Path, text: str) -> None:
    """Write `path` through a temporary file, so a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
    mask = os.umask(0)
    os.umask(mask)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~mask)  # readable like any file, not mkstemp's 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Build the report and say where it is and what it could not show."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description="Write the project report: one static page, no network needed.",
    )
    parser.add_argument(
        "--against",
        metavar="REV",
        help="branch, tag or commit to compare metrics and plots with "
        "(default: HEAD, or the commit before when HEAD holds the same results)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    try:
        root = project_root()
        cfg = load_config(root=root)
    except (FileNotFoundError, ValueError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    output = args.output if args.output.is_absolute() else root / args.output
    if not args.output.is_absolute() and not output.parent.resolve().is_relative_to(root.resolve()):
        print(
            f"Error: {output.parent} leads out of the project (a symbolic link); "
            "remove the link or pick --output",
            file=sys.stderr,
        )
        return 1
    if output.is_symlink() or output.is_dir():
        print(
            f"Error: {output} is a symlink or a folder; remove it or pick --output", file=sys.stderr
        )
        return 1
    os.environ.setdefault("MPLBACKEND", "Agg")
    page, missing = build_report(root, cfg, output, args.against)
    try:
        write_atomically(output, page)
    except OSError as error:
        print(f"Error: cannot write {output} ({error.strerror})", file=sys.stderr)
        return 1
    where = os.path.relpath(output)
    print(f"report: {where} ({len(page.encode()) // 1024} KB); open it in a browser")
    for sentence in missing:
        print(f"  not shown: {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
