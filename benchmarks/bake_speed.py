"""Bake time of `mlops-kit new --no-input` and `cookiecutter --no-input`, and CLI start-up.

Usage: python benchmarks/bake_speed.py [RUNS]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from timing import BIN, REPO_ROOT, report, wall_times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    print(f"# bake and start-up ({runs} runs each)")
    report("python -c pass", wall_times([sys.executable, "-c", "pass"], runs))
    report("python -c 'import typer'", wall_times([sys.executable, "-c", "import typer"], runs))
    report("mlops-kit --help", wall_times([str(BIN / "mlops-kit"), "--help"], runs))
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"

        def clean() -> None:
            shutil.rmtree(out, ignore_errors=True)

        kit = [str(BIN / "mlops-kit"), "new", "--no-input", "-o", str(out)]
        report("mlops-kit new --no-input", wall_times(kit, runs, before_each=clean))
        cc = [str(BIN / "cookiecutter"), "--no-input", str(REPO_ROOT), "-o", str(out)]
        report("cookiecutter --no-input", wall_times(cc, runs, before_each=clean))


if __name__ == "__main__":
    main()
