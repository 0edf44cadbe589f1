"""The vocabulary shared by rules, the engine and the output formats."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    "quality": ("QUA", "Quality"),
    "data": ("DAT", "Data hygiene"),
    "secrets": ("SEC", "Secrets"),
    "docs": ("DOC", "Documentation"),
    "drift": ("DRF", "Template drift"),
}
FAMILY_ORDER = {name: index for index, name in enumerate(FAMILIES)}

RULES_DOC_URL = "https://github.com/mlops-kit/mlops-kit/blob/main/docs/rules.md"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a rule found: what, and where (a repo-relative POSIX path and a line)."""

    message: str
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Issue:
    """A finding as reported: the rule's metadata joined to the finding, after config."""

    rule: str
    family: str
    severity: str
    title: str
    message: str
    path: str | None
    line: int | None
    help_url: str
    fingerprint: str

    def location(self) -> str:
        """Return `path:line`, `path` or an empty string."""
        if self.path is None:
            return ""
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Ignored:
    """A rule switched off by config or the command line, with the reason given."""

    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A selected rule not run because a rule it requires reported findings."""

    rule: str
    requires: tuple[str, ...]


@dataclass(slots=True)
class Report:
    """Everything an output format needs to render one audit."""

    root: str
    issues: list[Issue]
    fail_on: str
    ran: list[str] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    baselined: int = 0

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
