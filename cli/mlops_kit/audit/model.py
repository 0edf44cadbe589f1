"""The vocabulary shared by rules, the engine and the output formats.

Records are NamedTuples and slotted classes rather than dataclasses: these classes are
built at every start-up, and building a dataclass costs about a millisecond.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from mlops_kit.audit.profile import RepoProfile

from mlops_kit import DOCS_URL

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
FAIL_ON_CHOICES = ("error", "warning", "info", "never")

# Family name -> (id prefix, heading). The order is the order of reports and docs.
FAMILIES: dict[str, tuple[str, str]] = {
    "layout": ("LAY", "Layout"),
    "packaging": ("PKG", "Packaging"),
    "config": ("CFG", "Configuration (Hydra)"),
    "pipeline": ("DVC", "Pipeline (DVC)"),
    "tracking": ("TRK", "Tracking (MLflow)"),
    "serving": ("SRV", "Serving and monitoring"),
    "quality": ("QUA", "Quality"),
    "data": ("DAT", "Data hygiene"),
    "secrets": ("SEC", "Secrets"),
    "docs": ("DOC", "Documentation"),
    "drift": ("DRF", "Template drift"),
}
FAMILY_ORDER = {name: index for index, name in enumerate(FAMILIES)}

RULES_DOC_URL = f"{DOCS_URL}/rules.md"


class Finding(NamedTuple):
    """One problem a rule found: what, and where (a repo-relative POSIX path and a line)."""

    message: str
    path: str | None = None
    line: int | None = None


def fingerprint(rule_id: str, path: str | None, message: str) -> str:
    """Return a stable id for a finding, independent of its line."""
    import hashlib  # only baselines and machine formats need it

    digest = hashlib.sha256(
        f"{rule_id}\0{path or ''}\0{message}".encode("utf-8", "surrogateescape")
    )
    return digest.hexdigest()[:20]


class Issue(NamedTuple):
    """A finding as reported: the rule's metadata joined to the finding, after config."""

    rule: str
    family: str
    severity: str
    title: str
    message: str
    path: str | None
    line: int | None
    help_url: str

    @property
    def fingerprint(self) -> str:
        """Stable id of the finding (rule, path, message; not the line) for baselines."""
        return fingerprint(self.rule, self.path, self.message)

    def location(self) -> str:
        """Return `path:line`, `path` or an empty string."""
        if self.path is None:
            return ""
        return self.path if self.line is None else f"{self.path}:{self.line}"


class Ignored(NamedTuple):
    """A rule switched off by config or the command line, with the reason given."""

    rule: str
    reason: str


class Skipped(NamedTuple):
    """A selected rule not run because a rule it requires reported findings."""

    rule: str
    requires: tuple[str, ...]


class Report:
    """Everything an output format needs to render one audit."""

    __slots__ = (
        "baselined", "fail_on", "ignored", "issues", "not_applicable", "not_asked", "profile",
        "ran", "root", "skipped",
    )  # fmt: skip

    def __init__(
        self,
        root: str,
        issues: list[Issue],
        fail_on: str,
        ran: list[str] | None = None,
        ignored: list[Ignored] | None = None,
        skipped: list[Skipped] | None = None,
        baselined: int = 0,
        profile: RepoProfile | None = None,
        not_applicable: list[str] | None = None,
        not_asked: list[str] | None = None,
    ) -> None:
        self.root = root
        self.issues = issues
        self.fail_on = fail_on
        self.ran = ran if ran is not None else []
        self.ignored = ignored if ignored is not None else []
        self.skipped = skipped if skipped is not None else []
        self.baselined = baselined
        self.profile = profile
        self.not_applicable = not_applicable if not_applicable is not None else []
        # pillars asked only of mlops-kit projects, which would have run had the team asked
        self.not_asked = not_asked if not_asked is not None else []

    @property
    def rules_run(self) -> int:
        """How many selected rules ran."""
        return len(self.ran)

    def counts(self) -> dict[str, int]:
        """Return the number of issues per severity."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for issue in self.issues:
            counts[issue.severity] += 1
        return counts

    def failing(self) -> list[Issue]:
        """Return the issues at or above the `fail_on` threshold."""
        if self.fail_on == "never":
            return []
        threshold = SEVERITY_RANK[self.fail_on]
        return [issue for issue in self.issues if SEVERITY_RANK[issue.severity] >= threshold]

    def exit_code(self) -> int:
        """Return 1 when any issue fails the threshold, else 0."""
        return 1 if self.failing() else 0
