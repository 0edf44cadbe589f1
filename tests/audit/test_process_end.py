"""The console script ends at once after an audit: nothing it writes is lost on the way."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from audit.support import write
from mlops_kit import console
from mlops_kit.app import app
from typer.testing import CliRunner

# Writes more than a pipe holds (64 KB) to stdout and stderr, then asks to end.
WRITER = """
import io, sys
from mlops_kit import console
if sys.argv[1] != "library":
    console.started_by_entry_point()
if sys.argv[1] == "lost":
    class Gone(io.StringIO):  # the reader went away (`| head`): flushing fails
        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")
    sys.stdout = Gone()
else:
    sys.stdout.write("o" * 200_000)
    sys.stderr.write("e" * 100_000)
console.end_process(3)
sys.stderr.write("returned")
"""


def test_in_process_callers_get_a_normal_return() -> None:
    assert console.end_process(5) is None  # tests and CliRunner are never ended


def test_the_entry_point_ends_with_all_output_written() -> None:
    for mode, code, tail in (("entry", 3, ""), ("library", 0, "returned")):
        done = subprocess.run(
            [sys.executable, "-c", WRITER, mode],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == code
        assert done.stdout == "o" * 200_000
        assert done.stderr == "e" * 100_000 + tail


def test_output_that_cannot_be_flushed_falls_back_to_the_normal_end() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WRITER, "lost"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 3  # not ended as if the output had been written
    assert "returned" in done.stderr


def test_console_script_reports_and_exit_codes(tmp_path: Path) -> None:
    project = tmp_path / "demo"
    write(project, "README.md", "# demo\n")
    write(project, "settings.py", 'TOKEN = "ghp_' + "Zx9Yw8Vu7T" * 4 + '"\n')
    launch = "import sys; from mlops_kit.app import main; sys.argv[0] = 'mlops-kit'; main()"
    base = [sys.executable, "-c", launch, "audit", str(project)]
    done = subprocess.run(
        [*base, "--format", "json"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert any(f["rule"] == "SEC101" for f in report["findings"])
    output = tmp_path / "report.sarif"
    done = subprocess.run(
        [*base, "--format", "sarif", "-o", str(output), "--fail-on", "never"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(output.read_text(encoding="utf-8"))["runs"]
    done = subprocess.run(
        [*base, "--select", "NOPE999"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2 and done.stderr.startswith("Error:")


def test_the_collector_resumes_after_an_in_process_audit(tmp_path: Path) -> None:
    write(tmp_path / "demo", "README.md", "# demo\n")
    assert gc.isenabled()
    result = CliRunner().invoke(app, ["audit", str(tmp_path / "demo"), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
    result = CliRunner().invoke(app, ["audit", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert gc.isenabled()
