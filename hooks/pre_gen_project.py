"""Validate the answers before cookiecutter writes anything.

Runs standalone (stdlib only) as cookiecutter's pre-generation hook, and is imported by
`mlops-kit new`, which calls `validate()` before any directory exists: one set of rules for
both paths. Answers reach this file only as JSON inside a raw string, so they stay data.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

CHOICES: dict[str, tuple[str, ...]] = {
    "python_version": ("3.11", "3.12", "3.13"),
    "license": ("MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"),
    "tracking": ("local", "server"),
    "ci": ("github", "gitlab", "none"),
    "example": ("full", "minimal"),
}

# Names a generated package must not take: it would shadow an import the project makes.
RESERVED_NAMES = frozenset(
    {
        "conf", "data", "docs", "dvc", "hydra", "joblib", "matplotlib", "mlflow", "mlops_kit",
        "models", "notebooks", "numpy", "omegaconf", "pandas", "pandera", "pdoc", "pip",
        "pkg_resources", "pre_commit", "pytest", "ruamel", "scipy", "setuptools", "sklearn",
        "src", "test", "tests", "typer", "yaml", "cookiecutter", "psycopg", "sqlalchemy",
    }
)  # fmt: skip

IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*\Z")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s]*@", re.IGNORECASE)
MAX_NAME_LENGTH = 64


def _shown(value: object) -> str:
    """Quote a value for an error message; control, zero-width and RTL characters escaped."""
    return ascii(value)


def _check_identifier(key: str, value: str) -> str | None:
    if not value:
        return f"{key} is empty; give a lowercase Python identifier such as my_project"
    if not IDENTIFIER.match(value):
        return (
            f"{key} {_shown(value)} is not a lowercase Python identifier; "
            "use a-z, 0-9 and _, starting with a letter (e.g. my_project)"
        )
    if len(value) > MAX_NAME_LENGTH:
        return f"{key} {_shown(value)} is longer than {MAX_NAME_LENGTH} characters; shorten it"
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return f"{key} {_shown(value)} is a Python keyword; choose another name"
    if value in sys.stdlib_module_names or value in RESERVED_NAMES:
        return (
            f"{key} {_shown(value)} would shadow the module of the same name "
            "(standard library or a dependency); choose another name"
        )
    return None


def _check_text(key: str, value: str) -> str | None:
    if not value.strip():
        return f"{key} is empty; give a value"
    return None


def _check_email(value: str) -> str | None:
    if not EMAIL.match(value):
        return f"author_email {_shown(value)} is not an e-mail address like name@example.com"
    return None


def _check_tracking_uri(value: str) -> str | None:
    if not re.match(r"https?://[^\s/$]+(/[^\s$]*)?\Z", value):
        return (
            f"tracking_uri {_shown(value)} is not an http(s):// URL; "
            "give the tracking server address, e.g. http://127.0.0.1:5000"
        )
    if URL_CREDENTIALS.match(value):
        return (
            "tracking_uri holds credentials (user:password@); remove them and set "
            "MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD in the environment"
        )
    return None


def _check_dvc_remote(value: str) -> str | None:
    if not value:
        return None
    if not value.isprintable() or value != value.strip() or any(c in value for c in "#;\"'"):
        return (
            f"dvc_remote {_shown(value)} contains control characters, quotes, # or ; "
            "or surrounding spaces; give a plain path or s3:// URL"
        )
    if URL_CREDENTIALS.match(value):
        return (
            "dvc_remote holds credentials; remove them and put them in .dvc/config.local "
            "with `dvc remote modify --local`"
        )
    if value.startswith("s3://"):
        if not re.match(r"s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/\S*)?\Z", value):
            return f"dvc_remote {_shown(value)} is not an s3://bucket/path URL"
        return None
    if value.startswith("/"):
        return None
    return (
        f"dvc_remote {_shown(value)} is neither an absolute local path nor an s3:// URL; "
        "leave it empty for no remote"
    )


def validate(answers: Mapping[str, Any]) -> list[str]:
    """Return one readable line per problem with the answers; empty when all are valid."""
    problems: list[str] = []

    def check(key: str, checker: Callable[[str], str | None]) -> None:
        value = answers.get(key)
        if not isinstance(value, str):
            problems.append(f"{key} is missing or not text; give it as {key}=VALUE")
            return
        problem = checker(value)
        if problem:
            problems.append(problem)

    check("project_name", lambda v: _check_text("project_name", v))
    check("project_slug", lambda v: _check_identifier("project_slug", v))
    check("module_name", lambda v: _check_identifier("module_name", v))
    check("author_name", lambda v: _check_text("author_name", v))
    check("author_email", _check_email)
    for key, allowed in CHOICES.items():
        value = answers.get(key)
        if value not in allowed:
            problems.append(
                f"{key} {_shown(value)} is not one of {', '.join(allowed)}; pick one of those"
            )
    if answers.get("tracking") == "server":
        check("tracking_uri", _check_tracking_uri)
    check("dvc_remote", _check_dvc_remote)
    return problems


def main(answers_json: str) -> int:
    """Validate the rendered answers; print `ERROR: ...` lines and return 1 on problems."""
    problems = validate(json.loads(answers_json))
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(r"""{{ cookiecutter|tojson }}"""))
    except KeyboardInterrupt:
        sys.exit(130)
