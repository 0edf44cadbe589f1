"""Recognise secrets in text and redact them, so no report ever repeats one.

Three kinds: well-known token formats (cloud keys, platform tokens, private keys), URIs
with a password (`scheme://user:password@host`), and credential-named keys assigned a
literal value (`password: hunter2`). Interpolations (`${oc.env:VAR}`, `$VAR`, `{{ x }}`)
and obvious placeholders are not secrets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("AWS access key id", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
        ("GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b"),
        ("GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
        ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        ("Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
        ("OpenAI API key", r"\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}"),
        ("Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}\b"),
        ("Stripe secret key", r"\b[sr]k_live_[A-Za-z0-9]{20,}"),
        ("Databricks token", r"\bdapi[0-9a-f]{32}\b"),
        ("Azure storage account key", r"AccountKey=[A-Za-z0-9+/=]{40,}"),
        ("private key", r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    )
)
_ANY_TOKEN = re.compile("|".join(f"(?:{p.pattern})" for _, p in TOKEN_PATTERNS))

URI_WITH_PASSWORD = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^\s:/@'\"`<>]+):([^\s@/'\"`]+)@")

CREDENTIAL_KEY = re.compile(
    r"(?:^|[_.-])(?:password|passwd|pwd|secret|token|api_?key|apikey|access_?key|"
    r"secret_?key|private_?key|account_?key|client_?secret|connection_?string|sas_?token)"
    r"(?:$|[_.-])",
    re.IGNORECASE,
)
# `key: value`, `key = value`, `KEY=value`, `"key": "value"` (one per line).
ASSIGNMENT = re.compile(
    r"""^\s*(?:export\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*(.*?)\s*,?\s*$"""
)

PLACEHOLDERS = frozenset(
    {"password", "passwd", "pass", "secret", "changeme", "change-me", "change_me", "example",
     "placeholder", "redacted", "none", "null", "todo", "xxx", "your-password", "token",
     "dummy", "test"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SecretHit:
    """A secret found in a text: what kind, where (line), and a redacted preview."""

    kind: str
    line: int
    preview: str


def redact(value: str) -> str:
    """Keep at most four leading characters of a secret and hide the rest."""
    value = value.strip()
    shown = value[:4] if len(value) >= 12 else ""
    return f"{shown}…(redacted)"


def scrub(text: str) -> str:
    """Redact anything that looks like a secret in a message meant for output."""
    text = _ANY_TOKEN.sub(lambda m: redact(m.group(0)), text)
    return URI_WITH_PASSWORD.sub(
        lambda m: (
            f"{m.group(1)}{m.group(2)}:{redact(m.group(3))}@"
            if not is_placeholder(m.group(3))
            else m.group(0)
        ),
        text,
    )


def is_placeholder(value: str) -> bool:
    """Return True for interpolations, environment references, masks and placeholder words."""
    value = value.strip().strip("\"'")
    if not value:
        return True
    if value.startswith(("${", "$", "{{", "<", "%(", "{", "***", "...")):
        return True
    lowered = value.lower()
    if lowered in PLACEHOLDERS or set(lowered) <= {"x", "*", "-", "_", "."}:
        return True
    return any(word in lowered for word in ("change", "example", "placeholder", "your_", "your-"))


def tokens(text: str) -> Iterator[SecretHit]:
    """Well-known token formats and passwords in URIs."""
    hits: list[tuple[int, SecretHit]] = []
    for match in _ANY_TOKEN.finditer(text):
        kind = next(name for name, pattern in TOKEN_PATTERNS if pattern.match(match.group(0)))
        line = text.count("\n", 0, match.start()) + 1
        hits.append((match.start(), SecretHit(kind, line, redact(match.group(0)))))
    if "://" in text:
        for match in URI_WITH_PASSWORD.finditer(text):
            if not is_placeholder(match.group(3)):
                line = text.count("\n", 0, match.start()) + 1
                preview = f"{match.group(1)}{match.group(2)}:{redact(match.group(3))}@…"
                hits.append((match.start(), SecretHit("password in a URI", line, preview)))
    for _, hit in sorted(hits, key=lambda item: item[0]):
        yield hit


def credential_assignments(text: str) -> Iterator[SecretHit]:
    """Credential-named keys assigned a literal value in config-like text."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if not stripped or stripped.startswith(("#", ";", "//")):
            continue
        match = ASSIGNMENT.match(line)
        if not match or not CREDENTIAL_KEY.search(match.group(1)):
            continue
        value = match.group(2).split(" #", 1)[0].strip().strip("\"'")
        if not value or is_placeholder(value) or _is_plain_literal(value):
            continue
        yield SecretHit(f"credential `{match.group(1)}`", number, redact(value))


def _is_plain_literal(value: str) -> bool:
    lowered = value.lower()
    if lowered in {"true", "false", "yes", "no", "on", "off", "~"}:
        return True
    if value.startswith(("[", "(")) or value.endswith(("{", "[", "(")):
        return True
    if re.fullmatch(r"[-+]?\d+(\.\d+)?", value):
        return True
    # A reference to where the secret comes from, not the secret: a file or a variable.
    return bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", value)) or value.startswith(("/", "./", "~/"))


def find_secrets(text: str, assignments: bool) -> list[SecretHit]:
    """All secrets in `text`; credential assignments only when `assignments` is set."""
    hits = list(tokens(text))
    if assignments:
        seen = {hit.line for hit in hits}
        hits.extend(hit for hit in credential_assignments(text) if hit.line not in seen)
    return sorted(hits, key=lambda hit: hit.line)
