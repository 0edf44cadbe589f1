"""Run the audit: pick rules, run them on one RepoView, apply config and the baseline.

Detect, then judge: the repository's profile (`profile.profile_of`) is computed first,
and a rule whose `applies` facets do not hold is not run (it is listed as not applicable);
nor is a pillar asked only of mlops-kit projects (`asked_outside_kit=False`) on another
repository, unless the team asked for it by selecting it or setting its severity.
Rules run in registry order; a rule whose `requires` reported findings (or were
themselves skipped) is skipped; a required rule that does not apply counts as passed.
Required rules run even when not selected; only selected rules are reported. A rule that
raises is one finding and the others still run; so is a profile that cannot be built (the
rules then see an empty profile), and the command exits 2 after the report. Every
finding points at a file that exists, or at the repository root ("."). Output order is
stable: family, rule id, path, line, message.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlops_kit.audit import facts
from mlops_kit.audit.cache import ParseCache
from mlops_kit.audit.config import AuditConfig, load_config, resolve
from mlops_kit.audit.model import FAMILY_ORDER, Finding, Ignored, Issue, Report, Skipped
from mlops_kit.audit.profile import PROFILE_MEMO, RepoProfile, profile_of
from mlops_kit.audit.repo import RepoView, normalise
from mlops_kit.audit.rule import Rule
from mlops_kit.audit.rules import all_rules
from mlops_kit.audit.secrets import scrub
from mlops_kit.errors import UsageError

if TYPE_CHECKING:
    from mlops_kit.audit.baseline import Baseline

CLI = "--select/--ignore"
MAX_FINDINGS_PER_RULE = 200
ROOT = "."  # where repo-wide findings point
# Starts the message of a finding that reports a rule, or the profile, that raised (the
# command exits 2).
INTERNAL_ERROR = "internal error in"
# Where the audit reports what it could not read or detect (unreadable files, a listing cut
# short, a profile that could not be built).
AUDIT_PROBLEMS_RULE = "LAY112"


class Options:
    """What the command line asked for (None: take the project's config or default)."""

    __slots__ = (
        "baseline", "fail_on", "ignore", "own_files", "select", "use_baseline", "use_cache",
    )  # fmt: skip

    def __init__(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        fail_on: str | None = None,
        baseline: Path | None = None,
        use_baseline: bool = True,
        use_cache: bool = True,
        own_files: tuple[Path, ...] = (),
    ) -> None:
        self.select = select
        self.ignore = ignore if ignore is not None else []
        self.fail_on = fail_on
        self.baseline = baseline
        self.use_baseline = use_baseline
        self.use_cache = use_cache
        self.own_files = own_files  # files this run writes (report, baseline): not audited


def check_root(path: Path) -> Path:
    """Validate the audited path; raise UsageError (exit 2) for what cannot be audited."""
    if not path.exists():
        raise UsageError(f"{path} does not exist; give the folder of the repository to audit")
    if not path.is_dir():
        raise UsageError(f"{path} is not a directory; give the project folder")
    root = path.resolve()
    if root == Path(root.anchor):
        raise UsageError(f"{path} is the filesystem root; give the project folder")
    try:
        empty = not any(root.iterdir())
    except OSError as error:
        raise UsageError(f"{path} cannot be read: {error.strerror}") from None
    if empty:
        raise UsageError(f"{path} is an empty directory; nothing to audit")
    return root


class _Runner:
    def __init__(
        self,
        repo: RepoView,
        rules: dict[str, Rule],
        profile: RepoProfile,
        asked: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        self.repo = repo
        self.rules = rules
        self.profile = profile
        self.asked = asked  # rules the team named: selected, or given a severity
        self.findings: dict[str, list[Finding]] = {}
        self.skipped: dict[str, tuple[str, ...]] = {}
        self.not_applicable: set[str] = set()
        self.not_asked: set[str] = set()

    def run(self, rule_id: str) -> None:
        if rule_id in self.findings or rule_id in self.skipped:
            return
        if rule_id in self.not_applicable or rule_id in self.not_asked:
            return
        rule = self.rules[rule_id]
        if not all(self.profile.has(facet) for facet in rule.applies):
            self.not_applicable.add(rule_id)
            return
        if not rule.asked_outside_kit and not self.profile.kit and rule_id not in self.asked:
            self.not_asked.add(rule_id)
            return
        blockers = []
        for required in rule.requires:
            self.run(required)
            if self.findings.get(required) or required in self.skipped:
                blockers.append(required)
        if blockers:
            self.skipped[rule_id] = tuple(blockers)
            return
        found: list[Finding] = []
        self.repo.reading = None
        try:
            found.extend(rule.check(self.repo))
        except (KeyboardInterrupt, UsageError):
            raise
        except Exception as error:  # one rule failing on one file: report it, audit the rest
            found.append(internal_error(rule_id, self.repo.reading, error))
        if len(found) > MAX_FINDINGS_PER_RULE:
            more = len(found) - MAX_FINDINGS_PER_RULE
            found = found[:MAX_FINDINGS_PER_RULE]
            found.append(Finding(f"... and {more:,} more findings of this rule not shown"))
        self.findings[rule_id] = found


def internal_error(rule_id: str, path: str | None, error: Exception) -> Finding:
    """Return the finding for a rule that raised: which rule, on which file, what went wrong."""
    return _failure(f"rule {rule_id}", path, error)


def _failure(what: str, path: str | None, error: Exception) -> Finding:
    detail = " ".join(str(error).split())[:200]
    where = f" on {path}" if path else ""
    return Finding(
        f"{INTERNAL_ERROR} {what}{where}: {type(error).__name__}: {detail}", path or None
    )


def _profile(repo: RepoView) -> tuple[RepoProfile, Finding | None]:
    """Detect the repository's profile; when detection raises, carry on without it.

    A bug in one detector must not stop the audit: the rules then see an empty profile
    (the facet-gated ones do not apply, the others run as usual) and one finding says what
    failed, so the command exits 2 after the report.
    """
    repo.reading = None
    try:
        return profile_of(repo), None
    except (KeyboardInterrupt, UsageError):
        raise
    except Exception as error:
        failure = _failure("the repository profile", repo.reading, error)
        empty = RepoProfile()
        repo.memo[PROFILE_MEMO] = empty  # what rules asking `profile_of` get from now on
        return empty, failure


def _ask_git_early(repo: RepoView, profile: RepoProfile) -> None:
    """Start git's answer on what it ignores now, so it arrives while the rules run.

    The rules that ask (`.env`, DVC outputs and config, MLflow stores) apply only where
    the profile finds `.env` files, DVC or MLflow. Should working out the question fail,
    those rules ask again inside their own error isolation.
    """
    if not (profile.dotenv or profile.dvc or profile.mlflow):
        return
    try:
        facts.ask_git_what_it_ignores(repo)
    except (KeyboardInterrupt, UsageError):
        raise
    except Exception:  # reported by the rule that asks again, inside its isolation
        pass


def _placed(repo: RepoView, finding: Finding) -> Finding:
    """Point a finding at a file a reviewer can open when it exists, else at the root."""
    line = finding.line if isinstance(finding.line, int) and finding.line > 0 else None
    path = finding.path
    if path is None or path in ("", ROOT) or not (path in repo.file_set or repo.is_file(path)):
        return finding._replace(path=ROOT, line=None)
    return finding._replace(line=line)


def _issue(rule: Rule, severity: str, finding: Finding) -> Issue:
    message = scrub(finding.message)
    path = scrub(finding.path) if finding.path is not None else None
    line = finding.line
    return Issue(
        rule=rule.id,
        family=rule.family,
        severity=severity,
        title=rule.title,
        message=message,
        path=path,
        line=line,
        help_url=rule.help_url,
    )


def sort_key(issue: Issue) -> tuple[int, str, str, int, str]:
    """Stable report order."""
    return (
        FAMILY_ORDER[issue.family],
        issue.rule,
        issue.path or "",
        issue.line or 0,
        issue.message,
    )


def _set_aside_own_files_and_read_baseline(
    repo: RepoView, options: Options, config: AuditConfig
) -> Baseline | None:
    """Leave the audit's own files out of it, then read the baseline (None: no baseline).

    A baseline or report holds redacted findings; scanning it would report them again.
    """
    own = [path for path in (*options.own_files, options.baseline) if path is not None]
    inside = []
    for path in own:
        try:
            inside.append(path.resolve().relative_to(repo.root).as_posix())
        except (OSError, RuntimeError, ValueError):
            continue
    configured = normalise(config.baseline) if config.baseline else None
    repo.set_aside([*inside, *([configured] if configured else [])])
    if not options.use_baseline or (options.baseline is None and config.baseline is None):
        return None
    from mlops_kit.audit import baseline

    if options.baseline is not None:
        return baseline.read_baseline(options.baseline)
    return baseline.read_project_baseline(repo, str(config.baseline))


def run_audit(root: Path, options: Options) -> Report:
    """Audit the project at `root` (already validated) and return the report."""
    rules = all_rules()
    by_id = {r.id: r for r in rules}
    cache = ParseCache.for_root(root) if options.use_cache else None
    repo = RepoView(root, cache=cache)
    profile, profile_failure = _profile(repo)
    config: AuditConfig = load_config(repo.pyproject, rules)
    select = options.select if options.select is not None else config.select
    selected = (
        resolve(select, rules, CLI if options.select is not None else "select")
        if select
        else set(by_id)
    )
    reasons: dict[str, str] = {}
    for token, reason in config.ignore.items():
        for rule_id in resolve([token], rules, "ignore"):
            reasons[rule_id] = reason
    for rule_id in resolve(options.ignore, rules, CLI):
        reasons.setdefault(rule_id, "ignored on the command line")
    ignored = [Ignored(r, reasons[r]) for r in sorted(reasons) if r in selected]
    selected -= set(reasons)

    known = _set_aside_own_files_and_read_baseline(repo, options, config)
    _ask_git_early(repo, profile)
    asked = (selected if select else set()) | set(config.severity)
    runner = _Runner(repo, by_id, profile, asked)
    for rule in rules:
        if rule.id in selected:
            runner.run(rule.id)

    if cache is not None:
        cache.save(repo.file_set)
    issues = [
        _issue(
            rule,
            config.severity.get(rule.id, rule.severity_for(profile.kit)),
            _placed(repo, finding),
        )
        for rule in rules
        if rule.id in selected
        for finding in runner.findings.get(rule.id, [])
    ]
    if profile_failure is not None:  # reported whatever is selected: the audit is partial
        issues.append(_issue(by_id[AUDIT_PROBLEMS_RULE], "error", _placed(repo, profile_failure)))
    issues.sort(key=sort_key)
    baselined = 0
    if known is not None:
        from mlops_kit.audit.baseline import apply_baseline

        issues, baselined = apply_baseline(issues, known)
    skipped = [Skipped(r, runner.skipped[r]) for r in sorted(runner.skipped) if r in selected]
    return Report(
        root=str(root),
        issues=issues,
        fail_on=options.fail_on or config.fail_on or "error",
        ran=[r.id for r in rules if r.id in selected and r.id in runner.findings],
        ignored=ignored,
        skipped=skipped,
        baselined=baselined,
        profile=profile if profile_failure is None else None,
        not_applicable=sorted(r for r in runner.not_applicable if r in selected),
        not_asked=sorted(r for r in runner.not_asked if r in selected),
    )
