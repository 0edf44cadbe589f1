"""Wall time of `mlops-kit add-stage` on a baked project, next to `dvc stage add`.

`dvc stage add` only writes the dvc.yaml entry; add-stage also renders the module, the
config, the test and edits four YAML files. Both writing commands run in a fresh scratch
copy of the project each time (the copy is not timed).

Usage: python benchmarks/add_stage_speed.py [RUNS]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from timing import BIN, report, wall_times

DVC_STAGE_ADD = [
    "stage", "add", "-n", "featurize",
    "-d", "src/wine_classifier/stages/featurize.py",
    "-d", "data/raw/wine.csv", "-d", "data/processed/train.csv", "-d", "data/processed/test.csv",
    "-p", "featurize",
    "-o", "data/featurize/wine.csv", "-o", "data/featurize/train.csv",
    "-o", "data/featurize/test.csv",
    "python -m wine_classifier.stages.featurize",
]  # fmt: skip


def check(command: Sequence[str], cwd: Path) -> None:
    """Run a command once and stop the benchmark if it fails (a failing run times nothing)."""
    env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
    result = subprocess.run(list(command), cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    os.environ["DVC_NO_ANALYTICS"] = "1"
    from mlops_kit.new import bake_new_project

    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        project = bake_new_project([], output_dir=scratch / "baked", no_input=True)
        copy = scratch / "copy"

        def fresh_copy() -> None:
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(project, copy, symlinks=True)

        kit = str(BIN / "mlops-kit")
        dry_run = [kit, "add-stage", "featurize", "--after", "prepare", "--dry-run"]
        write = [kit, "add-stage", "featurize", "--after", "prepare"]
        dvc = [str(BIN / "dvc"), *DVC_STAGE_ADD]
        for command in (dry_run, write, dvc):
            fresh_copy()
            check(command, copy)

        print(f"# add-stage on a baked project ({runs} runs each)")
        report("python -c pass", wall_times([sys.executable, "-c", "pass"], runs))
        report("mlops-kit add-stage --dry-run", wall_times(dry_run, runs, cwd=project))
        report("mlops-kit add-stage (writes 7 files)", wall_times(write, runs, copy, fresh_copy))
        report("dvc stage add (writes dvc.yaml)", wall_times(dvc, runs, copy, fresh_copy))


if __name__ == "__main__":
    main()
