"""`mlops-kit audit`: check a repository against the standard."""

# No `from __future__ import annotations` here: typer reads this signature on every run of
# any command, and evaluating ten string annotations costs ~2.5 ms more than ready objects.
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mlops_kit.console import reported_errors
from mlops_kit.errors import UsageError


class OutputFormat(StrEnum):
    """Report formats."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"
    junit = "junit"


class FailOn(StrEnum):
    """Lowest severity that makes the audit fail."""

    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _split(values: list[str] | None) -> list[str]:
    return [item.strip() for value in values or [] for item in value.split(",") if item.strip()]


def _use_colour(output_format: OutputFormat, output: Path | None) -> bool:
    if output_format is not OutputFormat.text or output is not None:
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def audit(
    path: Annotated[
        Path, typer.Argument(help="Project folder to audit.", show_default="current folder")
    ] = Path(),
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Report format.")
    ] = OutputFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report to FILE.", metavar="FILE"),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            help="Only these rules: ids, prefixes or families (comma-separated).", metavar="IDS"
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            help="Skip these rules: ids, prefixes or families (comma-separated).", metavar="IDS"
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            help="Lowest severity that fails the audit.  [default: error]", show_default=False
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="Report only findings not recorded in this baseline file.", metavar="FILE"
        ),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(help="Record today's findings in FILE and exit 0.", metavar="FILE"),
    ] = None,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="List every rule and exit.")
    ] = False,
    explain: Annotated[
        str | None, typer.Option(help="Explain one rule (why, how to fix) and exit.", metavar="ID")
    ] = None,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Apply the mechanical, safe fixes, then report what is left."),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="With --fix: print the fixes as a diff; write nothing.")
    ] = False,
) -> None:
    r"""Check a repository against the standard.

    Families: layout, packaging, config, pipeline, tracking, quality, data, secrets, docs
    and template drift.

    `--fix` applies the mechanical, safe fixes (ignore patterns, missing READMEs, catalog
    entries, the template stamp) as one change set, then reports what is left.

    Exit codes: 0 nothing at or above --fail-on, 1 failing findings, 2 usage, configuration
    or internal error (a check that fails on a file is a finding; the report is still
    written). Reads `\[tool.mlops-kit.audit]` from the project's pyproject.toml.
    """
    with reported_errors(), _internal_errors():
        if explain is not None or list_rules:
            from mlops_kit.audit import explain as docs
            from mlops_kit.audit.rules import rules_by_id

            rules = rules_by_id()
            if explain is not None:
                typer.echo(docs.explain(docs.find(rules, explain)), nl=False)
            else:
                typer.echo(docs.rule_table(rules.values()), nl=False)
            return
        if diff and not fix:
            raise UsageError("--diff previews --fix; pass both")
        from mlops_kit.audit import regex_cache

        regex_cache.load()  # before the audit's modules compile their patterns
        exit_code = _run(
            path, output_format, output, _split(select) if select else None, _split(ignore),
            fail_on, baseline, write_baseline, (fix, diff),
        )  # fmt: skip
        regex_cache.save()  # the report is out: keep what this run had to compile
    raise typer.Exit(exit_code)


@contextmanager
def _internal_errors() -> Iterator[None]:
    """Turn a bug into one line and exit code 2 (the audit must never show a traceback)."""
    try:
        yield
    except (UsageError, KeyboardInterrupt, typer.Exit):
        raise
    except Exception as error:
        detail = " ".join(str(error).split())[:300]
        raise UsageError(f"internal error: {type(error).__name__}: {detail}", 2) from None


def _run(
    path: Path,
    output_format: OutputFormat,
    output: Path | None,
    select: list[str] | None,
    ignore: list[str],
    fail_on: FailOn | None,
    baseline: Path | None,
    write_baseline: Path | None,
    fixing: tuple[bool, bool] = (False, False),
) -> int:
    from mlops_kit.audit.listing import listed_ahead

    with listed_ahead(path):  # git lists the files while the rules are imported
        from mlops_kit.audit.engine import INTERNAL_ERROR, Options, check_root, run_audit
        from mlops_kit.audit.formats import printable, renderer
        from mlops_kit.audit.rules import rules_by_id

        root = check_root(path)
        if fixing[0]:
            from mlops_kit.edits import settle_interrupted

            # Before the audit reads the files: it must see them as a killed run left them
            # settled, never half-written.
            settle_interrupted(root, dry_run=fixing[1], preview_flag="--diff")
        options = Options(
            select=select,
            ignore=ignore,
            fail_on=fail_on.value if fail_on else None,
            baseline=baseline,
            use_baseline=write_baseline is None,
            own_files=tuple(p for p in (output, write_baseline) if p is not None),
        )
        report = run_audit(root, options)
        if fixing[0]:
            from mlops_kit.audit.fixes import run_fixes

            failing: dict[str, int] = {}
            for issue in report.issues:
                failing[issue.rule] = failing.get(issue.rule, 0) + 1
            notes, diff_text = run_fixes(root, failing, preview=fixing[1])
            if fixing[1]:
                sys.stdout.write(diff_text)
                typer.echo(f"(--diff: {len(notes)} fix(es) would be applied; nothing written)")
                return 0
            for note in notes:
                typer.echo(f"fixed {note}", err=True)
            report = run_audit(root, options)
            left = len(report.issues)
            typer.echo(
                f"{left} finding(s) left for a person (below)." if left else "Nothing left.",
                err=True,
            )
        if write_baseline is not None:
            from mlops_kit.audit.baseline import write_baseline as save_baseline

            save_baseline(write_baseline, report.issues)
            typer.echo(f"Wrote {len(report.issues)} finding(s) to {printable(str(write_baseline))}")
            return 0
        text = renderer(output_format.value)(
            report, rules_by_id(), _use_colour(output_format, output)
        )
        if output is not None:
            from mlops_kit.audit.baseline import write_atomically

            write_atomically(output, text)
        else:
            try:
                sys.stdout.write(text)
            except UnicodeEncodeError:
                encoding = sys.stdout.encoding or "ascii"
                sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding))
            sys.stdout.flush()
        if any(issue.message.startswith(INTERNAL_ERROR) for issue in report.issues):
            return 2  # the report is out, but some check could not run to the end
        return report.exit_code()
