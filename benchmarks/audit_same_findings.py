"""Check that two versions of the audit report the same on a folder of checkouts.

    python benchmarks/audit_same_findings.py /tmp/corpus [--against main]

The regression check for changes meant to make the audit faster, not different: it
runs `mlops-kit audit --format json --fail-on never` of the working tree and of the
commit `--against` (its `cli/` extracted to a temporary folder) on every checkout in the
folder, parse cache off, and compares the whole JSON reports (findings, profile, which
rules ran, were skipped or did not apply). It prints one line per repository and the
differences, and exits 1 when any report differs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from timing import LAUNCH, REPO_ROOT, extract


def report(source: Path, repo: Path, env: dict[str, str]) -> dict[str, Any]:
    """The JSON report of the audit in `source` on `repo`."""
    argv = [sys.executable, "-c", LAUNCH, str(source), "audit", str(repo)]
    done = subprocess.run(
        [*argv, "--format", "json", "--fail-on", "never"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"exit": done.returncode, "stderr": done.stderr.strip().splitlines()[-3:]}
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def lines(data: dict[str, Any]) -> list[str]:
    """A report as sorted, comparable lines (the audited path itself left out)."""
    data = {key: value for key, value in data.items() if key != "root"}
    return json.dumps(data, indent=1, sort_keys=True).splitlines()


def main() -> None:
    """Compare the reports on every checkout; exit 1 when any differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder holding one checkout per repository")
    parser.add_argument("--against", default="main", help="git revision to compare with")
    args = parser.parse_args()
    env = {**os.environ, "NO_COLOR": "1", "DVC_NO_ANALYTICS": "1", "MLOPS_KIT_NO_CACHE": "1"}
    differ = 0
    with tempfile.TemporaryDirectory() as scratch:
        # Bytecode (and the compiled-pattern cache kept beside it) written as after an
        # install, so the reports are those of the code users run.
        env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pycache")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        before = extract(args.against, Path(scratch))
        after = REPO_ROOT / "cli"
        repos = sorted(p for p in args.folder.iterdir() if (p / ".git").exists())
        for repo in repos:
            old, new = report(before, repo, env), report(after, repo, env)
            findings = len(new.get("findings", []))
            if old == new or lines(old) == lines(new):
                print(f"  same      {repo.name:<40} {findings} findings")
                continue
            differ += 1
            print(f"  DIFFERENT {repo.name:<40} {findings} findings")
            diff = difflib.unified_diff(lines(old), lines(new), args.against, "working tree", n=1)
            print("\n".join(f"      {line}" for line in diff))
    print(f"{len(repos) - differ} of {len(repos)} reports identical to {args.against}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
