"""Audit every checkout in a folder: findings by rule and repo, precision, and speed.

    python benchmarks/audit_corpus.py /tmp/corpus [--runs 3] [--labels FILE] [--dump FILE]
        [--speed-only] [--against REV]

For each sub-folder (one git checkout of a public repository) it runs
`mlops-kit audit --format json --fail-on never` (parse cache off: every run reads and
parses every file, secrets scan included) and, when installed (`pip install -e . --group
bench`), `repo-review` with sp-repo-review's checks, and prints:

1. the profile line of each repo (what the audit detected);
2. a table of findings per rule and repo (errors marked `!`);
3. the median wall time of both tools per repo (runs interleaved: audit, repo-review,
   audit, ...; both tools load bytecode from a private `PYTHONPYCACHEPREFIX` that an
   untimed warm-up run fills, as after a pip install), with the load average; with
   `--against REV` the audit of another revision (its `cli/` extracted from git) runs in
   the same turns, for a before/after comparison under the same load;
4. with `--labels`, precision: the share of findings labelled true, overall and for
   errors, and the findings that have no label yet (label them by hand).

A labels file is CSV: `repo,rule,location,verdict,note` with verdict `true` or `false`
and location as printed (`path` or `path:line`; `.` for the repository root). `--dump`
writes every finding as CSV rows in that shape (verdict empty) to start labelling.
Checkouts stay outside this repository (e.g. /tmp/corpus): never commit other projects'
files.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
from timing import LAUNCH, extract  # noqa: E402


def run(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run a command; return (wall seconds, stdout)."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stdout


def tool(name: str) -> str | None:
    """The path of a console script of this environment (or on PATH)."""
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


def location(finding: dict[str, Any]) -> str:
    """`path:line`, `path`, or `.`."""
    path = finding.get("path") or "."
    return f"{path}:{finding['line']}" if finding.get("line") else path


def environment(pycache: Path) -> dict[str, str]:
    """Both tools' environment: bytecode in a private folder, no parse cache, no colour.

    Under `PYTHONDONTWRITEBYTECODE=1` an editable install recompiles the kit's modules on
    every run while repo-review loads the bytecode pip wrote: an unequal comparison.
    """
    env = {**os.environ, "NO_COLOR": "1", "DVC_NO_ANALYTICS": "1", "MLOPS_KIT_NO_CACHE": "1"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def load() -> str:
    """The 1/5/15-minute load averages (the machine may be shared)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def audit_repos(
    folder: Path, runs: int, pycache: Path, older: Path | None = None
) -> list[dict[str, Any]]:
    """Audit each checkout `runs` times (interleaved with repo-review); one record per repo.

    With `older` (the `cli/` folder of another revision), that audit runs in turn as well.
    """
    kit, review = tool("mlops-kit"), tool("repo-review")
    if kit is None:
        raise SystemExit("mlops-kit is not installed in this environment")
    env = environment(pycache)
    records = []
    for repo in sorted(p for p in folder.iterdir() if (p / ".git").exists()):
        argv = [kit, "audit", str(repo), "--format", "json", "--fail-on", "never"]
        review_argv = [review, str(repo)] if review is not None else None
        older_argv = [sys.executable, "-c", LAUNCH, str(older), *argv[1:]] if older else None
        for warm_up in (argv, review_argv, older_argv):  # byte-compile, fill the file cache
            if warm_up is not None:
                run(warm_up, env)
        times, review_times, older_times, output = [], [], [], ""
        for _ in range(runs):
            seconds, output = run(argv, env)
            times.append(seconds)
            if review_argv is not None:
                review_times.append(run(review_argv, env)[0])
            if older_argv is not None:
                older_times.append(run(older_argv, env)[0])
        report = json.loads(output)
        listed = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "-z"], capture_output=True, check=False
        ).stdout
        record: dict[str, Any] = {
            "repo": repo.name,
            "report": report,
            "audit": statistics.median(times),
            "files": listed.count(b"\0"),
        }
        if review_times:
            record["review"] = statistics.median(review_times)
        if older_times:
            record["older"] = statistics.median(older_times)
        records.append(record)
    return records


def summary_line(profile: dict[str, Any] | None) -> str:
    """A short profile description from the JSON report."""
    if not profile:
        return "?"
    parts = [profile["kind"], f"layout {profile['layout']}"]
    for key, label in (("dvc", "DVC"), ("mlflow", "MLflow")):
        if profile.get(key):
            parts.append(label)
    if profile.get("hydra_config_dir"):
        parts.append(f"Hydra {profile['hydra_config_dir']}/")
    parts.append("CI " + "+".join(profile["ci"]) if profile.get("ci") else "no CI")
    return ", ".join(parts)


def print_tables(records: list[dict[str, Any]]) -> None:
    """Profiles, findings by rule and repo, and timings."""
    names = [r["repo"] for r in records]
    short = {name: name[:10] for name in names}
    print("Profiles")
    for record in records:
        print(f"  {record['repo']:<34} {summary_line(record['report'].get('profile'))}")
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    errors: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for finding in record["report"]["findings"]:
            counts[finding["rule"]][record["repo"]] += 1
            if finding["severity"] == "error":
                errors[finding["rule"]].add(record["repo"])
    print("\nFindings by rule and repo (! = error)")
    print("  " + "rule".ljust(8) + "".join(short[n].rjust(11) for n in names) + "  total")
    for rule_id in sorted(counts):
        cells = []
        for name in names:
            count = counts[rule_id][name]
            mark = "!" if name in errors[rule_id] else ""
            cells.append((f"{count}{mark}" if count else ".").rjust(11))
        print(f"  {rule_id:<8}" + "".join(cells) + f"  {sum(counts[rule_id].values()):>5}")
    totals = [sum(counts[r][n] for r in counts) for n in names]
    print("  " + "total".ljust(8) + "".join(str(t).rjust(11) for t in totals))
    print_speed(records)


def print_speed(records: list[dict[str, Any]]) -> None:
    """Median wall times of both tools per repo, and how many repos the audit is slower on."""
    print("\nSpeed (median wall time; audit reads every text file for secrets, no parse cache)")
    print(f"  {'repo':<34} {'files':>6} {'audit':>9} {'repo-review':>12} {'ratio':>7}")
    for record in records:
        files = record["files"]
        review = record.get("review")
        ratio = f"{record['audit'] / review:.2f}x" if review else "-"
        review_text = f"{review * 1000:.0f} ms" if review else "-"
        print(
            f"  {record['repo']:<34} {files!s:>6} {record['audit'] * 1000:>6.0f} ms "
            f"{review_text:>12} {ratio:>7}"
        )
    if any("older" in r for r in records):
        print(f"\n  {'repo':<34} {'older audit':>12} {'ratio':>7}   (the --against revision)")
        for record in records:
            if "older" in record and record.get("review"):
                older = record["older"]
                print(
                    f"  {record['repo']:<34} {older * 1000:>9.0f} ms "
                    f"{older / record['review']:>6.2f}x"
                )
        older_ratios = [r["older"] / r["review"] for r in records if r.get("review")]
        print(
            f"  older audit slower than repo-review on {sum(x > 1 for x in older_ratios)} of "
            f"{len(older_ratios)}; ratio median {statistics.median(older_ratios):.2f}x, "
            f"max {max(older_ratios):.2f}x"
        )
    ratios = [r["audit"] / r["review"] for r in records if r.get("review")]
    if ratios:
        slower = sum(ratio > 1 for ratio in ratios)
        print(
            f"  audit slower than repo-review on {slower} of {len(ratios)} repositories; "
            f"ratio median {statistics.median(ratios):.2f}x, max {max(ratios):.2f}x"
        )


def read_labels(path: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(repo, rule, location) -> (verdict, note)."""
    labels = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["repo"], row["rule"], row["location"])
            labels[key] = (row["verdict"].strip().lower(), row.get("note", ""))
    return labels


def print_precision(records: list[dict[str, Any]], labels: dict[Any, tuple[str, str]]) -> None:
    """Precision overall and for errors, per repo and in total."""
    print("\nPrecision (findings labelled true / all findings)")
    totals = Counter()
    unlabelled = []
    for record in records:
        tally = Counter()
        for finding in record["report"]["findings"]:
            key = (record["repo"], finding["rule"], location(finding))
            verdict = labels.get(key, ("", ""))[0]
            if verdict not in ("true", "false"):
                unlabelled.append(key)
                continue
            tally["all"] += 1
            tally["true"] += verdict == "true"
            if finding["severity"] == "error":
                tally["errors"] += 1
                tally["false_errors"] += verdict == "false"
        totals.update(tally)
        if tally["all"]:
            print(
                f"  {record['repo']:<34} {tally['true']:>3}/{tally['all']:<3} true, "
                f"{tally['false_errors']}/{tally['errors']} errors false"
            )
    if totals["all"]:
        print(
            f"  {'TOTAL':<34} {totals['true']}/{totals['all']} = "
            f"{totals['true'] / totals['all']:.1%} true; false errors "
            f"{totals['false_errors']}/{totals['errors']} = "
            f"{totals['false_errors'] / max(totals['errors'], 1):.1%}"
        )
    for key in unlabelled:
        print(f"  unlabelled: {','.join(key)}")


def dump(records: list[dict[str, Any]], path: Path) -> None:
    """Write every finding as a label row (verdict to fill in by hand)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["repo", "rule", "location", "verdict", "note"])
        for record in records:
            for finding in record["report"]["findings"]:
                writer.writerow(
                    [record["repo"], finding["rule"], location(finding), "", finding["message"]]
                )


def main() -> None:
    """Parse arguments, audit the corpus, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="folder holding one checkout per repository")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool and repo")
    parser.add_argument("--labels", type=Path, help="CSV of hand-classified findings")
    parser.add_argument("--dump", type=Path, help="write findings as label rows to this CSV")
    parser.add_argument("--speed-only", action="store_true", help="print only the timings")
    parser.add_argument("--against", help="also time the audit of this git revision, in turn")
    args = parser.parse_args()
    print(f"load average before: {load()}   ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as scratch:
        older = extract(args.against, Path(scratch) / "against") if args.against else None
        records = audit_repos(args.folder, args.runs, Path(scratch) / "pycache", older)
    print(f"load average after: {load()}")
    if args.speed_only:
        print_speed(records)
        return
    print_tables(records)
    if args.labels is not None:
        print_precision(records, read_labels(args.labels))
    if args.dump is not None:
        dump(records, args.dump)


if __name__ == "__main__":
    main()
