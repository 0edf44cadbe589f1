"""Wall time of `mlops-kit update`, next to a plain bake (`mlops-kit new`) for scale.

A project is baked from an older template (the fixture of tests/update/oldtemplate.py)
and updated to the kit's template: once untouched (a clean merge: every template change
applied), once with a few team edits that conflict (README line, a deleted file the
template changed, a changed stage). Each update runs in a fresh copy of the project (the
copy is not timed). Also timed: `update --check` (CI) and `update` on a current project.

Usage: python benchmarks/update_speed.py [RUNS]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import BIN, REPO_ROOT, report, wall_times

sys.path.insert(0, str(REPO_ROOT / "tests"))
from update.oldtemplate import build_old_template

KIT = str(BIN / "mlops-kit")


def git(project: Path, *args: str) -> None:
    """Run git in the project; stop the benchmark when it fails."""
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)


def team_edits(project: Path) -> None:
    """Edits that conflict with the template's changes, committed."""
    readme = project / "README.md"
    readme.write_text(
        readme.read_text().replace("or newer. From a fresh clone:", "or newer, 4 GB RAM.")
    )
    (project / "notebooks/README.md").unlink()
    prepare = project / "src/wine_classifier/stages/prepare.py"
    prepare.write_text(prepare.read_text().replace('print(f"prepare: ', 'print(f"prepare+: '))
    git(project, "add", "-A")
    git(project, "commit", "-qm", "team edits")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    os.environ.setdefault("DVC_NO_ANALYTICS", "1")
    from mlops_kit.new import bake_new_project

    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        old = build_old_template(scratch / "old-template")
        clean = bake_new_project([], output_dir=scratch / "clean", no_input=True, template=old)
        edited = bake_new_project([], output_dir=scratch / "edited", no_input=True, template=old)
        team_edits(edited)
        current = bake_new_project([], output_dir=scratch / "current", no_input=True)
        work = scratch / "work" / "wine_classifier"

        def fresh(source: Path) -> None:
            shutil.rmtree(work.parent, ignore_errors=True)
            work.parent.mkdir()
            shutil.copytree(source, work, symlinks=True)

        new_dir = scratch / "new"

        def clear_new() -> None:
            shutil.rmtree(new_dir, ignore_errors=True)

        report(
            "mlops-kit new --no-input (one bake, for scale)",
            wall_times([KIT, "new", "--no-input", "-o", str(new_dir)], runs, None, clear_new),
        )
        report(
            "update --check (behind)",
            wall_times([KIT, "update", "--check", "--repo", str(clean)], runs),
        )
        report(
            "update, current project (nothing to merge)",
            wall_times([KIT, "update", "--repo", str(current)], runs),
        )
        report(
            "update, untouched old bake (clean merge)",
            wall_times([KIT, "update", "--repo", str(work)], runs, None, lambda: fresh(clean)),
        )
        report(
            "update, team edits (3 edits, 2 conflicts)",
            wall_times([KIT, "update", "--repo", str(work)], runs, None, lambda: fresh(edited)),
        )
        report(
            "update --diff, untouched old bake",
            wall_times([KIT, "update", "--diff", "--repo", str(clean)], runs),
        )


if __name__ == "__main__":
    main()
