"""Time `make report` on the default bake, weigh the page, and screenshot it.

Bakes the default project into a temp folder, runs its pipeline (`dvc repro`), then times
`make report` and saves a screenshot of the page (headless Chromium) as out/report.png.

Usage: python benchmarks/report_speed.py [RUNS]
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import BIN, REPO_ROOT, report, wall_times

SCREENSHOT = REPO_ROOT / "out" / "report.png"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [str(BIN / "mlops-kit"), "new", "--no-input", "-o", scratch],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        project = Path(scratch) / "wine_classifier"
        # The project's code from its own src/ (no install); tools from this environment.
        os.environ["PYTHONPATH"] = str(project / "src")
        os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
        env = {**os.environ, "DVC_NO_ANALYTICS": "1", "MLFLOW_DISABLE_TELEMETRY": "true"}
        subprocess.run(["dvc", "repro"], cwd=project, env=env, check=True, capture_output=True)
        print(f"# make report on the default bake after dvc repro ({runs} runs)")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        report("make report", wall_times(["make", "report"], runs, cwd=project))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / runs
        # On a shared machine wall time swings with the load; CPU time does much less.
        print(f"make report CPU time (user + system), mean: {cpu * 1000:.0f} ms")
        page = project / "reports" / "site" / "index.html"
        print(f"page weight: {page.stat().st_size / 1024:.0f} KB (one file, nothing else loaded)")
        chromium = shutil.which("chromium")
        if chromium is None:
            print("no screenshot: install Chromium (apt-get install -y chromium)")
            return
        SCREENSHOT.parent.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    f"--user-data-dir={profile}",
                    "--host-resolver-rules=MAP * ~NOTFOUND",
                    f"--screenshot={SCREENSHOT}",
                    "--window-size=1400,5200",
                    page.as_uri(),
                ],
                check=True,
                capture_output=True,
            )
        print(f"screenshot: {SCREENSHOT.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
