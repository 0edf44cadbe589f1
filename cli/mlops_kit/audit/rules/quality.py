# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Quality: pre-commit hooks, a test per stage, pytest configured, CI that runs it all."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlops_kit.audit import facts
from mlops_kit.audit.model import Finding
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule

PRE_COMMIT = facts.PRE_COMMIT


@rule("QUA101", family="quality", severity="error")
def pre_commit_config_parses(repo: RepoView) -> Iterator[Finding]:
    """A pre-commit config exists and parses.

    Why: pre-commit hooks catch lint, format, type and audit problems before they reach
    a commit, identically on every machine.
    Fix: add `.pre-commit-config.yaml` with `repo: local` hooks running the project's own
    tools, then `pre-commit install`.
    """
    parsed = repo.yaml(PRE_COMMIT)
    problem = facts.missing_or_broken(parsed, PRE_COMMIT)
    if problem is not None:
        yield problem
        return
    data = parsed.data if parsed is not None else None
    if not isinstance(data, dict) or not isinstance(data.get("repos"), list):
        yield Finding(".pre-commit-config.yaml has no `repos:` list", PRE_COMMIT)


_KINDS = {
    "lint": re.compile(r"\b(ruff(?!-format)(?![- ]format)|flake8|pylint)\b"),
    "format": re.compile(r"\b(ruff-format|ruff format|black)\b"),
    "type check": re.compile(r"\b(mypy|pyright|pytype)\b"),
}


def _hook_words(hook: dict[str, object]) -> str:
    return " ".join(str(hook.get(k, "")) for k in ("id", "entry", "name"))


@rule("QUA102", family="quality", severity="warning", requires=("QUA101",))
def pre_commit_lint_format_types(repo: RepoView) -> Iterator[Finding]:
    """Pre-commit runs a linter, a formatter and a type checker.

    Why: these three catch most defects in pipeline code before review, and running them
    in the hook keeps every commit consistent.
    Fix: add hooks for `ruff check`, `ruff format` and `mypy` (as `repo: local`,
    `language: system` hooks they use the versions in your dev group).
    """
    words = [_hook_words(h) for h in facts.pre_commit_hooks(repo)]
    for kind, pattern in _KINDS.items():
        if not any(pattern.search(w) for w in words):
            yield Finding(f"no {kind} hook in .pre-commit-config.yaml", PRE_COMMIT)


@rule("QUA103", family="quality", severity="warning", requires=("QUA101",))
def pre_commit_runs_audit(repo: RepoView) -> Iterator[Finding]:
    """Pre-commit runs `mlops-kit audit`.

    Why: the audit in the commit hook stops a broken pipeline definition, a committed
    output or a leaked key before it is committed, not in review.
    Fix:

        - repo: local
          hooks:
            - id: mlops-kit-audit
              name: mlops-kit audit
              entry: mlops-kit audit
              language: system
              pass_filenames: false
    """
    for hook in facts.pre_commit_hooks(repo):
        if hook.get("id") == "mlops-kit-audit" or "mlops-kit audit" in str(hook.get("entry", "")):
            return
    yield Finding("no mlops-kit-audit hook in .pre-commit-config.yaml", PRE_COMMIT)


@rule("QUA104", family="quality", severity="warning", requires=("DVC102",))
def test_per_stage(repo: RepoView) -> Iterator[Finding]:
    """Every pipeline stage has a test.

    Why: a stage is code that turns data into results; a test on tiny data catches a
    broken stage in seconds instead of after a long `dvc repro`.
    Fix: add `tests/test_<stage>.py` that runs the stage's `run(cfg)` on tiny data.
    """
    names = {p.rsplit("/", 1)[-1] for p in repo.under("tests")}
    for stage in facts.stages(repo) or []:
        if stage.generated:
            continue
        if f"test_{stage.name}.py" not in names and f"{stage.name}_test.py" not in names:
            yield Finding(
                f"stage {stage.name!r} has no tests/test_{stage.name}.py",
                facts.DVC_YAML,
                stage.line,
            )


@rule("QUA105", family="quality", severity="warning")
def pytest_configured(repo: RepoView) -> Iterator[Finding]:
    """Pytest is configured.

    Why: without `testpaths` and strict options, pytest may collect notebooks' helpers or
    data folders, and typos in markers pass silently.
    Fix:

        [tool.pytest.ini_options]
        testpaths = ["tests"]
        addopts = ["--strict-markers", "--strict-config"]
    """
    if isinstance(repo.pyproject.get("tool", {}).get("pytest"), dict):
        return
    if repo.is_file("pytest.ini") or repo.is_file("conftest.py"):
        return
    for name, marker in (("tox.ini", "[pytest]"), ("setup.cfg", "[tool:pytest]")):
        if marker in (repo.text(name) or ""):
            return
    yield Finding(
        "no [tool.pytest.ini_options] in pyproject.toml (nor pytest.ini)", "pyproject.toml"
    )


@rule("QUA106", family="quality", severity="error")
def ci_config_parses(repo: RepoView) -> Iterator[Finding]:
    """CI configuration parses.

    Why: a CI file with a YAML error silently runs nothing (or fails every pipeline) and
    is only noticed after the push.
    Fix: correct the YAML at the reported line.
    """
    for path in facts.ci_files(repo):
        parsed = repo.yaml(path)
        if parsed is not None and not parsed.ok:
            yield Finding(f"{path}: {parsed.error}", path, parsed.line)


_RUNS_TESTS = re.compile(r"\bpytest\b|\bmake\s+test\b|\btox\b|\bnox\b")
_RUNS_AUDIT = re.compile(r"mlops-kit audit|\bmake\s+audit\b|mlops-kit(?:@|/)|pre-commit run")
_RUNS_LINT = re.compile(r"pre-commit run|\bruff\b|\bmake\s+lint\b|flake8|pylint")


def _ci_check(repo: RepoView, pattern: re.Pattern[str], what: str) -> Iterator[Finding]:
    files = facts.ci_files(repo)
    if files and not pattern.search(facts.ci_text(repo)):
        yield Finding(f"CI ({', '.join(files)}) never runs {what}", files[0])


@rule("QUA107", family="quality", severity="warning", requires=("QUA106",))
def ci_runs_tests(repo: RepoView) -> Iterator[Finding]:
    """CI runs the tests.

    Why: tests that only run on laptops stop being run; CI is what keeps main green.
    Fix: add a step that runs `pytest` (GitHub: a `run: pytest` step; GitLab: a job whose
    `script` runs `pytest`).
    """
    yield from _ci_check(repo, _RUNS_TESTS, "pytest")


@rule("QUA108", family="quality", severity="warning", requires=("QUA106",))
def ci_runs_audit(repo: RepoView) -> Iterator[Finding]:
    """CI runs `mlops-kit audit`.

    Why: pre-commit hooks can be skipped; the audit in CI is what guarantees that main
    meets the standard.
    Fix: a step `run: mlops-kit audit --format github` (or the kit's GitHub action, or
    `pre-commit run --all-files` when pre-commit runs the audit).
    """
    yield from _ci_check(repo, _RUNS_AUDIT, "mlops-kit audit")


@rule("QUA109", family="quality", severity="info", requires=("QUA106",))
def ci_runs_lint(repo: RepoView) -> Iterator[Finding]:
    """CI runs the linters.

    Why: lint and type errors that reach main slow everyone down; CI is the backstop for
    commits made without the hooks.
    Fix: a step `run: pre-commit run --all-files` (or `ruff check .` and `mypy`).
    """
    yield from _ci_check(repo, _RUNS_LINT, "the linters (pre-commit or ruff)")
