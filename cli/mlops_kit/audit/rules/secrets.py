"""Secrets: no keys, tokens or passwords in files git would publish; `.env` stays local.

Findings show a redacted preview only. conf/ and params.yaml (CFG105) and .dvc/config
(DVC110) have their own rules, so they are not scanned twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlops_kit.audit import facts, secrets
from mlops_kit.audit.model import Finding
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule
from mlops_kit.audit.rules.layout import is_text_name

SCAN_LIMIT = 1024 * 1024  # bytes; larger files are data, not config
OWN_RULES = ("conf/",)
OWN_FILES = frozenset({"params.yaml", ".dvc/config"})
CONFIG_SUFFIXES = (".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".properties", ".json")
TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl")
# Lock files name packages (`registry-auth-token`), not credentials.
LOCK_SUFFIXES = (".lock", "-lock.yaml", "-lock.yml", "-lock.json", "pylock.toml")
# Example, test and documentation configs hold demonstration values (`password: secret`);
# well-known token formats (SEC101, SEC102) are still reported there.
DEMO_FOLDERS = re.compile(r"(?:^|/)(?:examples?|tests?|test_utils|fixtures|docs?|tutorials?)/")


def _scanned(repo: RepoView) -> list[tuple[str, str]]:
    def compute() -> list[tuple[str, str]]:
        found = []
        for path in repo.files:
            if path in OWN_FILES or path.startswith(OWN_RULES) or path in repo.listing.symlinks:
                continue
            if not is_text_name(path) or path in repo.listing.special:
                continue
            info = repo.lstat(path)
            if info is None or info.st_size > SCAN_LIMIT:
                continue
            text = repo.text(path)
            if text is not None:
                found.append((path, text))
        return found

    return facts.memo(repo, "scanned_texts", compute)


def _token_hits(repo: RepoView) -> list[tuple[str, secrets.SecretHit]]:
    def compute() -> list[tuple[str, secrets.SecretHit]]:
        return [(path, hit) for path, text in _scanned(repo) for hit in secrets.tokens(text)]

    return facts.memo(repo, "token_hits", compute)


@rule("SEC101", family="secrets", severity="error")
def no_tokens(repo: RepoView) -> Iterator[Finding]:
    """No cloud keys, API tokens or private keys in the repository's files.

    Why: anything committed is copied to every clone, fork and CI log, and stays in
    history after deletion; leaked keys are harvested from public repositories within
    minutes.
    Fix: revoke the key now, remove it from the file (and from history), and read it from
    the environment or a git-ignored `.env` instead.
    """
    for path, hit in _token_hits(repo):
        if hit.kind != "password in a URI":
            yield Finding(f"{hit.kind}: {hit.preview}", path, hit.line)


@rule("SEC102", family="secrets", severity="error")
def no_passwords_in_uris(repo: RepoView) -> Iterator[Finding]:
    """No URIs with embedded passwords (`scheme://user:password@host`).

    Why: database and tracking-server URIs get logged, printed and copied around; a
    password inside one leaks with it.
    Fix: keep the password out of the URI: `postgresql://mlflow@db/mlflow` with
    `PGPASSWORD` in the environment, or `${oc.env:DB_PASSWORD}` interpolation in config.
    """
    for path, hit in _token_hits(repo):
        if hit.kind == "password in a URI":
            yield Finding(f"{hit.kind}: {hit.preview}", path, hit.line)


@rule("SEC103", family="secrets", severity="error")
def no_credentials_in_config_files(repo: RepoView) -> Iterator[Finding]:
    """Config files assign no literal passwords, tokens or keys.

    Why: `password: hunter2` in a committed YAML, TOML or INI file is as public as the
    repository. Example files (`*.example`) with placeholders are fine.
    Fix: reference the environment instead (`${DB_PASSWORD}` in compose files,
    `${oc.env:DB_PASSWORD}` in Hydra config) and keep values in a git-ignored `.env`.
    """
    for path, text in _scanned(repo):
        name = path.rsplit("/", 1)[-1]
        if name.endswith(TEMPLATE_SUFFIXES) or name.endswith(LOCK_SUFFIXES):
            continue
        if DEMO_FOLDERS.search(path):
            continue
        if not (name.endswith(CONFIG_SUFFIXES) or name.startswith(".env")):
            continue
        seen = {hit.line for where, hit in _token_hits(repo) if where == path}
        lines = text.splitlines()
        for hit in secrets.credential_assignments(text):
            if hit.line in seen or _PERMISSION.match(lines[hit.line - 1]):
                continue
            yield Finding(f"{hit.kind} = {hit.preview}", path, hit.line)


# A CI permission scope (`id-token: write`, `secrets: inherit`), not a credential.
_PERMISSION = re.compile(
    r"^\s*[\w-]+\s*:\s*[\"']?(?:read|write|none|read-all|write-all|inherit)[\"']?\s*(?:#.*)?$"
)


@rule("SEC104", family="secrets", severity="error", requires=("LAY109",), applies=("dotenv",))
def env_files_ignored(repo: RepoView) -> Iterator[Finding]:
    """`.env` files are git-ignored and not committed.

    Why: `.env` is where local credentials live (tracking server, database, cloud keys);
    one `git add .` without an ignore rule publishes them.
    Fix: add `.env` (and `.env.*` with `!.env.example`) to .gitignore; if it was
    committed, `git rm --cached .env` and rotate what it held.
    """
    committed = [p for p in repo.tracked if p.rsplit("/", 1)[-1] == ".env"]
    for path in sorted(committed):
        yield Finding(f"{path} is committed to git", path)
    facts.ask_git_what_it_ignores(repo)
    if not committed and not repo.ignored([facts.ENV_FILE]):
        yield Finding(
            ".env is not git-ignored", ".gitignore" if ".gitignore" in repo.file_set else facts.ROOT
        )
